package monitoring_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/jiucom/jiucom-infra/components/config"
	prom "github.com/jiucom/jiucom-infra/components/prometheus"
	"github.com/jiucom/jiucom-infra/tests/tooltest"
)

// freePort returns a loopback port nobody listens on right now.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// daemon starts a process for the test's lifetime and kills it at the end.
func daemon(t *testing.T, env []string, bin string, args ...string) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	log, err := os.Create(filepath.Join(t.TempDir(), filepath.Base(bin)+".log"))
	require.NoError(t, err)
	cmd.Stdout, cmd.Stderr = log, log
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if t.Failed() {
			out, _ := os.ReadFile(log.Name())
			t.Logf("--- %s ---\n%s", bin, out)
		}
	})
}

// startMariaDB initialises a throwaway datadir and serves it on a loopback
// port. Grants are skipped: the exporter's login is not under test here.
func startMariaDB(t *testing.T, port int) {
	t.Helper()
	installDB := tooltest.Require(t, "mariadb-install-db")
	server := tooltest.Require(t, "mariadbd")
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	out, err := exec.Command(installDB, "--no-defaults", "--datadir="+data, "--user=root", "--skip-test-db", "--auth-root-authentication-method=normal").CombinedOutput()
	require.NoError(t, err, "%s", out)
	daemon(t, nil, server, "--no-defaults", "--datadir="+data, "--user=root", "--skip-grant-tables",
		"--bind-address=127.0.0.1", fmt.Sprintf("--port=%d", port), "--socket="+filepath.Join(dir, "mysqld.sock"),
		"--pid-file="+filepath.Join(dir, "mysqld.pid"), "--skip-log-bin", "--innodb-buffer-pool-size=16M")
}

// loopbackConfig is the stack's real prometheus.yml with only the targets of
// the given jobs replaced by loopback addresses.
func loopbackConfig(t *testing.T, text string, targets map[string]string) string {
	t.Helper()
	var doc map[string]any
	require.NoError(t, yaml.Unmarshal([]byte(text), &doc))
	for _, sc := range doc["scrape_configs"].([]any) {
		job := sc.(map[string]any)
		if addr, ok := targets[job["job_name"].(string)]; ok {
			for _, static := range job["static_configs"].([]any) {
				static.(map[string]any)["targets"] = []any{addr}
			}
		}
	}
	out, err := yaml.Marshal(doc)
	require.NoError(t, err)
	return string(out)
}

// upByJob asks Prometheus for the up series of the jobs under test, and the
// exporters' own view of their database (an exporter answers even when its
// database is down), keyed "metric/job".
func upByJob(ctx context.Context, promAddr string) (map[string]string, error) {
	q := url.Values{"query": {`{__name__=~"up|mysql_up|redis_up", job=~"node|redis|mysql"}`}}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+promAddr+"/api/v1/query?"+q.Encode(), nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var body struct {
		Data struct {
			Result []struct {
				Metric map[string]string `json:"metric"`
				Value  []any             `json:"value"`
			} `json:"result"`
		} `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		return nil, err
	}
	up := map[string]string{}
	for _, r := range body.Data.Result {
		up[r.Metric["__name__"]+"/"+r.Metric["job"]] = fmt.Sprint(r.Value[1])
	}
	return up, nil
}

// Debian's Prometheus runs the dev stack's generated config against real
// node, redis and mysqld exporters on loopback: the node, redis and mysql
// jobs must report up == 1 within 60 s.
func TestPrometheusScrapesRealExporters(t *testing.T) {
	prometheus := tooltest.Require(t, "prometheus")
	nodeExporter := tooltest.Require(t, "prometheus-node-exporter")
	redisServer := tooltest.Require(t, "redis-server")
	redisExporter := tooltest.Require(t, "prometheus-redis-exporter")
	mysqldExporter := tooltest.Require(t, "prometheus-mysqld-exporter")

	ports := map[string]int{}
	for _, name := range []string{"node", "redis-server", "redis", "mariadb", "mysql", "prometheus"} {
		ports[name] = freePort(t)
	}
	addr := func(name string) string { return fmt.Sprintf("127.0.0.1:%d", ports[name]) }

	dir := t.TempDir()
	daemon(t, nil, nodeExporter, "--web.listen-address="+addr("node"), "--collector.disable-defaults", "--collector.cpu", "--collector.meminfo", "--collector.loadavg")
	daemon(t, nil, redisServer, "--bind", "127.0.0.1", "--port", fmt.Sprint(ports["redis-server"]), "--save", "", "--appendonly", "no", "--dir", dir)
	daemon(t, nil, redisExporter, "-redis.addr", "redis://"+addr("redis-server"), "-web.listen-address", addr("redis"))
	startMariaDB(t, ports["mariadb"])
	daemon(t, []string{"DATA_SOURCE_NAME=root@tcp(" + addr("mariadb") + ")/"}, mysqldExporter, "--web.listen-address="+addr("mysql"))

	generated := uploaded(t, runStack(t, "dev", nil), config.Prometheus, prom.ConfigPath)
	conf := loopbackConfig(t, generated, map[string]string{"node": addr("node"), "redis": addr("redis"), "mysql": addr("mysql")})
	confPath := writeFile(t, dir, "prometheus.yml", conf)
	daemon(t, nil, prometheus, "--config.file="+confPath, "--storage.tsdb.path="+filepath.Join(dir, "tsdb"), "--web.listen-address="+addr("prometheus"))

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	want := map[string]string{"up/node": "1", "up/redis": "1", "up/mysql": "1", "redis_up/redis": "1", "mysql_up/mysql": "1"}
	var last map[string]string
	for {
		up, err := upByJob(ctx, addr("prometheus"))
		if err == nil {
			last = up
			if fmt.Sprint(up) == fmt.Sprint(want) {
				return
			}
		}
		select {
		case <-ctx.Done():
			t.Fatalf("no up == 1 for every job within 60 s: last %v (err %v)\n%s", last, err, conf)
		case <-time.After(time.Second):
		}
	}
}

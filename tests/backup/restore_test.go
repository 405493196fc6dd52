package backup

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jiucom/jiucom-infra/tests/tooltest"
)

// datastores are the four services, running on loopback with known data.
type datastores struct {
	db                   *mariadb
	redis                *proc
	redisAddr, redisData string
	redisCLI             string
	grafanaDB            string
	sqlite               string
	prom                 *proc
	promAddr, promData   string
	pushgateway          string
}

func startDatastores(t *testing.T) *datastores {
	t.Helper()
	s := &datastores{
		redisCLI: tooltest.Require(t, "redis-cli"),
		sqlite:   tooltest.Require(t, "sqlite3"),
	}
	tooltest.Require(t, "restic")
	tooltest.Require(t, "redis-check-rdb")
	s.db = startMariaDB(t)
	s.db.seed(t)
	s.db.sql(t, "CREATE TABLE jiucom.members (id INT PRIMARY KEY, name VARCHAR(64)); INSERT INTO jiucom.members VALUES (1, 'kim'), (2, 'lee'), (3, 'park');"+
		"CREATE TRIGGER jiucom.members_upper BEFORE INSERT ON jiucom.members FOR EACH ROW SET NEW.name = LOWER(NEW.name);")

	// Redis with AOF persistence, as the stack runs it by default.
	s.redisData = t.TempDir()
	s.redisAddr = fmt.Sprintf("127.0.0.1:%d", freePort(t))
	_, port, _ := strings.Cut(s.redisAddr, ":")
	s.redis = start(t, tooltest.Require(t, "redis-server"), "--bind", "127.0.0.1", "--port", port, "--dir", s.redisData,
		"--requirepass", redisPassword, "--appendonly", "yes", "--appendfsync", "always")
	waitListening(t, s.redisAddr)
	s.redisDo(t, "SET", "quote:42", "3 parts, 120000 KRW")
	s.redisDo(t, "HSET", "session:7", "user", "kim")

	// Grafana's database: a SQLite file with a dashboard row.
	s.grafanaDB = filepath.Join(t.TempDir(), "grafana.db")
	s.sqliteDo(t, s.grafanaDB, "CREATE TABLE dashboard (id INTEGER PRIMARY KEY, title TEXT); INSERT INTO dashboard (title) VALUES ('JIUCOM overview');")

	// Prometheus scraping itself every second, with the admin API the
	// backup uses.
	s.promData = t.TempDir()
	s.promAddr = fmt.Sprintf("127.0.0.1:%d", freePort(t))
	s.prom = startPrometheus(t, s.promAddr, s.promData)

	s.pushgateway = fmt.Sprintf("127.0.0.1:%d", freePort(t))
	start(t, tooltest.Require(t, "prometheus-pushgateway"), "--web.listen-address="+s.pushgateway)
	waitListening(t, s.pushgateway)
	return s
}

func startPrometheus(t *testing.T, addr, data string) *proc {
	t.Helper()
	conf := filepath.Join(t.TempDir(), "prometheus.yml")
	require.NoError(t, os.WriteFile(conf, []byte(fmt.Sprintf("global: {scrape_interval: 1s}\nscrape_configs:\n- job_name: self\n  static_configs: [{targets: [%q]}]\n", addr)), 0o644))
	p := start(t, tooltest.Require(t, "prometheus"), "--config.file="+conf, "--storage.tsdb.path="+data,
		"--web.listen-address="+addr, "--web.enable-admin-api")
	waitListening(t, addr)
	return p
}

func (s *datastores) redisDo(t *testing.T, args ...string) string {
	t.Helper()
	host, port, _ := strings.Cut(s.redisAddr, ":")
	cmd := exec.Command(s.redisCLI, append([]string{"-h", host, "-p", port, "--no-auth-warning"}, args...)...)
	cmd.Env = append(os.Environ(), "REDISCLI_AUTH="+redisPassword)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	return strings.TrimSpace(string(out))
}

func (s *datastores) sqliteDo(t *testing.T, db, sql string) string {
	t.Helper()
	out, err := exec.Command(s.sqlite, db, sql).CombinedOutput()
	require.NoError(t, err, "%s", out)
	return strings.TrimSpace(string(out))
}

// samples counts the self-scrape samples Prometheus holds in the 10 min
// before at; -1 while Prometheus is not ready to answer.
func samples(t *testing.T, promAddr string, at time.Time) int {
	t.Helper()
	q := url.Values{"query": {`count_over_time(up{job="self"}[10m])`}, "time": {fmt.Sprint(at.Unix())}}
	var res struct {
		Data struct {
			Result []struct {
				Value []any `json:"value"`
			} `json:"result"`
		} `json:"data"`
	}
	// Until its TSDB is open Prometheus answers 503 in plain text: not
	// ready yet, which the callers' Eventually waits out.
	if err := json.Unmarshal([]byte(get(t, "http://"+promAddr+"/api/v1/query?"+q.Encode())), &res); err != nil {
		return -1
	}
	if len(res.Data.Result) == 0 {
		return 0
	}
	n, err := strconv.Atoi(fmt.Sprint(res.Data.Result[0].Value[1]))
	require.NoError(t, err)
	return n
}

func (s *datastores) env(t *testing.T, dir string, extra ...string) []string {
	host, port, _ := strings.Cut(s.redisAddr, ":")
	return env(t, dir, append(append(s.db.env(t),
		"REDIS_HOST="+host, "REDIS_PORT="+port, "REDIS_DATA="+s.redisData,
		"GRAFANA_DB="+s.grafanaDB,
		"PROMETHEUS_URL=http://"+s.promAddr, "PROMETHEUS_DATA="+s.promData,
		"BACKUP_PUSHGATEWAY=http://"+s.pushgateway,
	), extra...)...)
}

// pushed is the Pushgateway's view of the backup metrics, one line each.
func (s *datastores) pushed(t *testing.T) string { return pushedTo(t, s.pushgateway) }

// pushedTo is the backup metrics a Pushgateway at addr holds, one line each.
func pushedTo(t testing.TB, addr string) string {
	var lines []string
	for _, l := range strings.Split(get(t, "http://"+addr+"/metrics"), "\n") {
		if strings.HasPrefix(l, "jiucom_backup_") {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, "\n")
}

// pushedNames are the names of the backup metrics the Pushgateway holds.
func (s *datastores) pushedNames(t *testing.T) []string {
	names := map[string]bool{}
	for _, l := range strings.Split(s.pushed(t), "\n") {
		name, _, _ := strings.Cut(l, "{")
		names[name] = true
	}
	return slices.Sorted(maps.Keys(names))
}

// Write known data, back it up with backup.sh, destroy it, restore it with
// restore.sh: every row, key, dashboard and sample is back.
func TestBackupThenRestoreBringsEveryServiceBack(t *testing.T) {
	s := startDatastores(t)
	require.Eventually(t, func() bool { return samples(t, s.promAddr, time.Now()) >= 3 }, 60*time.Second, 500*time.Millisecond)
	dir := t.TempDir()
	environ := s.env(t, dir, "BACKUP_SERVICES=mysql redis grafana prometheus")

	backedUpAt := time.Now() // every sample up to here is in the snapshot
	code, out := runScript(t, environ, "backup.sh")
	require.Equal(t, 0, code, out)
	before := samples(t, s.promAddr, backedUpAt)
	require.Positive(t, before, "the samples the backup holds")
	metrics := s.pushed(t)
	for _, svc := range []string{"mysql", "redis", "grafana", "prometheus"} {
		assert.Contains(t, metrics, fmt.Sprintf(`jiucom_backup_last_status{instance="%s",job="backup",service="%s"} 1`, backupHost, svc))
		assert.Regexp(t, fmt.Sprintf(`jiucom_backup_last_success_timestamp_seconds\{instance="%s",job="backup",service="%s"\} 1\.[0-9.e+]+`, backupHost, svc), metrics)
		assert.Regexp(t, fmt.Sprintf(`jiucom_backup_size_bytes\{instance="%s",job="backup",service="%s"\} [1-9]`, backupHost, svc), metrics)
	}
	assert.Empty(t, s.db.sql(t, "SELECT user FROM mysql.user WHERE user='backup' AND Super_priv='Y'"), "the backup user is no superuser")

	// Destroy everything.
	s.db.sql(t, "DROP TABLE jiucom.members")
	s.redisDo(t, "FLUSHALL")
	s.redis.stop()
	require.NoError(t, os.Remove(s.grafanaDB))
	s.prom.stop()
	require.NoError(t, os.RemoveAll(s.promData))
	require.NoError(t, os.Mkdir(s.promData, 0o755))

	// Restore each the way make restore does: file services while stopped.
	s.db.loadDump(t, environ, database)
	for _, svc := range []string{"redis", "grafana", "prometheus"} {
		code, out := runScript(t, environ, "restore.sh", svc, "latest")
		require.Equal(t, 0, code, "%s: %s", svc, out)
	}
	assert.Equal(t, "1\tkim\n2\tlee\n3\tpark", s.db.sql(t, "SELECT id, name FROM jiucom.members ORDER BY id"))
	assert.Equal(t, "members_upper", s.db.sql(t, "SELECT trigger_name FROM information_schema.triggers WHERE trigger_schema='jiucom'"), "triggers come back")

	s.redis.start()
	waitListening(t, s.redisAddr)
	assert.Equal(t, "3 parts, 120000 KRW", s.redisDo(t, "GET", "quote:42"))
	assert.Equal(t, "kim", s.redisDo(t, "HGET", "session:7", "user"))
	assert.DirExists(t, filepath.Join(s.redisData, "appendonlydir"), "Redis rebuilt its AOF from the restored RDB")

	assert.Equal(t, "JIUCOM overview", s.sqliteDo(t, s.grafanaDB, "SELECT title FROM dashboard"))

	s.prom = startPrometheus(t, s.promAddr, s.promData)
	require.Eventually(t, func() bool { return samples(t, s.promAddr, backedUpAt) == before }, 30*time.Second, 500*time.Millisecond,
		"the restored TSDB holds the %s samples from before the backup", before)
}

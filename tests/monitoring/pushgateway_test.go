package monitoring_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	prom "github.com/jiucom/jiucom-infra/components/prometheus"
	"github.com/jiucom/jiucom-infra/tests/harness"
	"github.com/jiucom/jiucom-infra/tests/tooltest"
)

const pushedMetric = "jiucom_batch_last_success_timestamp_seconds"

// pushgatewayArgs are the record's own flags with the container's data
// path moved to dir and the listener to addr.
func pushgatewayArgs(t *testing.T, dir, addr string) []string {
	t.Helper()
	c := containerOf(t, runStack(t, "dev", nil), "pushgateway")
	var args []string
	for _, a := range harness.Arr(c.Inputs["command"]) {
		args = append(args, strings.ReplaceAll(harness.Str(a), "/pushgateway/", dir+"/"))
	}
	require.Contains(t, strings.Join(args, " "), "--persistence.file="+dir+"/", "pushed metrics are kept on the data volume")
	return append(args, "--web.listen-address="+addr)
}

// startPushgateway runs Debian's Pushgateway until stop is called.
func startPushgateway(t *testing.T, bin string, args []string) (stop func()) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	require.NoError(t, cmd.Start())
	stopped := false
	stop = func() {
		if !stopped {
			stopped = true
			_ = cmd.Process.Signal(syscall.SIGTERM) // it writes the persistence file on shutdown
			_ = cmd.Wait()
		}
	}
	t.Cleanup(stop)
	return stop
}

func waitFor(t *testing.T, what string, check func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		ok, last := check()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s within 60 s; last: %s", what, last)
		}
		time.Sleep(300 * time.Millisecond)
	}
}

func get(url string) (string, error) {
	resp, err := http.Get(url)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return string(body), err
}

// A batch job pushes its result; Prometheus, with the stack's generated
// config, stores it under the job that pushed it (honor_labels), and the
// Pushgateway still serves it after a restart (its persistence file).
func TestPushedMetricsReachPrometheusUnderTheirJobAndSurviveARestart(t *testing.T) {
	pushgateway := tooltest.Require(t, "prometheus-pushgateway")
	prometheus := tooltest.Require(t, "prometheus")
	dir := t.TempDir()
	gw, promAddr := fmt.Sprintf("127.0.0.1:%d", freePort(t)), fmt.Sprintf("127.0.0.1:%d", freePort(t))
	args := pushgatewayArgs(t, dir, gw)
	stop := startPushgateway(t, pushgateway, args)

	push := func() (bool, string) {
		body := strings.NewReader(fmt.Sprintf("# TYPE %s gauge\n%s{service=\"mysql\"} 1733270400\n", pushedMetric, pushedMetric))
		resp, err := http.Post("http://"+gw+"/metrics/job/backup/instance/service", "text/plain", body)
		if err != nil {
			return false, err.Error()
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK, resp.Status
	}
	waitFor(t, "the Pushgateway accepts a push", push)

	generated := uploaded(t, runStack(t, "dev", nil), "prometheus", prom.ConfigPath)
	conf := writeFile(t, dir, "prometheus.yml", loopbackConfig(t, generated, map[string]string{"pushgateway": gw}))
	daemon(t, nil, prometheus, "--config.file="+conf, "--storage.tsdb.path="+filepath.Join(dir, "tsdb"), "--web.listen-address="+promAddr)
	waitFor(t, "Prometheus stores the pushed series under job=backup", func() (bool, string) {
		q := url.Values{"query": {pushedMetric}}
		body, err := get("http://" + promAddr + "/api/v1/query?" + q.Encode())
		if err != nil {
			return false, err.Error()
		}
		var res struct {
			Data struct {
				Result []struct {
					Metric map[string]string `json:"metric"`
				} `json:"result"`
			} `json:"data"`
		}
		if json.Unmarshal([]byte(body), &res) != nil || len(res.Data.Result) != 1 {
			return false, body
		}
		m := res.Data.Result[0].Metric
		return m["job"] == "backup" && m["service"] == "mysql" && m["exported_job"] == "", body
	})

	stop()
	startPushgateway(t, pushgateway, args)
	waitFor(t, "the restarted Pushgateway serves the pushed metric", func() (bool, string) {
		body, err := get("http://" + gw + "/metrics")
		if err != nil {
			return false, err.Error()
		}
		return strings.Contains(body, pushedMetric+`{instance="service",job="backup",service="mysql"}`), body
	})
}

func TestPushgatewayIsPublishedOnTheLANWithItsVolume(t *testing.T) {
	for stackName, lan := range map[string]string{"dev": "127.0.0.1", "prod": "192.168.0.20"} {
		c := containerOf(t, runStack(t, stackName, nil), "pushgateway")
		port := harness.Obj(harness.Arr(c.Inputs["ports"])[0])
		assert.Equal(t, lan, harness.Str(port["ip"]), "%s: batch jobs on any host push to the LAN address", stackName)
		assert.Equal(t, 9091, harness.Num(port["external"]))
		vol := harness.Obj(harness.Arr(c.Inputs["volumes"])[0])
		assert.Equal(t, "/pushgateway", harness.Str(vol["containerPath"]))
		assert.Equal(t, "jiucom-pushgateway-data", harness.Str(vol["volumeName"]))
	}
}

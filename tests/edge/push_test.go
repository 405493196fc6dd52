package edge_test

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jiucom/jiucom-infra/assets"
	"github.com/jiucom/jiucom-infra/components/edge"
	"github.com/jiucom/jiucom-infra/tests/nginxtest"
	"github.com/jiucom/jiucom-infra/tests/tooltest"
)

// The rendered production config (ports 443/80) passes nginx -t with the
// Debian stream module loaded through the include it carries.
func TestRenderedConfigPassesNginxT(t *testing.T) {
	conf, err := edge.Render([]edge.Route{
		{Name: "grafana.jiucom.example", HTTPS: "198.51.100.20:8888", HTTP: "198.51.100.20:8080"},
		{Name: "api.jiucom.example", HTTPS: "198.51.100.20:8889", HTTP: "198.51.100.20:8081"},
	}, edge.DefaultListen)
	require.NoError(t, err)
	n := nginxtest.New(t)
	out, err := n.Test(t, conf)
	require.NoError(t, err, out)
	assert.Contains(t, out, "test is successful")
}

// push.sh against a live nginx: a valid config goes live; a config nginx
// rejects fails the push with nginx's message and the previous config keeps
// serving.
func TestPushScriptSwapsOnlyValidConfigs(t *testing.T) {
	tooltest.Require(t, "sh")

	one, two := nginxtest.LoopbackAddr(t, edgeIP), nginxtest.LoopbackAddr(t, edgeIP)
	for addr, name := range map[string]string{one: "one", two: "two"} {
		serve(t, addr, func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, name) })
	}
	edgeTLS, edgeHTTP := nginxtest.LoopbackAddr(t, edgeIP), nginxtest.LoopbackAddr(t, edgeIP)
	render := func(httpHome string) string {
		conf, err := edge.Render([]edge.Route{{Name: "grafana.jiucom.test", HTTPS: "127.0.0.1:9", HTTP: httpHome}},
			edge.Listen{HTTPS: edgeTLS, HTTP: edgeHTTP})
		require.NoError(t, err)
		return conf
	}

	n := nginxtest.New(t)
	master := n.Run(t, render(one), edgeTLS, edgeHTTP)
	require.Equal(t, "one", edgeAnswer(t, edgeHTTP))

	push := pushRunner(t, n)

	live := render(two)
	old := workers(t, master)
	out, err := push(live)
	require.NoError(t, err, out)
	eventually(t, func() bool { return gone(old) }, "the old workers never exited: no reload")
	assert.Equal(t, "two", edgeAnswer(t, edgeHTTP), "the pushed config is live")
	assertFile(t, n.ConfPath(), live)

	// An upstream that does not resolve is what a typo in the home address
	// looks like: nginx -t rejects it.
	old = workers(t, master)
	out, err = push(render("no-such-home.invalid:80"))
	require.Error(t, err, "a rejected config must fail the push")
	assert.Contains(t, out, "nginx rejected the new config")
	assert.Contains(t, out, "no-such-home.invalid", "nginx's own message is passed on")
	assertFile(t, n.ConfPath(), live)
	assert.Equal(t, "two", edgeAnswer(t, edgeHTTP), "the previous config keeps serving")
	assert.Equal(t, old, workers(t, master), "no reload happened")
	leftovers, _ := filepath.Glob(filepath.Join(n.Dir, ".edge-push.*"))
	assert.Empty(t, leftovers, "no staged file left behind")
}

// The readiness gate succeeds where nginx can load the stream module.
func TestReadyScriptAcceptsNginxWithStream(t *testing.T) {
	tooltest.Require(t, "nginx")
	script, err := assets.Edge.ReadFile("edge/ready.sh")
	require.NoError(t, err)
	cmd := exec.Command("sh", "-s", "--")
	cmd.Stdin = strings.NewReader(string(script))
	cmd.Env = append(os.Environ(), "PATH=/usr/sbin:/usr/bin:/sbin:/bin")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, string(out))
	assert.Contains(t, string(out), "nginx with stream module")
}

// pushRunner runs the embedded push.sh exactly as the remote command does
// (script on stdin, candidate as argument), pointed at the test instance.
func pushRunner(t *testing.T, n nginxtest.Nginx) func(config string) (string, error) {
	script, err := assets.Edge.ReadFile("edge/push.sh")
	require.NoError(t, err)
	wrapper := filepath.Join(t.TempDir(), "nginx")
	args := strings.Join(quoteAll(n.Args("")), " ")
	require.NoError(t, os.WriteFile(wrapper, []byte("#!/bin/sh\nexec "+n.Bin+" "+args+" \"$@\"\n"), 0o755))
	return func(config string) (string, error) {
		candidate := filepath.Join(t.TempDir(), "candidate.conf")
		require.NoError(t, os.WriteFile(candidate, []byte(config), 0o644))
		cmd := exec.Command("sh", "-s", "--", candidate)
		cmd.Stdin = strings.NewReader(string(script))
		cmd.Env = append(os.Environ(), "NGINX_BIN="+wrapper, "NGINX_CONF="+n.ConfPath(), "NGINX_RELOAD="+wrapper+" -c "+n.ConfPath()+" -s reload")
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
}

func quoteAll(args []string) []string {
	q := make([]string, len(args))
	for i, a := range args {
		q[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
	}
	return q
}

// edgeAnswer asks the edge's :80 for the test name and returns the body.
func edgeAnswer(t *testing.T, edgeHTTP string) string {
	t.Helper()
	resp, err := httpClient(edgeHTTP, clientIP, nil).Get("http://grafana.jiucom.test/")
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return string(body)
}

// eventually waits for an asynchronous reload (old workers drain before they
// exit); it only fails if the condition never holds.
func eventually(t *testing.T, cond func() bool, msg string) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatal(msg)
}

func assertFile(t *testing.T, path, want string) {
	t.Helper()
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, want, string(got), "%s", path)
}

package gateway_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jiucom/jiucom-infra/assets"
	"github.com/jiucom/jiucom-infra/components/gateway"
	"github.com/jiucom/jiucom-infra/tests/nginxtest"
)

// replica is a stoppable app replica on a chosen loopback address. It names
// itself in X-Backend and counts what it served.
type replica struct {
	name     string
	addr     string
	l        net.Listener
	srv      *http.Server
	served   atomic.Int64
	draining atomic.Bool
	refused  atomic.Int64 // 503s while draining
}

func startReplica(t *testing.T, name, ip string) *replica {
	t.Helper()
	l, err := net.Listen("tcp", ip+":0")
	require.NoError(t, err)
	r := &replica{name: name, addr: l.Addr().String(), l: l}
	r.srv = &http.Server{ReadHeaderTimeout: 5 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("X-Backend", name)
		if r.draining.Load() {
			// What a replica shutting down answers while it drains.
			r.refused.Add(1)
			http.Error(w, name+" is shutting down", http.StatusServiceUnavailable)
			return
		}
		r.served.Add(1)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"backend":%q}`, name)
	})}
	go func() { _ = r.srv.Serve(l) }()
	t.Cleanup(r.stop)
	return r
}

// stop is the container going away: new connections are refused and open
// ones (nginx's keepalive pool, requests in flight) are cut.
func (r *replica) stop() {
	_ = r.l.Close()
	_ = r.srv.Close()
}

// applier runs the committed assets/nginx/apply-config.sh against a test
// nginx, through an `nginx` on PATH that adds the instance's prefix, error
// log and pid file. The script's own `-c` comes after the wrapper's and wins
// (nginx keeps the last -c), so `nginx -t -c CONF.next` tests the new file
// and `nginx -s reload` finds the running master through the pid file.
type applier struct {
	n      nginxtest.Nginx
	script string
	path   string
}

func newApplier(t *testing.T, n nginxtest.Nginx) applier {
	t.Helper()
	dir := t.TempDir()
	script := filepath.Join(dir, "apply-config.sh")
	require.NoError(t, os.WriteFile(script, []byte(assets.NginxApplyConfig), 0o755))
	bin := filepath.Join(dir, "bin")
	require.NoError(t, os.Mkdir(bin, 0o755))
	words := []string{"exec", shellQuote(n.Bin)}
	for _, a := range n.Args("", "-c", n.ConfPath()) {
		words = append(words, shellQuote(a))
	}
	wrapper := "#!/bin/sh\n" + strings.Join(words, " ") + ` "$@"` + "\n"
	require.NoError(t, os.WriteFile(filepath.Join(bin, "nginx"), []byte(wrapper), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(bin, "docker"), []byte(localDocker), 0o755))
	return applier{n: n, script: script, path: bin + string(os.PathListSeparator) + os.Getenv("PATH")}
}

// localDocker stands in for the docker CLI the reload command drives: the
// "container" is this machine, so `docker exec [-i] [-e K=V] NAME CMD…`
// runs CMD here with the variables and stdin as docker would pass them.
const localDocker = `#!/bin/sh
case "$1 $2" in
"container inspect") echo true; exit 0 ;;
esac
[ "$1" = exec ] || { echo "fake docker: unexpected $*" >&2; exit 3; }
shift
vars=""
while :; do
  case "$1" in
  -i) shift ;;
  -e) vars="$vars $2"; shift 2 ;;
  *) break ;;
  esac
done
shift # the container name
# shellcheck disable=SC2086
exec env $vars "$@"
`

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// apply runs the reload command exactly as the stack's command:local does
// (assets/nginx/reload-container.sh with conf on stdin), which execs
// apply-config.sh in the "container"; env adds variables such as
// RELOAD_IF_RUNNING=1.
func (a applier) apply(conf string, env ...string) (stdout, stderr string, err error) {
	cmd := exec.Command("sh", "-c", assets.NginxReloadContainer)
	cmd.Env = append(append(os.Environ(), "PATH="+a.path, "NGINX_CONTAINER=jiucom-gateway",
		"NGINX_CONF="+a.n.ConfPath(), "APPLY_SCRIPT="+a.script), env...)
	cmd.Stdin = strings.NewReader(conf)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err = cmd.Run()
	return o.String(), e.String(), err
}

// renderApp renders the real gateway config with the given app replicas.
func renderApp(t *testing.T, n nginxtest.Nginx, listen gateway.Listen, others []string, app ...string) string {
	t.Helper()
	conf, err := gateway.Render(gateway.Args{
		App:       app,
		Grafana:   others[0],
		Zipkin:    others[1],
		AccessLog: filepath.Join(n.Dir, "access.log"),
		Listen:    listen,
	})
	require.NoError(t, err)
	return conf
}

type rollingGateway struct {
	n      nginxtest.Nginx
	a      applier
	listen gateway.Listen
	others []string
	master int
}

func startRollingGateway(t *testing.T, app ...string) rollingGateway {
	t.Helper()
	n := nginxtest.New(t)
	g := rollingGateway{
		n:      n,
		a:      newApplier(t, n),
		listen: gateway.Listen{HTTP: nginxtest.LoopbackAddr(t, gatewayIP), HTTPS: nginxtest.LoopbackAddr(t, gatewayIP)},
		others: []string{nginxtest.Backend(t, "grafana"), nginxtest.Backend(t, "zipkin")},
	}
	g.master = n.Run(t, g.render(t, app...), g.listen.HTTP)
	return g
}

func (g rollingGateway) render(t *testing.T, app ...string) string {
	return renderApp(t, g.n, g.listen, g.others, app...)
}

// workers lists the nginx master's children; a reload replaces them all.
func workers(t *testing.T, master int) []int {
	t.Helper()
	entries, err := os.ReadDir("/proc")
	require.NoError(t, err)
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid …; comm may hold spaces, so cut at the last ')'.
		fields := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
		if len(fields) > 1 && fields[1] == strconv.Itoa(master) {
			pids = append(pids, pid)
		}
	}
	slices.Sort(pids)
	return pids
}

// Source addresses for the load: each client stays under the per-client
// rate limit (30 r/s, burst 60), so a 429 is a real failure.
const (
	rollingClients  = 40
	clientInterval  = 40 * time.Millisecond // 25 r/s per client
	minRequests     = 2000
	maxRequests     = 20000
	minAfterDeploy  = 200
	maxLoadDuration = 60 * time.Second
)

type tally struct {
	mu       sync.Mutex
	total    int
	failed   int
	failures []string
	during   map[string]int // by backend, requests started before the deploy finished
	after    map[string]int // requests started after it
	nAfter   int
}

func (s *tally) record(afterDeploy bool, backend string, failure string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.total++
	if afterDeploy {
		s.nAfter++
	}
	if failure != "" {
		s.failed++
		if len(s.failures) < 10 {
			s.failures = append(s.failures, failure)
		}
		return
	}
	if afterDeploy {
		s.after[backend]++
	} else {
		s.during[backend]++
	}
}

func (s *tally) counts() (total, nAfter int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.total, s.nAfter
}

// A rolling deploy of both app replicas under load, through the same
// apply-config.sh the containers run: no client sees an error, and once it is
// over only the new replicas answer.
func TestRollingDeployDropsNoRequest(t *testing.T) {
	v1 := []*replica{startReplica(t, "v1-a", "127.0.2.1"), startReplica(t, "v1-b", "127.0.2.2")}
	g := startRollingGateway(t, v1[0].addr, v1[1].addr)
	url := "http://" + g.listen.HTTP + "/api/v1/items"

	s := &tally{during: map[string]int{}, after: map[string]int{}}
	var deployed atomic.Bool
	stop := make(chan struct{})
	var stopOnce sync.Once
	halt := func() { stopOnce.Do(func() { close(stop) }) }
	var wg sync.WaitGroup
	start := time.Now()
	// Deferred so the numbers show even when the deploy itself fails.
	defer func() {
		total, nAfter := s.counts()
		t.Logf("rolling deploy: %d requests in %s from %d clients, %d failed; before the deploy finished %v, after it (%d) %v; v1-a answered %d 503s while draining",
			total, time.Since(start).Round(time.Millisecond), rollingClients, s.failed, s.during, nAfter, s.after, v1[0].refused.Load())
	}()
	defer func() { halt(); wg.Wait() }()
	for i := range rollingClients {
		c := nginxtest.ClientFrom(fmt.Sprintf("127.0.1.%d", i+1))
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer c.CloseIdleConnections()
			tick := time.NewTicker(clientInterval)
			defer tick.Stop()
			for {
				select {
				case <-stop:
					return
				case <-tick.C:
				}
				total, nAfter := s.counts()
				if total >= maxRequests || time.Since(start) > maxLoadDuration ||
					(deployed.Load() && total >= minRequests && nAfter >= minAfterDeploy) {
					halt()
					return
				}
				after := deployed.Load()
				backend, failure := fetch(c, url)
				s.record(after, backend, failure)
			}
		}()
	}

	waitFor := func(what string, cond func() bool) {
		t.Helper()
		deadline := time.Now().Add(15 * time.Second)
		for !cond() {
			require.True(t, time.Now().Before(deadline), "timed out waiting for %s", what)
			time.Sleep(10 * time.Millisecond)
		}
	}
	waitFor("the load to warm up", func() bool { total, _ := s.counts(); return total >= 200 })

	// The first replica shuts down gracefully (answering 503 while it drains),
	// the second is killed outright (refused connections, cut requests).
	app := []string{v1[0].addr, v1[1].addr}
	var v2 []*replica
	for i, name := range []string{"v2-a", "v2-b"} {
		if i == 0 {
			v1[i].draining.Store(true)
			time.Sleep(200 * time.Millisecond)
		}
		v1[i].stop()
		// The container is gone before the new config arrives.
		time.Sleep(100 * time.Millisecond)
		r := startReplica(t, name, fmt.Sprintf("127.0.3.%d", i+1))
		v2 = append(v2, r)
		app[i] = r.addr
		out, errOut, err := g.a.apply(g.render(t, app...))
		require.NoError(t, err, "apply-config.sh:\n%s%s", out, errOut)
		require.Contains(t, out, "is live")
		// Like a rolling deploy that waits for the new replica to be in
		// service before it takes down the next one.
		waitFor(name+" to be served", func() bool { return r.served.Load() > 0 })
	}
	deployed.Store(true)
	wg.Wait()

	total, nAfter := s.counts()
	assert.Positive(t, v1[0].refused.Load(), "the draining replica's 503s were retried, not missed")
	assert.GreaterOrEqual(t, total, minRequests)
	assert.Zero(t, s.failed, "failed requests, first ones: %q", s.failures)
	assert.Positive(t, s.during["v1-a"]+s.during["v1-b"], "the old replicas served before the deploy")
	assert.GreaterOrEqual(t, nAfter, minAfterDeploy)
	assert.Zero(t, s.after["v1-a"]+s.after["v1-b"], "an old replica answered after the deploy: %v", s.after)
	assert.Positive(t, s.after["v2-a"], "the new replica a serves after the deploy: %v", s.after)
	assert.Positive(t, s.after["v2-b"], "the new replica b serves after the deploy: %v", s.after)
	live, err := os.ReadFile(g.n.ConfPath())
	require.NoError(t, err)
	assert.Contains(t, string(live), "server "+v2[0].addr+" ")
	assert.Contains(t, string(live), "server "+v2[1].addr+" ")
	assert.NotContains(t, string(live), v1[0].addr)
	assert.NotContains(t, string(live), v1[1].addr)
}

// fetch makes one request; any transport error or non-2xx is a failure.
func fetch(c *http.Client, url string) (backend, failure string) {
	resp, err := c.Get(url)
	if err != nil {
		return "", err.Error()
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", "reading the body: " + err.Error()
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return "", fmt.Sprintf("%d from %q: %.100s", resp.StatusCode, resp.Header.Get("X-Backend"), body)
	}
	return resp.Header.Get("X-Backend"), ""
}

// A config nginx refuses changes nothing: the script says so with nginx's own
// message, the file and the workers stay, and the old config keeps serving.
func TestRefusedConfigKeepsTheOldOneServing(t *testing.T) {
	old := startReplica(t, "old", "127.0.2.1")
	g := startRollingGateway(t, old.addr)
	url := "http://" + g.listen.HTTP + "/api/v1/items"
	c := nginxtest.ClientFrom(client1)
	good, err := os.ReadFile(g.n.ConfPath())
	require.NoError(t, err)
	newer := startReplica(t, "new", "127.0.3.1")

	cases := []struct {
		name, conf, message string
	}{
		{"unknown directive",
			strings.Replace(g.render(t, newer.addr), "http {", "http {\n    no_such_directive on;", 1),
			`unknown directive "no_such_directive"`},
		{"upstream host that does not resolve",
			g.render(t, "app-replaced.invalid:8080"),
			`host not found in upstream "app-replaced.invalid:8080"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := workers(t, g.master)
			require.NotEmpty(t, before)
			out, errOut, err := g.a.apply(tc.conf)
			var exit *exec.ExitError
			require.True(t, errors.As(err, &exit), "apply-config.sh must fail: %v\n%s%s", err, out, errOut)
			assert.NotZero(t, exit.ExitCode())
			assert.Contains(t, errOut, tc.message, "nginx's own message")
			assert.Contains(t, errOut, g.n.ConfPath()+".next", "nginx tested the pushed file, not the live one")
			assert.Contains(t, errOut, "keeps serving")
			assert.NotContains(t, out, "is live")

			live, err := os.ReadFile(g.n.ConfPath())
			require.NoError(t, err)
			assert.Equal(t, good, live, "the live config is unchanged byte for byte")
			assert.NoFileExists(t, g.n.ConfPath()+".next")
			time.Sleep(200 * time.Millisecond)
			assert.Equal(t, before, workers(t, g.master), "nothing was reloaded")
			backend, failure := fetch(c, url)
			require.Empty(t, failure)
			assert.Equal(t, "old", backend, "the old config still serves")
		})
	}

	t.Run("reload only (RELOAD_IF_RUNNING) on a valid config", func(t *testing.T) {
		before := workers(t, g.master)
		out, errOut, err := g.a.apply("", "RELOAD_IF_RUNNING=1")
		require.NoError(t, err, "apply-config.sh:\n%s%s", out, errOut)
		assert.Contains(t, out, "reloaded "+g.n.ConfPath())
		live, err := os.ReadFile(g.n.ConfPath())
		require.NoError(t, err)
		assert.Equal(t, good, live, "a reload alone writes nothing")
		assert.NoFileExists(t, g.n.ConfPath()+".next")
		deadline := time.Now().Add(10 * time.Second)
		for slices.ContainsFunc(workers(t, g.master), func(p int) bool { return slices.Contains(before, p) }) {
			require.True(t, time.Now().Before(deadline), "the workers were never replaced: %v", before)
			time.Sleep(20 * time.Millisecond)
		}
		backend, failure := fetch(c, url)
		require.Empty(t, failure)
		assert.Equal(t, "old", backend)
	})
}

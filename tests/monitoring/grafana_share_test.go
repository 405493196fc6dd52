package monitoring_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jiucom/jiucom-infra/components/dashboards"
	gf "github.com/jiucom/jiucom-infra/components/grafana"
	"github.com/jiucom/jiucom-infra/tests/harness"
	"github.com/jiucom/jiucom-infra/tests/tooltest"
)

// stubGrafana answers the public-dashboard API of one dashboard as Grafana
// does: 503 while starting, 404 before the share exists, the share after.
type stubGrafana struct {
	mu       sync.Mutex
	starting int // requests answered 503 first
	share    map[string]any
	posts    []map[string]any
	auth     []string
}

func (g *stubGrafana) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	defer g.mu.Unlock()
	user, password, _ := r.BasicAuth()
	g.auth = append(g.auth, user+":"+password)
	path := "/grafana/api/dashboards/uid/" + dashboards.StatusUID + "/public-dashboards"
	switch {
	case g.starting > 0:
		g.starting--
		w.WriteHeader(http.StatusServiceUnavailable)
	case r.Method == http.MethodGet && r.URL.Path == path && g.share == nil:
		http.Error(w, `{"message":"Public dashboard not found"}`, http.StatusNotFound)
	case r.Method == http.MethodGet && r.URL.Path == path:
		_ = json.NewEncoder(w).Encode(g.share)
	case r.Method == http.MethodPost && r.URL.Path == path+"/":
		var body map[string]any
		data, _ := io.ReadAll(r.Body)
		_ = json.Unmarshal(data, &body)
		g.posts = append(g.posts, body)
		g.share = body
		_ = json.NewEncoder(w).Encode(body)
	default:
		http.NotFound(w, r)
	}
}

const shareToken = "0123456789abcdef0123456789abcdef"

// share runs share-status.sh as the start wrapper would, with a curl that
// logs its arguments, and returns its exit code, output and curl's argvs.
func share(t *testing.T, grafanaURL, password string) (int, string, string) {
	t.Helper()
	real := tooltest.Require(t, "curl")
	files, err := gf.Files(gf.Args{PrometheusURL: "http://p:9090", ZipkinURL: "http://z:9411", ScrapeInterval: "15s"})
	require.NoError(t, err)
	dir := t.TempDir()
	script := writeFile(t, dir, "share-status.sh", files[gf.ShareScriptPath])
	secret := writeFile(t, dir, "admin-password", password)
	argv := filepath.Join(dir, "curl.argv")
	bin := filepath.Join(dir, "bin")
	require.NoError(t, os.Mkdir(bin, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(bin, "curl"), []byte("#!/bin/sh\necho \"$*\" >> "+argv+"\nexec "+real+" \"$@\"\n"), 0o755))
	cmd := exec.Command("/bin/sh", script)
	env := gf.PublicStatusEnv(dashboards.StatusUID, shareToken)
	cmd.Env = append(os.Environ(), "PATH="+bin+":"+os.Getenv("PATH"), "GF_SECURITY_ADMIN_PASSWORD__FILE="+secret,
		"JIUCOM_PUBLIC_DASHBOARD="+env["JIUCOM_PUBLIC_DASHBOARD"], "GRAFANA_URL="+grafanaURL+"/grafana", "SHARE_DELAY=0", "SHARE_TRIES=10")
	out, err := cmd.CombinedOutput()
	code := 0
	if exit, ok := err.(*exec.ExitError); ok {
		code = exit.ExitCode()
	} else {
		require.NoError(t, err, "%s", out)
	}
	args, _ := os.ReadFile(argv)
	return code, string(out), string(args)
}

// The status dashboard is shared once, with the stack's token and nothing
// more (no time picker, no annotations), as the admin whose password never
// appears in an argument; a second start finds it shared and sends nothing.
func TestShareStatusSharesTheDashboardOnce(t *testing.T) {
	g := &stubGrafana{starting: 3}
	srv := httptest.NewServer(g)
	t.Cleanup(srv.Close)
	const password = `pa"ss\word`

	code, out, argv := share(t, srv.URL, password)
	require.Equal(t, 0, code, out)
	assert.Contains(t, out, "shared at /public-dashboards/"+shareToken)
	require.Len(t, g.posts, 1)
	assert.Equal(t, map[string]any{"accessToken": shareToken, "isEnabled": true, "share": "public",
		"timeSelectionEnabled": false, "annotationsEnabled": false}, g.posts[0])
	for _, a := range g.auth {
		assert.Equal(t, "admin:"+password, a, "the admin's password, escaped for curl's config")
	}
	assert.NotContains(t, argv, "word", "the password is never an argument")

	code, out, _ = share(t, srv.URL, password)
	require.Equal(t, 0, code, out)
	assert.Contains(t, out, "is public at")
	assert.Len(t, g.posts, 1, "already shared: nothing sent")

	g.share = map[string]any{"accessToken": strings.Repeat("f", 32), "isEnabled": true}
	code, out, _ = share(t, srv.URL, password)
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "shared differently")
	assert.Len(t, g.posts, 1, "a share changed by hand is left alone")
}

// A Grafana that never comes up makes the script give up with a message.
func TestShareStatusGivesUpOnAGrafanaThatNeverAnswers(t *testing.T) {
	g := &stubGrafana{starting: 1000}
	srv := httptest.NewServer(g)
	t.Cleanup(srv.Close)
	code, out, _ := share(t, srv.URL, "pw")
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "after 10 attempts (last answer: 503)")
	assert.Empty(t, g.posts)
}

// Grafana's start wrapper and the share script run under the image's
// busybox sh: shellcheck holds them to POSIX sh.
func TestGrafanaScriptsPassShellcheck(t *testing.T) {
	tooltest.Shellcheck(t, filepath.Join(harness.Root(), "assets", "grafana", "*.sh"))
}

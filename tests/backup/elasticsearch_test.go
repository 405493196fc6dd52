package backup

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jiucom/jiucom-infra/tests/tooltest"
)

const esPassword = "elastic-Pa55-word"

// esStub is Elasticsearch's snapshot API over an fs repository, as far as
// backup.sh and restore.sh use it: Debian has no Elasticsearch. Like the
// node, it keeps the repository's contents on disk only (index-N lists the
// snapshots; snap-/meta-<uuid>.dat and indices/ are each one's files), so
// a restore sees exactly what was copied back into the directory.
type esStub struct {
	t    *testing.T
	repo string // path.repo, the one location it accepts
	// live are the zipkin* indices the node holds and a snapshot takes.
	live []string
	// fail makes the next snapshots end FAILED or answer 500.
	fail string

	mu         sync.Mutex
	registered bool
	requests   []string          // "METHOD path?query", in order
	bodies     map[string]string // by request
	uuids      int
}

func startES(t *testing.T, repo string) (*esStub, *httptest.Server) {
	t.Helper()
	s := &esStub{t: t, repo: repo, bodies: map[string]string{},
		live: []string{"zipkin-span-2026-12-03", "zipkin-dependency-2026-12-03"}}
	srv := httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(srv.Close)
	return s, srv
}

// esSnapshot is one entry of the stub's index-N.
type esSnapshot struct {
	Name    string   `json:"name"`
	UUID    string   `json:"uuid"`
	Indices []string `json:"indices"`
}

// generation is the newest index-N in the repository and its snapshots.
func (s *esStub) generation() (int, []esSnapshot) {
	files, _ := filepath.Glob(filepath.Join(s.repo, "index-*"))
	n := -1
	for _, f := range files {
		if g, err := strconv.Atoi(strings.TrimPrefix(filepath.Base(f), "index-")); err == nil && g > n {
			n = g
		}
	}
	var snaps struct {
		Snapshots []esSnapshot `json:"snapshots"`
	}
	if n >= 0 {
		data, err := os.ReadFile(filepath.Join(s.repo, fmt.Sprintf("index-%d", n)))
		require.NoError(s.t, err)
		require.NoError(s.t, json.Unmarshal(data, &snaps))
	}
	return n, snaps.Snapshots
}

// write replaces generation n with n+1, as the node does on every change.
func (s *esStub) write(n int, snaps []esSnapshot) {
	data, err := json.Marshal(map[string]any{"snapshots": snaps})
	require.NoError(s.t, err)
	next := filepath.Join(s.repo, fmt.Sprintf("index-%d", n+1))
	require.NoError(s.t, os.WriteFile(next, data, 0o644))
	require.NoError(s.t, os.WriteFile(filepath.Join(s.repo, "index.latest"), []byte(strconv.Itoa(n+1)), 0o644))
	_ = os.Remove(filepath.Join(s.repo, fmt.Sprintf("index-%d", n)))
}

func (s *esStub) find(name string) (esSnapshot, bool) {
	_, snaps := s.generation()
	i := slices.IndexFunc(snaps, func(e esSnapshot) bool { return e.Name == name })
	if i < 0 {
		return esSnapshot{}, false
	}
	return snaps[i], true
}

func answer(w http.ResponseWriter, code int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(body)
}

func (s *esStub) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	request := r.Method + " " + r.URL.RequestURI()
	s.requests = append(s.requests, request)
	body, _ := io.ReadAll(r.Body)
	s.bodies[request] = string(body)
	if user, password, ok := r.BasicAuth(); !ok || user != "elastic" || password != esPassword {
		answer(w, http.StatusUnauthorized, map[string]any{"error": "security_exception"})
		return
	}
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	switch {
	case len(parts) == 2 && parts[1] == "_close" && r.Method == http.MethodPost:
		answer(w, http.StatusOK, map[string]any{"acknowledged": true})
	case len(parts) < 2 || parts[0] != "_snapshot" || parts[1] != "jiucom":
		answer(w, http.StatusBadRequest, map[string]any{"error": "not in the stub: " + request})
	case len(parts) == 2 && r.Method == http.MethodPut:
		var repo struct {
			Type     string `json:"type"`
			Settings struct {
				Location string `json:"location"`
			} `json:"settings"`
		}
		if json.Unmarshal(body, &repo) != nil || repo.Type != "fs" || repo.Settings.Location != s.repo {
			answer(w, http.StatusInternalServerError, map[string]any{"error": "repository_exception: location is not in path.repo"})
			return
		}
		require.NoError(s.t, os.MkdirAll(s.repo, 0o755))
		s.registered = true
		answer(w, http.StatusOK, map[string]any{"acknowledged": true})
	case len(parts) == 2 && r.Method == http.MethodDelete:
		if !s.registered {
			answer(w, http.StatusNotFound, map[string]any{"error": "repository_missing_exception"})
			return
		}
		s.registered = false
		answer(w, http.StatusOK, map[string]any{"acknowledged": true})
	case !s.registered:
		answer(w, http.StatusNotFound, map[string]any{"error": "repository_missing_exception"})
	case len(parts) == 3 && r.Method == http.MethodPut:
		s.snapshot(w, parts[2])
	case len(parts) == 3 && r.Method == http.MethodGet:
		_, snaps := s.generation()
		var out []map[string]any
		for _, e := range snaps {
			if parts[2] == "_all" || parts[2] == e.Name {
				out = append(out, map[string]any{"snapshot": e.Name, "uuid": e.UUID, "indices": e.Indices, "state": "SUCCESS", "feature_states": []any{}})
			}
		}
		if out == nil && parts[2] != "_all" {
			answer(w, http.StatusNotFound, map[string]any{"error": "snapshot_missing_exception"})
			return
		}
		answer(w, http.StatusOK, map[string]any{"snapshots": out, "total": len(out), "remaining": 0})
	case len(parts) == 3 && r.Method == http.MethodDelete:
		n, snaps := s.generation()
		e, ok := s.find(parts[2])
		if !ok {
			answer(w, http.StatusNotFound, map[string]any{"error": "snapshot_missing_exception"})
			return
		}
		for _, f := range []string{"snap-" + e.UUID + ".dat", "meta-" + e.UUID + ".dat", filepath.Join("indices", e.UUID)} {
			require.NoError(s.t, os.RemoveAll(filepath.Join(s.repo, f)))
		}
		s.write(n, slices.DeleteFunc(snaps, func(x esSnapshot) bool { return x.Name == e.Name }))
		answer(w, http.StatusOK, map[string]any{"acknowledged": true})
	case len(parts) == 4 && parts[3] == "_restore" && r.Method == http.MethodPost:
		e, ok := s.find(parts[2])
		if !ok {
			answer(w, http.StatusNotFound, map[string]any{"error": "snapshot_missing_exception"})
			return
		}
		answer(w, http.StatusOK, map[string]any{"snapshot": map[string]any{"snapshot": e.Name, "indices": e.Indices,
			"shards": map[string]int{"total": len(e.Indices), "failed": 0, "successful": len(e.Indices)}}})
	default:
		answer(w, http.StatusBadRequest, map[string]any{"error": "not in the stub: " + request})
	}
}

// snapshot writes a snapshot's files into the repository, as the node's
// fs repository does, and answers as PUT ?wait_for_completion=true does.
func (s *esStub) snapshot(w http.ResponseWriter, name string) {
	if s.fail == "500" {
		answer(w, http.StatusInternalServerError, map[string]any{"error": "snapshot_creation_exception"})
		return
	}
	if _, ok := s.find(name); ok {
		answer(w, http.StatusBadRequest, map[string]any{"error": "invalid_snapshot_name_exception: already exists"})
		return
	}
	s.uuids++
	uuid := fmt.Sprintf("uuid%04d", s.uuids)
	require.NoError(s.t, os.MkdirAll(filepath.Join(s.repo, "indices", uuid, "0"), 0o755))
	for f, content := range map[string]string{"snap-" + uuid + ".dat": "snapshot " + name, "meta-" + uuid + ".dat": "metadata",
		filepath.Join("indices", uuid, "0", "__segments"): strings.Join(s.live, "\n")} {
		require.NoError(s.t, os.WriteFile(filepath.Join(s.repo, f), []byte(content), 0o644))
	}
	n, snaps := s.generation()
	s.write(n, append(snaps, esSnapshot{Name: name, UUID: uuid, Indices: s.live}))
	state := "SUCCESS"
	if s.fail == "FAILED" {
		state = "FAILED"
	}
	answer(w, http.StatusOK, map[string]any{"snapshot": map[string]any{"snapshot": name, "uuid": uuid, "state": state, "indices": s.live}})
}

var snapshotName = regexp.MustCompile(`backup-[0-9]{8}t[0-9]{6}`)

// calls are the requests since the last call, with the run's snapshot
// name as NAME, and that name.
func (s *esStub) calls() ([]string, string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	name := ""
	for _, r := range s.requests {
		if m := snapshotName.FindString(r); m != "" {
			name = m
		}
		out = append(out, snapshotName.ReplaceAllString(r, "NAME"))
	}
	s.requests = nil
	return out, name
}

func (s *esStub) body(request string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.bodies[request]
}

// esEnv is the backup container's environment for the stub, with curl
// behind a shim that logs its command lines to the returned file.
func esEnv(t *testing.T, srv *httptest.Server, repo string, extra ...string) ([]string, string) {
	t.Helper()
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin")
	require.NoError(t, os.Mkdir(bin, 0o755))
	argv := filepath.Join(dir, "curl-argv")
	shim := fmt.Sprintf("#!/bin/sh\necho \"$*\" >>%s\nexec %s \"$@\"\n", argv, tooltest.Require(t, "curl"))
	require.NoError(t, os.WriteFile(filepath.Join(bin, "curl"), []byte(shim), 0o755))
	login := filepath.Join(dir, "elastic-curl.conf")
	require.NoError(t, os.WriteFile(login, []byte(`user = "elastic:`+esPassword+`"`+"\n"), 0o600))
	tooltest.Require(t, "restic")
	return env(t, dir, append([]string{"PATH=" + bin + ":" + os.Getenv("PATH"), "BACKUP_SERVICES=elasticsearch",
		"ELASTICSEARCH_URL=" + srv.URL, "ELASTICSEARCH_CURL=" + login,
		"ELASTICSEARCH_REPO=" + repo, "ELASTICSEARCH_REPO_DATA=" + repo}, extra...)...), argv
}

// backedUpES is the stub after one successful backup.sh run, its
// environment, and the snapshot's name and uuid.
func backedUpES(t *testing.T) (*esStub, []string, string) {
	t.Helper()
	repo := filepath.Join(t.TempDir(), "volumes", "elasticsearch", "snapshots")
	es, srv := startES(t, repo)
	environ, argv := esEnv(t, srv, repo)
	code, out := runScript(t, environ, "backup.sh")
	require.Equal(t, 0, code, out)
	calls, name := es.calls()
	require.Equal(t, []string{
		"PUT /_snapshot/jiucom",
		"PUT /_snapshot/jiucom/NAME?wait_for_completion=true",
		"DELETE /_snapshot/jiucom/NAME",
	}, calls)
	assert.JSONEq(t, `{"indices":"zipkin*","include_global_state":false}`, es.body("PUT /_snapshot/jiucom/"+name+"?wait_for_completion=true"))
	// The login is read from the file (the stub refuses any other), and
	// never on a command line.
	lines, err := os.ReadFile(argv)
	require.NoError(t, err)
	assert.NotContains(t, string(lines), esPassword)
	assert.Equal(t, 3, strings.Count(string(lines), "-K "+envValue(environ, "ELASTICSEARCH_CURL")))
	return es, environ, name
}

func envValue(environ []string, key string) string {
	v := ""
	for _, kv := range environ {
		if k, val, _ := strings.Cut(kv, "="); k == key {
			v = val
		}
	}
	return v
}

// backup.sh snapshots the zipkin* indices through the API, backs up the
// repository with restic and deletes the snapshot from the node; restore.sh
// verifies it in staging (--to scratch touches nothing), then copies the
// repository back, restores over the closed indices, online, and deletes
// the snapshot from the node again.
func TestElasticsearchSnapshotBackupThenOnlineRestore(t *testing.T) {
	es, environ, name := backedUpES(t)
	files := restic(t, environ, "ls", "--json", "latest", "--tag", "elasticsearch")
	for _, f := range []string{`"path":"/index-0"`, `"path":"/snap-uuid0001.dat"`, `"path":"/meta-uuid0001.dat"`, `"path":"/indices/uuid0001/0/__segments"`} {
		assert.Contains(t, files, f)
	}
	left, err := filepath.Glob(filepath.Join(es.repo, "snap-*.dat"))
	require.NoError(t, err)
	assert.Empty(t, left, "the snapshot is deleted from the node once restic holds it")

	// The volume lost the repository: the restore brings it back.
	require.NoError(t, os.RemoveAll(es.repo))
	code, out := runScript(t, environ, "restore.sh", "elasticsearch", "latest", "--to", "scratch")
	require.Equal(t, 0, code, out)
	calls, _ := es.calls()
	assert.Empty(t, calls, "--to scratch only stages")
	assert.FileExists(t, filepath.Join(envValue(environ, "RESTORE_STAGING"), "elasticsearch", "snap-uuid0001.dat"))
	assert.NoDirExists(t, es.repo)

	code, out = runScript(t, environ, "restore.sh", "elasticsearch", "latest")
	require.Equal(t, 0, code, out)
	calls, _ = es.calls()
	assert.Equal(t, []string{
		"DELETE /_snapshot/jiucom",
		"PUT /_snapshot/jiucom",
		"GET /_snapshot/jiucom/_all?filter_path=snapshots.snapshot",
		"GET /_snapshot/jiucom/NAME?filter_path=snapshots.indices",
		"POST /zipkin-span-2026-12-03,zipkin-dependency-2026-12-03/_close?ignore_unavailable=true",
		"POST /_snapshot/jiucom/NAME/_restore?wait_for_completion=true",
		"DELETE /_snapshot/jiucom/NAME",
	}, calls)
	assert.JSONEq(t, `{"indices":"zipkin*","include_global_state":false}`, es.body("POST /_snapshot/jiucom/"+name+"/_restore?wait_for_completion=true"))
	// The node had the copied-back snapshot to restore (the stub reads the
	// directory), and the repository is left as a backup leaves it.
	assert.FileExists(t, filepath.Join(es.repo, "index-1"))
	assert.NoFileExists(t, filepath.Join(es.repo, "snap-uuid0001.dat"))
	assert.Contains(t, out, "elasticsearch: snapshot")
}

// A snapshot that ends FAILED, or a node answering 500, fails the run and
// its metric, and nothing reaches restic; a FAILED one is still deleted.
func TestElasticsearchFailedSnapshotFailsTheRunAndItsMetric(t *testing.T) {
	pushgateway := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	start(t, tooltest.Require(t, "prometheus-pushgateway"), "--web.listen-address="+pushgateway)
	waitListening(t, pushgateway)
	for _, fail := range []string{"FAILED", "500"} {
		t.Run(fail, func(t *testing.T) {
			repo := filepath.Join(t.TempDir(), "snapshots")
			es, srv := startES(t, repo)
			es.fail = fail
			environ, _ := esEnv(t, srv, repo, "BACKUP_PUSHGATEWAY=http://"+pushgateway)
			code, out := runScript(t, environ, "backup.sh")
			assert.Equal(t, 1, code, out)
			assert.Contains(t, out, "elasticsearch: FAILED")
			assert.Contains(t, pushedTo(t, pushgateway), `jiucom_backup_last_status{instance="service",job="backup",service="elasticsearch"} 0`)
			assert.JSONEq(t, "[]", restic(t, environ, "snapshots", "--json", "--tag", "elasticsearch"))
			calls, _ := es.calls()
			assert.Equal(t, "DELETE /_snapshot/jiucom/NAME", calls[len(calls)-1], "the failed snapshot is not left on the node")
			if fail == "FAILED" {
				left, err := filepath.Glob(filepath.Join(repo, "snap-*.dat"))
				require.NoError(t, err)
				assert.Empty(t, left)
			}
		})
	}
}

// A snapshot that does not exist, or one that holds no ES snapshot, is
// refused before the node is asked anything.
func TestElasticsearchRestoreRefusesAMissingSnapshot(t *testing.T) {
	es, environ, _ := backedUpES(t)
	code, out := runScript(t, environ, "restore.sh", "elasticsearch", "deadbeef")
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "snapshot deadbeef not found for service elasticsearch")

	// A repository directory whose snapshot files are gone.
	empty := filepath.Join(t.TempDir(), "repository")
	require.NoError(t, os.Mkdir(empty, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(empty, "index-3"), []byte(`{"snapshots":[]}`), 0o644))
	backup := exec.Command(tooltest.Require(t, "restic"), "backup", "--host", backupHost, "--tag", "elasticsearch", ".")
	backup.Dir, backup.Env = empty, environ
	out2, err := backup.CombinedOutput()
	require.NoError(t, err, "%s", out2)
	code, out = runScript(t, environ, "restore.sh", "elasticsearch", "latest")
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "holds no Elasticsearch snapshot")

	calls, _ := es.calls()
	assert.Empty(t, calls, "the node is not touched")
	assert.DirExists(t, es.repo)
}

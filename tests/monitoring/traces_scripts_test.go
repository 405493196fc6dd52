package monitoring_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jiucom/jiucom-infra/tests/harness"
	"github.com/jiucom/jiucom-infra/tests/tooltest"
)

// The scripts run in images with bash (Elasticsearch) and busybox sh
// (zipkin-dependencies); shellcheck holds each to its #! dialect.
func TestTraceStoreScriptsPassShellcheck(t *testing.T) {
	tooltest.Shellcheck(t, filepath.Join(harness.Root(), "assets", "elasticsearch", "*.sh"))
	tooltest.Shellcheck(t, filepath.Join(harness.Root(), "assets", "zipkin", "*.sh"))
}

// Below vm.max_map_count 262144 the start wrapper stops with the fix
// before Elasticsearch starts; at it, it starts the init step and runs
// the image's entrypoint with its arguments.
func TestElasticsearchStartChecksTheHostsMapCount(t *testing.T) {
	bash := tooltest.Require(t, "bash")
	dir := t.TempDir()
	script, err := os.ReadFile(filepath.Join(harness.Root(), "assets", "elasticsearch", "start.sh"))
	require.NoError(t, err)
	start := writeFile(t, dir, "start.sh", string(script))
	// The init step beside it only says that it ran.
	require.NoError(t, os.WriteFile(filepath.Join(dir, "init.sh"), []byte("#!/bin/sh\necho init ran > \"$JIUCOM_ES_READY.init\"\n"), 0o755))
	for count, ok := range map[string]bool{"65530": false, "262144": true} {
		ready := filepath.Join(dir, "ready")
		require.NoError(t, os.WriteFile(ready, nil, 0o644))
		cmd := exec.Command(bash, start, "sh", "-c", `echo entrypoint "$0" "$ELASTIC_PASSWORD"`, "eswrapper")
		cmd.Env = append(os.Environ(), "JIUCOM_MAP_COUNT_PATH="+writeFile(t, dir, "max_map_count", count+"\n"), "JIUCOM_ES_READY="+ready,
			"JIUCOM_ES_PASSWORD_PATH="+writeFile(t, dir, "elastic-password", "s3cret"))
		out, err := cmd.CombinedOutput()
		if !ok {
			require.Error(t, err, "%s", out)
			assert.Equal(t, 78, cmd.ProcessState.ExitCode())
			assert.Contains(t, string(out), "vm.max_map_count is 65530 on this docker host")
			assert.Contains(t, string(out), "sysctl")
			assert.NotContains(t, string(out), "entrypoint")
			continue
		}
		require.NoError(t, err, "%s", out)
		assert.Equal(t, "entrypoint eswrapper s3cret\n", string(out), "the entrypoint gets its arguments and the password from the file")
		assert.NoFileExists(t, ready, "the last start's readiness is cleared")
		assert.Eventually(t, func() bool { _, err := os.Stat(ready + ".init"); return err == nil }, 5*time.Second, 50*time.Millisecond, "the init step ran")
	}
}

// The dependencies loop sleeps until the next DEPENDENCIES_AT (UTC), then
// runs the job for the day before it; a failed run does not end the loop.
func TestZipkinDependenciesLoopRunsYesterdayAtItsTime(t *testing.T) {
	sh := tooltest.Require(t, "sh")
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin")
	require.NoError(t, os.Mkdir(bin, 0o755))
	log := filepath.Join(dir, "log")
	fakes := map[string]string{
		"sleep": "#!/bin/sh\necho \"sleep $1\" >> " + log + "\n",
		// The first run fails, the second ends the loop.
		"start-zipkin-dependencies": "#!/bin/sh\necho \"job $1\" >> " + log + "\n" +
			"[ \"$(grep -c job " + log + ")\" -ge 2 ] && kill -TERM $PPID\nexit 1\n",
	}
	for name, content := range fakes {
		require.NoError(t, os.WriteFile(filepath.Join(bin, name), []byte(content), 0o755))
	}
	now := time.Now().UTC()
	next := time.Date(now.Year(), now.Month(), now.Day(), 0, 10, 0, 0, time.UTC)
	if !next.After(now) {
		next = next.Add(24 * time.Hour)
	}
	cmd := exec.Command(sh, filepath.Join(harness.Root(), "assets", "zipkin", "dependencies.sh"))
	cmd.Env = append(os.Environ(), "PATH="+bin+":"+os.Getenv("PATH"), "DEPENDENCIES_AT=00:10")
	out, _ := cmd.CombinedOutput() // ended by the fake job's signal
	assert.Contains(t, string(out), "the run for "+next.Add(-24*time.Hour).Format("2006-01-02")+" failed")

	content, err := os.ReadFile(log)
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSpace(string(content)), "\n")
	require.Len(t, lines, 4, "%s", content)
	yesterday := "job " + next.Add(-24*time.Hour).Format("2006-01-02")
	assert.Equal(t, yesterday, lines[1])
	assert.Equal(t, yesterday, lines[3], "the loop goes on after a failed run")
	seconds, err := strconv.Atoi(strings.TrimPrefix(lines[0], "sleep "))
	require.NoError(t, err, lines[0])
	wake := now.Add(time.Duration(seconds) * time.Second)
	assert.WithinDuration(t, next, wake, 3*time.Second, "it sleeps until the next 00:10 UTC")
}

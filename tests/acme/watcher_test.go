package acme_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jiucom/jiucom-infra/assets"
)

// Run as the nginx image's entrypoint runs a /docker-entrypoint.d hook (no
// arguments), the watcher returns at once, so nginx starts, and keeps
// answering in the background with the container's apply script: here
// absent, so the answer is "failed" with the shell's message, which the
// requester prints and turns into a non-zero exit.
func TestWatcherStartedAsAnEntrypointHookAnswersInTheBackground(t *testing.T) {
	dir := t.TempDir()
	hook := filepath.Join(t.TempDir(), "40-jiucom-acme-reload.sh")
	require.NoError(t, os.WriteFile(hook, []byte(assets.ACMEReloadWatcher), 0o755))
	cmd := exec.Command(hook)
	cmd.Env = append(os.Environ(), "ACME_RELOAD_DIR="+dir)
	// Its own process group, so the background watcher ends with the test.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) })
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(2 * time.Second):
		t.Fatal("the hook must return so the entrypoint goes on to start nginx")
	}

	request := exec.Command("sh", "-c", assets.ACMEReloadRequest)
	request.Env = append(os.Environ(), "ACME_RELOAD_DIR="+dir, "ACME_RELOAD_TIMEOUT=10")
	out, err := request.CombinedOutput()
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit, "%s", out)
	assert.Equal(t, 1, exit.ExitCode(), "answered failed, not timed out:\n%s", out)
	assert.Contains(t, string(out), "/usr/local/lib/jiucom/apply-config.sh", "the container's apply script was run")
	assert.Eventually(t, func() bool {
		_, err := os.Stat(filepath.Join(dir, "request"))
		return os.IsNotExist(err)
	}, 3*time.Second, 100*time.Millisecond, "the answered request is removed")
}

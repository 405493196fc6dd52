// Package reload_test drives assets/nginx/reload-container.sh, the command
// every nginx reload runs where `pulumi up` runs, against a stand-in docker
// CLI that records what it was asked to do.
package reload_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jiucom/jiucom-infra/assets"
	"github.com/jiucom/jiucom-infra/tests/tooltest"
)

// fakeDocker answers `docker container inspect` with state ("true",
// "false", or "" for no such container) and records `docker exec` calls
// with their stdin.
const fakeDocker = `#!/bin/sh
log="$FAKE_DIR/calls"
echo "$*" >> "$log"
case "$1 $2" in
"container inspect")
  [ -n "$FAKE_STATE" ] || { echo "Error: No such container: $4" >&2; exit 1; }
  echo "$FAKE_STATE"; exit 0 ;;
esac
if [ "$1" = exec ]; then
  cat > "$FAKE_DIR/stdin"
  exit "${FAKE_EXEC_RC:-0}"
fi
exit 3
`

type result struct {
	out   string
	err   error
	calls []string
	stdin string
}

func runReload(t *testing.T, state string, env ...string) result {
	t.Helper()
	sh := tooltest.Require(t, "sh")
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "docker"), []byte(fakeDocker), 0o755))
	cmd := exec.Command(sh, "-c", assets.NginxReloadContainer)
	cmd.Env = append([]string{
		"PATH=" + dir + ":/usr/bin:/bin", "FAKE_DIR=" + dir, "FAKE_STATE=" + state,
		"NGINX_CONTAINER=jiucom-gateway", "NGINX_CONF=/etc/nginx/nginx.conf",
		"APPLY_SCRIPT=/usr/local/lib/jiucom/apply-config.sh", "DOCKER_HOST=ssh://jiu@192.0.2.30",
	}, env...)
	cmd.Stdin = strings.NewReader("events {}\n")
	out, err := cmd.CombinedOutput()
	calls, _ := os.ReadFile(filepath.Join(dir, "calls"))
	stdin, _ := os.ReadFile(filepath.Join(dir, "stdin"))
	return result{string(out), err, strings.Split(strings.TrimSpace(string(calls)), "\n"), string(stdin)}
}

func TestPushesTheConfigIntoTheRunningContainer(t *testing.T) {
	r := runReload(t, "true")
	require.NoError(t, r.err, r.out)
	assert.Equal(t, "exec -i jiucom-gateway sh /usr/local/lib/jiucom/apply-config.sh /etc/nginx/nginx.conf", r.calls[len(r.calls)-1])
	assert.Equal(t, "events {}\n", r.stdin, "the config travels on stdin, never on a command line")
}

func TestARefusedConfigFailsTheCommand(t *testing.T) {
	r := runReload(t, "true", "FAKE_EXEC_RC=1")
	assert.Error(t, r.err, "nginx -t refusing the config must fail pulumi up")
}

func TestAMissingContainerFailsAPush(t *testing.T) {
	r := runReload(t, "")
	require.Error(t, r.err)
	assert.Contains(t, r.out, "jiucom-gateway is absent on ssh://jiu@192.0.2.30")
	assert.NotContains(t, strings.Join(r.calls, "\n"), "exec")
}

func TestReloadIfRunningOnlyReloadsAndSkipsAStoppedNginx(t *testing.T) {
	r := runReload(t, "true", "RELOAD_IF_RUNNING=1")
	require.NoError(t, r.err, r.out)
	assert.Equal(t, "exec -e APPLY_RELOAD_ONLY=1 jiucom-gateway sh /usr/local/lib/jiucom/apply-config.sh /etc/nginx/nginx.conf", r.calls[len(r.calls)-1])

	for _, state := range []string{"", "false"} {
		r = runReload(t, state, "RELOAD_IF_RUNNING=1")
		require.NoError(t, r.err, "before the gateway exists there is nothing to reload: %s", r.out)
		assert.NotContains(t, strings.Join(r.calls, "\n"), "exec")
	}
}

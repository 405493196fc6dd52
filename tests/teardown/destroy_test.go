// Package teardown drives assets/teardown/destroy.sh (what `make destroy` and
// the destroy workflow run) against a stand-in pulumi that records its calls,
// so the order that keeps or deletes data is checked without a backend.
package teardown

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jiucom/jiucom-infra/tests/harness"
	"github.com/jiucom/jiucom-infra/tests/tooltest"
)

// fakePulumi logs every call, answers the two reads the script makes, and
// fails the subcommand named in FAKE_FAIL.
const fakePulumi = `#!/usr/bin/env bash
echo "$*" >> "$FAKE_LOG"
case "$1 $2" in
  "stack output") echo "pulumi destroy KEEPS the data volumes jiucom-mysql-data" ;;
  "config get") echo "true" ;;
esac
[ "$1" != "${FAKE_FAIL:-}" ]
`

func destroy(t *testing.T, fail string, args ...string) (calls []string, output string, err error) {
	t.Helper()
	return runFake(t, fail, exec.Command(filepath.Join(harness.Root(), "assets", "teardown", "destroy.sh"), args...))
}

// runFake runs cmd with the stand-in pulumi first on PATH and no terminal.
func runFake(t *testing.T, fail string, cmd *exec.Cmd) (calls []string, output string, err error) {
	t.Helper()
	bin := t.TempDir()
	log := filepath.Join(bin, "calls.log")
	require.NoError(t, os.WriteFile(filepath.Join(bin, "pulumi"), []byte(fakePulumi), 0o755))
	cmd.Env = append(os.Environ(), "PATH="+bin+":"+os.Getenv("PATH"), "FAKE_LOG="+log, "FAKE_FAIL="+fail)
	out, err := cmd.CombinedOutput()
	data, readErr := os.ReadFile(log)
	if readErr == nil {
		calls = strings.Split(strings.TrimSpace(string(data)), "\n")
	}
	return calls, string(out), err
}

func TestDestroyKeepsDataByDefault(t *testing.T) {
	calls, out, err := destroy(t, "", "dev", "--confirm=dev")
	require.NoError(t, err, out)
	assert.Equal(t, []string{
		"stack output teardown -s dev",
		"destroy -s dev --yes",
	}, calls, "no config change, no up: the volumes keep retainOnDelete")
	assert.Contains(t, out, "KEEPS the data volumes", "the output says what happens to the data")
}

func TestDeleteDataRecordsTheFlagBeforeDestroyAndRestoresTheStackFile(t *testing.T) {
	calls, out, err := destroy(t, "", "prod", "--delete-data", "--confirm=prod")
	require.NoError(t, err, out)
	assert.Equal(t, []string{
		"config get retainDataOnDestroy -s prod",
		"config set retainDataOnDestroy false -s prod",
		"up -s prod --yes",
		"stack output teardown -s prod",
		"destroy -s prod --yes",
		"config set retainDataOnDestroy true -s prod",
	}, calls)
	assert.Contains(t, out, "DELETED")
}

func TestFailedUpNeverDestroys(t *testing.T) {
	calls, _, err := destroy(t, "up", "dev", "--delete-data", "--confirm=dev")
	require.Error(t, err)
	for _, c := range calls {
		assert.NotContains(t, c, "destroy", "destroy ran although the flag was not recorded")
	}
	assert.Equal(t, "config set retainDataOnDestroy true -s dev", calls[len(calls)-1], "stack file restored")
}

// At a terminal, without a typed confirmation, pulumi asks (no --yes).
// script(1) gives the run a pseudo-terminal.
func TestWithoutConfirmationPulumiAsksAtATerminal(t *testing.T) {
	scriptBin := tooltest.Require(t, "script")
	destroySh := filepath.Join(harness.Root(), "assets", "teardown", "destroy.sh")
	calls, out, err := runFake(t, "", exec.Command(scriptBin, "-qec", destroySh+" dev", "/dev/null"))
	require.NoError(t, err, out)
	assert.Equal(t, "destroy -s dev", calls[len(calls)-1], "no --yes without a typed confirmation")
}

// Without a terminal (a script, a CI job) nothing can be asked: the script
// refuses before calling pulumi and says how to confirm.
func TestWithoutATerminalConfirmationIsRequired(t *testing.T) {
	calls, out, err := destroy(t, "", "dev")
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit)
	assert.Equal(t, 2, exit.ExitCode())
	assert.Empty(t, calls)
	assert.Contains(t, out, "make destroy STACK=dev CONFIRM=dev")
}

// The README's non-interactive teardown: make destroy STACK=dev CONFIRM=dev.
func TestMakeDestroyWithConfirmRunsWithoutATerminal(t *testing.T) {
	makeBin := tooltest.Require(t, "make")
	cmd := exec.Command(makeBin, "-s", "destroy", "STACK=dev", "CONFIRM=dev")
	cmd.Dir = harness.Root()
	calls, out, err := runFake(t, "", cmd)
	require.NoError(t, err, out)
	assert.Equal(t, "destroy -s dev --yes", calls[len(calls)-1])
	assert.NotContains(t, calls, "config set retainDataOnDestroy false -s dev", "the data volumes stay")
}

func TestRefusesBeforeTouchingAnything(t *testing.T) {
	for name, args := range map[string][]string{
		"wrong confirmation": {"prod", "--confirm=dev"},
		"unknown stack":      {"staging", "--confirm=staging"},
		"no stack":           nil,
		"unknown flag":       {"dev", "--force"},
	} {
		calls, out, err := destroy(t, "", args...)
		var exit *exec.ExitError
		require.ErrorAs(t, err, &exit, name)
		assert.Equal(t, 2, exit.ExitCode(), name)
		assert.Empty(t, calls, "%s: pulumi was called: %s", name, out)
	}
}

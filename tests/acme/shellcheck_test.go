package acme_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/jiucom/jiucom-infra/tests/tooltest"
)

// The ACME client runs under busybox sh in the certbot image and dash in
// the tests: shellcheck holds it to POSIX sh (its #!/bin/sh line).
func TestACMEScriptsPassShellcheck(t *testing.T) {
	shellcheck := tooltest.Require(t, "shellcheck")
	scripts, err := filepath.Glob("../../assets/acme/*.sh")
	require.NoError(t, err)
	require.NotEmpty(t, scripts)
	for _, script := range scripts {
		info, err := os.Stat(script)
		require.NoError(t, err)
		require.NotZero(t, info.Mode()&0o111, "%s must be executable", script)
		out, err := exec.Command(shellcheck, script).CombinedOutput()
		require.NoError(t, err, "%s:\n%s", script, out)
	}
}

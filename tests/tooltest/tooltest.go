// Package tooltest finds the real tools (nginx, promtool, exporters, …) that
// functional tests drive. Off CI a missing tool skips the test so a laptop
// without Debian packages can still run the suite; under CI=true a missing tool
// fails the test, because .ci/run installs every package and a skip there would
// hide a broken install step.
package tooltest

import (
	"os"
	"os/exec"
	"testing"
)

// Require returns the absolute path of the named executable, looking in PATH
// and then in the given extra directories (Debian puts some daemons in /usr/sbin
// or /usr/bin outside a non-root PATH).
func Require(t testing.TB, name string, extraDirs ...string) string {
	t.Helper()
	if path, err := exec.LookPath(name); err == nil {
		return path
	}
	for _, dir := range append(extraDirs, "/usr/sbin", "/usr/bin", "/sbin") {
		candidate := dir + "/" + name
		if info, err := os.Stat(candidate); err == nil && !info.IsDir() && info.Mode()&0o111 != 0 {
			return candidate
		}
	}
	Missing(t, name+" is not installed (see .ci/run for the Debian package)")
	return ""
}

// Missing reports a missing prerequisite: a failure under CI, a skip elsewhere.
func Missing(t testing.TB, why string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("required tool missing under CI: %s", why)
	}
	t.Skipf("skipping: %s", why)
}

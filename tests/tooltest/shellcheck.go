package tooltest

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Shellcheck runs shellcheck on every script the glob matches (at least
// one), each of which must be executable; the #! line picks the dialect.
func Shellcheck(t *testing.T, glob string) {
	t.Helper()
	shellcheck := Require(t, "shellcheck")
	scripts, err := filepath.Glob(glob)
	if err != nil || len(scripts) == 0 {
		t.Fatalf("no scripts match %s (%v)", glob, err)
	}
	for _, script := range scripts {
		info, err := os.Stat(script)
		if err != nil {
			t.Fatal(err)
		}
		if info.Mode()&0o111 == 0 {
			t.Errorf("%s must be executable", script)
		}
		if out, err := exec.Command(shellcheck, "-x", script).CombinedOutput(); err != nil {
			t.Errorf("shellcheck %s: %v\n%s", script, err, out)
		}
	}
}

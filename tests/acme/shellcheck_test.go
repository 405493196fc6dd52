package acme_test

import (
	"testing"

	"github.com/jiucom/jiucom-infra/tests/tooltest"
)

// The ACME client runs under busybox sh in the certbot image and dash in
// the tests: shellcheck holds it to POSIX sh (its #!/bin/sh line).
func TestACMEScriptsPassShellcheck(t *testing.T) {
	tooltest.Shellcheck(t, "../../assets/acme/*.sh")
}

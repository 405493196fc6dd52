package rules_test

import (
	"testing"

	"github.com/jiucom/jiucom-infra/components/config"
)

// The ACME clients pass the pack wherever they run: prod has them by
// default (TestTheProgramPassesEveryPolicy); dev with acme enabled puts two
// on one engine, their volumes side by side.
func TestDevWithACMEPassesEveryPolicy(t *testing.T) {
	assertPassesPack(t, programWith(t, "dev", map[string]string{
		config.KeyACME: `{"enabled": true, "directory": "https://ca.jiucom.localhost:14000/dir"}`,
	}))
}

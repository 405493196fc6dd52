package rules_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jiucom/jiucom-infra/policy/rules"
	"github.com/jiucom/jiucom-infra/tests/harness"
)

const (
	tableStart = "<!-- policy table: generated from policy/rules; TestReadmeTable checks it -->"
	tableEnd   = "<!-- end of policy table -->"
)

// policyTable renders the README table from the pack itself, so the table
// cannot drift from what `pulumi preview --policy-pack policy` enforces.
func policyTable(rs []rules.Rule) string {
	var b strings.Builder
	b.WriteString("| policy | level | what it checks | anchor | exceptions |\n|---|---|---|---|---|\n")
	for _, r := range rs {
		var waivers []string
		for _, e := range rules.Exceptions {
			if e.Policy != r.Name {
				continue
			}
			allows := ""
			if len(e.Allows) > 0 {
				allows = " (" + strings.Join(e.Allows, ", ") + ")"
			}
			waivers = append(waivers, fmt.Sprintf("`%s`%s: %s", e.Resource, allows, e.Reason))
		}
		exceptions := "none"
		if len(waivers) > 0 {
			exceptions = strings.Join(waivers, "<br>")
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s |\n", r.Name, r.LevelName(), r.Checks, r.Anchor, exceptions)
	}
	return b.String()
}

func TestReadmeTable(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(harness.Root(), "policy", "README.md"))
	require.NoError(t, err)
	_, rest, ok := strings.Cut(string(data), tableStart+"\n")
	require.True(t, ok, "policy/README.md has the table start marker")
	table, _, ok := strings.Cut(rest, tableEnd)
	require.True(t, ok, "policy/README.md has the table end marker")
	want := policyTable(rules.Rules(programFor(t, "prod").settings))
	assert.Equal(t, want, table, "regenerate the table in policy/README.md:\n%s", want)
}

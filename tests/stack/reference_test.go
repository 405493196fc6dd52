package stack_test

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jiucom/jiucom-infra/components/config"
	"github.com/jiucom/jiucom-infra/tests/harness"
)

// The project file, the program and the reference table in
// docs/configuration.md must name the same keys: a key the program reads but
// Pulumi.yaml does not declare is rejected by the CLI, and an undocumented key
// is a trap for operators.
func TestConfigReferenceMatchesPulumiYAMLAndProgram(t *testing.T) {
	proj, err := workspace.LoadProject(filepath.Join(harness.Root(), "Pulumi.yaml"))
	require.NoError(t, err)
	require.NoError(t, proj.Validate())
	assert.Equal(t, "jiucom-infra", proj.Name.String())
	assert.Equal(t, "go", proj.Runtime.Name())
	var declared []string
	for key, decl := range proj.Config {
		declared = append(declared, key)
		assert.NotEmpty(t, decl.Description, "%s has a description", key)
		assert.True(t, decl.IsExplicitlyTyped(), "%s has a type", key)
	}
	program := config.AllKeys()
	for _, k := range config.SecretKeys {
		assert.True(t, proj.Config[k].Secret, "%s is declared secret", k)
		assert.Nil(t, proj.Config[k].Default, "%s has no default", k)
	}
	for _, k := range config.OptionalSecretKeys {
		assert.Equal(t, "", proj.Config[k].Default, "%s is optional: an empty default keeps the CLI from demanding it", k)
	}
	reference, err := os.ReadFile(filepath.Join(harness.Root(), "docs", "configuration.md"))
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(string(reference), "# Configuration reference\n"), "docs/configuration.md is the config reference")
	var documented []string
	for _, m := range regexp.MustCompile("(?m)^\\| `([A-Za-z]+)` \\|").FindAllStringSubmatch(string(reference), -1) {
		documented = append(documented, m[1])
	}
	slices.Sort(declared)
	slices.Sort(program)
	slices.Sort(documented)
	assert.Equal(t, program, declared, "Pulumi.yaml declares exactly the keys the program reads")
	assert.Equal(t, program, documented, "docs/configuration.md documents exactly the keys the program reads")
}

// Package readme reads README.md as a new user would, from a clean clone:
// every command it shows must exist (make targets, scripts, config keys,
// stacks, workflows) and the production steps must come in an order that
// works.
package readme

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jiucom/jiucom-infra/tests/harness"
)

func readme(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(harness.Root(), "README.md"))
	require.NoError(t, err)
	return string(data)
}

var (
	fenced = regexp.MustCompile("(?s)```[a-z]*\n(.*?)```")
	inline = regexp.MustCompile("`([^`\n]+)`")
)

// commands are the lines of fenced blocks and the inline code spans: what a
// reader copies into a shell.
func commands(text string) []string {
	var out []string
	for _, m := range fenced.FindAllStringSubmatch(text, -1) {
		out = append(out, strings.Split(m[1], "\n")...)
	}
	for _, m := range inline.FindAllStringSubmatch(fenced.ReplaceAllString(text, ""), -1) {
		out = append(out, m[1])
	}
	return out
}

func TestEveryMakeTargetExists(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(harness.Root(), "Makefile"))
	require.NoError(t, err)
	targets := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^([\w-]+):`).FindAllStringSubmatch(string(data), -1) {
		targets[m[1]] = true
	}
	named := 0
	for _, c := range commands(readme(t)) {
		for _, m := range regexp.MustCompile(`(?:^|&&\s*)make\s+([\w-]+)`).FindAllStringSubmatch(strings.TrimSpace(c), -1) {
			named++
			assert.True(t, targets[m[1]], "README runs `make %s`, the Makefile has no such target", m[1])
		}
	}
	assert.GreaterOrEqual(t, named, 3, "dev-up, test and destroy are documented")
}

func TestEveryScriptNamedExistsAndIsExecutable(t *testing.T) {
	re := regexp.MustCompile(`(?:assets|tests|\.ci)/[\w./-]*(?:\.sh|/run)\b`)
	scripts := map[string]bool{}
	for _, c := range commands(readme(t)) {
		for _, s := range re.FindAllString(c, -1) {
			scripts[s] = true
		}
	}
	assert.Contains(t, scripts, "assets/teardown/destroy.sh")
	for s := range scripts {
		info, err := os.Stat(filepath.Join(harness.Root(), s))
		if assert.NoError(t, err, "README names %s", s) {
			assert.NotZero(t, info.Mode()&0o111, "%s is not executable", s)
		}
	}
}

func TestEveryConfigKeyAndStackNamedExists(t *testing.T) {
	proj, err := workspace.LoadProject(filepath.Join(harness.Root(), "Pulumi.yaml"))
	require.NoError(t, err)
	key := regexp.MustCompile(`pulumi config (?:set|get)(?:\s+--(?:secret|path))*\s+([A-Za-z][\w-]*)`)
	stack := regexp.MustCompile(`pulumi .*?\s-s\s+([\w-]+)`)
	var keys, stacks int
	for _, c := range commands(readme(t)) {
		for _, m := range key.FindAllStringSubmatch(c, -1) {
			keys++
			_, declared := proj.Config[m[1]]
			assert.True(t, declared, "README sets %q, Pulumi.yaml does not declare it: %s", m[1], c)
		}
		for _, m := range stack.FindAllStringSubmatch(c, -1) {
			stacks++
			_, err := os.Stat(filepath.Join(harness.Root(), "Pulumi."+m[1]+".yaml"))
			assert.NoError(t, err, "README uses stack %q without a stack file: %s", m[1], c)
		}
	}
	assert.Greater(t, keys, 5)
	assert.Greater(t, stacks, 5)
}

func TestEveryWorkflowNamedExists(t *testing.T) {
	text := readme(t)
	section := text[strings.Index(text, "## CI/CD"):]
	named := regexp.MustCompile("`([\\w-]+\\.yml)`").FindAllStringSubmatch(section[:strings.Index(section[3:], "\n## ")+3], -1)
	require.Len(t, named, 4)
	for _, m := range named {
		assert.FileExists(t, filepath.Join(harness.Root(), ".github", "workflows", m[1]))
	}
	for _, p := range regexp.MustCompile(`\.github/actions/[\w-]+`).FindAllString(text, -1) {
		assert.FileExists(t, filepath.Join(harness.Root(), p, "action.yml"))
	}
}

// A new prod user must log in before creating the stack, create it before
// setting secrets, and set secrets before the first preview and up.
func TestProductionStepsComeInAWorkingOrder(t *testing.T) {
	text := readme(t)
	section := text[strings.Index(text, "## Production\n"):]
	section = section[:strings.Index(section[3:], "\n## ")+3]
	steps := []string{"pulumi login", "pulumi stack init prod", "pulumi config set --secret", "pulumi preview -s prod", "pulumi up -s prod"}
	last := -1
	for n, s := range steps {
		i := strings.Index(section, s)
		require.GreaterOrEqual(t, i, 0, "the Production section shows %q", s)
		if n > 0 {
			assert.Greater(t, i, last, "%q comes after %q", s, steps[n-1])
		}
		last = i
	}
}

// Package workflows checks the GitHub Actions workflows in .github/: actionlint
// (with shellcheck on every run: script) and the properties the delivery flow
// relies on — pinned actions, previews with the policy pack, dev-then-prod
// deploys that never overlap, a confirmed destroy that keeps data by default,
// and credentials that never appear in scripts.
package workflows

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/rhysd/actionlint"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jiucom/jiucom-infra/tests/harness"
	"github.com/jiucom/jiucom-infra/tests/tooltest"
)

// lint runs actionlint over every workflow, as the actionlint CLI does in the
// repository (it reads .github/actionlint.yaml for the self-hosted label).
func lint(t *testing.T, shellcheck string) {
	t.Helper()
	project, err := actionlint.NewProject(harness.Root())
	require.NoError(t, err)
	var out bytes.Buffer
	linter, err := actionlint.NewLinter(&out, &actionlint.LinterOptions{Shellcheck: shellcheck, WorkingDir: harness.Root()})
	require.NoError(t, err)
	errs, err := linter.LintDir(project.WorkflowsDir(), project)
	require.NoError(t, err)
	for _, e := range errs {
		t.Errorf("%s:%d:%d: %s [%s]", e.Filepath, e.Line, e.Column, e.Message, e.Kind)
	}
}

func TestWorkflowsAreActionlintClean(t *testing.T) {
	require.Len(t, workflowFiles(t), 4, "test, preview, deploy, destroy")
	lint(t, "")
}

// With shellcheck, actionlint also checks every `run:` script of the
// workflows; the composite action's scripts and the scripts the workflows
// call are checked directly.
func TestWorkflowScriptsPassShellcheck(t *testing.T) {
	shellcheck := tooltest.Require(t, "shellcheck")
	lint(t, shellcheck)
	for i, script := range runScripts(t, load(t, compositeAction)) {
		cmd := exec.Command(shellcheck, "--shell=bash", "-")
		cmd.Stdin = strings.NewReader(script)
		out, err := cmd.CombinedOutput()
		assert.NoError(t, err, "%s run script %d:\n%s", compositeAction, i, out)
	}
	for _, script := range calledScripts(t) {
		out, err := exec.Command(shellcheck, filepath.Join(harness.Root(), script)).CombinedOutput()
		assert.NoError(t, err, "%s:\n%s", script, out)
	}
}

var pinned = regexp.MustCompile(`^([\w.-]+/[\w.-]+)(/[\w./-]+)?@(v(\d+)\.\d+\.\d+|[0-9a-f]{40})$`)

// Every remote action is pinned to a full version (or a commit), and every
// input given to it exists in that action's metadata as actionlint knows it
// for the major version (actionlint itself only looks up `@vN` references,
// so pinned references would otherwise go unchecked).
func TestActionsArePinnedAndGivenOnlyKnownInputs(t *testing.T) {
	files := append(workflowFiles(t), compositeAction)
	var remote int
	for _, file := range files {
		for _, step := range steps(load(t, file)) {
			uses, _ := step["uses"].(string)
			if uses == "" || strings.HasPrefix(uses, "./") {
				continue
			}
			remote++
			m := pinned.FindStringSubmatch(uses)
			if !assert.NotNil(t, m, "%s: %s is not pinned to a full version tag or a commit", file, uses) || m[4] == "" {
				continue
			}
			meta, ok := actionlint.PopularActions[fmt.Sprintf("%s%s@v%s", m[1], m[2], m[4])]
			if !assert.True(t, ok, "%s: actionlint has no metadata for %s: pick a known major version", file, uses) {
				continue
			}
			with, _ := step["with"].(map[string]any)
			for input := range with {
				spec, known := meta.Inputs[strings.ToLower(input)]
				if assert.True(t, known, "%s: %s has no input %q", file, uses, input) {
					assert.False(t, spec.Deprecated, "%s: %s input %q is deprecated", file, uses, input)
				}
			}
			for name, spec := range meta.Inputs {
				if spec.Required {
					assert.Contains(t, lowerKeys(with), name, "%s: %s requires %q", file, uses, name)
				}
			}
		}
	}
	assert.Greater(t, remote, 5, "the check saw the remote actions")
}

func lowerKeys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, strings.ToLower(k))
	}
	return out
}

// calledScripts are the repository scripts the workflows and the composite
// action run (./path or bash path).
func calledScripts(t *testing.T) []string {
	t.Helper()
	re := regexp.MustCompile(`(?:^|\s)(?:bash\s+)?(?:\./)?((?:assets|\.ci|tests)/[\w./-]+)`)
	seen := map[string]bool{}
	var out []string
	for _, file := range append(workflowFiles(t), compositeAction) {
		for _, script := range runScripts(t, load(t, file)) {
			for _, m := range re.FindAllStringSubmatch(script, -1) {
				if !seen[m[1]] {
					seen[m[1]] = true
					out = append(out, m[1])
				}
			}
		}
	}
	return out
}

func TestCalledScriptsExistAndAreExecutable(t *testing.T) {
	scripts := calledScripts(t)
	for _, want := range []string{".ci/run", "assets/teardown/destroy.sh", "assets/dev-secrets.sh"} {
		assert.Contains(t, scripts, want)
	}
	for _, s := range scripts {
		info, err := os.Stat(filepath.Join(harness.Root(), s))
		if assert.NoError(t, err, s) {
			assert.NotZero(t, info.Mode()&0o111, "%s is not executable", s)
		}
	}
}

package workflows

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/jiucom/jiucom-infra/tests/harness"
)

const compositeAction = ".github/actions/pulumi-env/action.yml"

// doc is a workflow or action file as plain YAML values.
type doc = map[string]any

func load(t *testing.T, rel string) doc {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(harness.Root(), rel))
	require.NoError(t, err)
	var d doc
	require.NoError(t, yaml.Unmarshal(data, &d), rel)
	return d
}

func workflowFiles(t *testing.T) []string {
	t.Helper()
	matches, err := filepath.Glob(filepath.Join(harness.Root(), ".github", "workflows", "*.yml"))
	require.NoError(t, err)
	var out []string
	for _, m := range matches {
		out = append(out, filepath.Join(".github", "workflows", filepath.Base(m)))
	}
	return out
}

// stacks are the stacks the repository defines (Pulumi.<stack>.yaml).
func stacks(t *testing.T) []string {
	t.Helper()
	matches, err := filepath.Glob(filepath.Join(harness.Root(), "Pulumi.*.yaml"))
	require.NoError(t, err)
	var out []string
	for _, m := range matches {
		out = append(out, strings.TrimSuffix(strings.TrimPrefix(filepath.Base(m), "Pulumi."), ".yaml"))
	}
	sort.Strings(out)
	return out
}

func obj(v any) doc {
	m, _ := v.(doc)
	return m
}

func list(v any) []any {
	l, _ := v.([]any)
	return l
}

func jobs(d doc) map[string]doc {
	out := map[string]doc{}
	for name, j := range obj(d["jobs"]) {
		out[name] = obj(j)
	}
	return out
}

// steps are every step of every job, or of a composite action.
func steps(d doc) []doc {
	var out []doc
	collect := func(ss any) {
		for _, s := range list(ss) {
			out = append(out, obj(s))
		}
	}
	collect(obj(d["runs"])["steps"])
	for _, j := range jobs(d) {
		collect(j["steps"])
	}
	return out
}

func jobSteps(j doc) []doc {
	var out []doc
	for _, s := range list(j["steps"]) {
		out = append(out, obj(s))
	}
	return out
}

func runScripts(t *testing.T, d doc) []string {
	t.Helper()
	var out []string
	for _, s := range steps(d) {
		if run, ok := s["run"].(string); ok {
			out = append(out, run)
		}
	}
	return out
}

// pulumiSteps are the steps that run a pulumi/actions command.
func pulumiSteps(j doc) []doc {
	var out []doc
	for _, s := range jobSteps(j) {
		uses, _ := s["uses"].(string)
		if strings.HasPrefix(uses, "pulumi/actions@") && obj(s["with"])["command"] != nil {
			out = append(out, obj(s["with"]))
		}
	}
	return out
}

func usesAction(j doc, prefix string) bool {
	for _, s := range jobSteps(j) {
		if uses, _ := s["uses"].(string); strings.HasPrefix(uses, prefix) {
			return true
		}
	}
	return false
}

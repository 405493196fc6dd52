package workflows

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jiucom/jiucom-infra/tests/harness"
)

// The test workflow runs what CI runs, nothing weaker.
func TestTestWorkflowRunsTheCIScript(t *testing.T) {
	wf := load(t, ".github/workflows/test.yml")
	assert.Contains(t, obj(wf["on"]), "pull_request")
	assert.Contains(t, runScripts(t, wf), "bash .ci/run")
	// The container's Go is the one go.mod asks for, so CI never downloads
	// another toolchain or tests with an older one.
	gomod, err := os.ReadFile(filepath.Join(harness.Root(), "go.mod"))
	require.NoError(t, err)
	goVersion := regexp.MustCompile(`(?m)^go (\S+)$`).FindSubmatch(gomod)
	require.NotNil(t, goVersion)
	assert.Equal(t, "golang:"+string(goVersion[1])+"-bookworm", jobs(wf)["test"]["container"], "Debian bookworm, as .ci/run expects")
}

func TestPreviewRunsEveryStackWithThePolicyPackOnPullRequests(t *testing.T) {
	wf := load(t, ".github/workflows/preview.yml")
	assert.Equal(t, []string{"pull_request"}, keys(obj(wf["on"])))
	j := jobs(wf)["preview"]
	var matrixStacks []string
	for _, inc := range list(obj(obj(j["strategy"])["matrix"])["include"]) {
		matrixStacks = append(matrixStacks, obj(inc)["stack"].(string))
	}
	assert.ElementsMatch(t, stacks(t), matrixStacks, "one preview per stack file")
	runs := pulumiSteps(j)
	require.Len(t, runs, 1)
	with := runs[0]
	assert.Equal(t, "preview", with["command"])
	assert.Equal(t, "${{ matrix.stack }}", with["stack-name"])
	assert.Equal(t, "policy", with["policyPacks"], "--policy-pack policy: a mandatory violation fails the step")
	assert.FileExists(t, filepath.Join(harness.Root(), "policy", "PulumiPolicy.yaml"))
	assert.Equal(t, true, with["comment-on-pr"], "the diff is posted on the pull request")
	assert.Equal(t, "write", obj(wf["permissions"])["pull-requests"], "the comment needs write access")
}

func TestDeployGoesDevThenProdWithReviewersAndNeverOverlaps(t *testing.T) {
	wf := load(t, ".github/workflows/deploy.yml")
	assert.Equal(t, []string{"push"}, keys(obj(wf["on"])))
	assert.Equal(t, []any{"main"}, obj(obj(wf["on"])["push"])["branches"])
	js := jobs(wf)
	assert.ElementsMatch(t, stacks(t), keys(js), "one deploy job per stack")
	assert.Contains(t, needs(js["prod"]), "dev", "prod deploys only after dev succeeded")
	assert.Equal(t, "prod", js["prod"]["environment"], "the prod environment carries the required reviewers")
	for _, stack := range stacks(t) {
		j := js[stack]
		runs := pulumiSteps(j)
		require.Len(t, runs, 1, stack)
		assert.Equal(t, "up", runs[0]["command"], stack)
		assert.Equal(t, stack, runs[0]["stack-name"], stack)
		assert.Equal(t, "policy", runs[0]["policyPacks"], stack)
		c := obj(j["concurrency"])
		assert.Equal(t, "pulumi-"+stack, c["group"], "%s: one group per stack, shared with destroy", stack)
		assert.Equal(t, false, c["cancel-in-progress"], "%s: a running update is never cancelled half-way", stack)
	}
}

func TestDestroyIsManualConfirmedAndKeepsDataByDefault(t *testing.T) {
	wf := load(t, ".github/workflows/destroy.yml")
	on := obj(wf["on"])
	assert.Equal(t, []string{"workflow_dispatch"}, keys(on), "never triggered by a push")
	inputs := obj(obj(on["workflow_dispatch"])["inputs"])
	var options []string
	for _, o := range list(obj(inputs["stack"])["options"]) {
		options = append(options, o.(string))
	}
	assert.ElementsMatch(t, stacks(t), options)
	assert.Equal(t, true, obj(inputs["confirm"])["required"])
	deleteData := obj(inputs["delete_data"])
	assert.Equal(t, "boolean", deleteData["type"])
	assert.Equal(t, false, deleteData["default"], "data survives unless asked")

	j := jobs(wf)["destroy"]
	assert.Equal(t, "${{ inputs.stack }}", j["environment"], "prod destroys need the prod reviewers")
	assert.Equal(t, "pulumi-${{ inputs.stack }}", obj(j["concurrency"])["group"], "queues behind a deploy of the same stack")
	ss := jobSteps(j)
	require.NotEmpty(t, ss)
	first, _ := ss[0]["run"].(string)
	assert.Contains(t, first, `"$CONFIRM" != "$STACK"`, "the confirmation is checked before anything else")
	var destroyRun string
	for _, s := range ss {
		if run, _ := s["run"].(string); strings.Contains(run, "assets/teardown/destroy.sh") {
			destroyRun = run
			assert.Equal(t, "${{ inputs.delete_data }}", obj(s["env"])["DELETE_DATA"])
		}
	}
	assert.Contains(t, destroyRun, `--confirm=$CONFIRM`, "the script checks the confirmation again")
	assert.Contains(t, destroyRun, `if [ "$DELETE_DATA" = "true" ]; then args+=(--delete-data); fi`, "--delete-data only when ticked")
}

// Credentials: Workload Identity Federation only (no JSON key anywhere),
// the id-token permission wherever Google auth may run, and secrets reach
// scripts only through env, never pasted into the script text.
func TestCredentialsStayOutOfScriptsAndUseFederation(t *testing.T) {
	err := filepath.WalkDir(filepath.Join(harness.Root(), ".github"), func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		assert.NotContains(t, string(data), "credentials_json", "%s: use Workload Identity Federation, not a key", path)
		return nil
	})
	require.NoError(t, err)
	for _, file := range append(workflowFiles(t), compositeAction) {
		d := load(t, file)
		for _, script := range runScripts(t, d) {
			assert.NotContains(t, script, "${{ secrets.", "%s: pass secrets through env", file)
			assert.NotContains(t, script, "${{ inputs.", "%s: pass inputs through env (script injection)", file)
		}
		for name, j := range jobs(d) {
			if usesAction(j, "./.github/actions/pulumi-env") {
				perms := obj(j["permissions"])
				if perms == nil {
					perms = obj(d["permissions"])
				}
				assert.Equal(t, "write", perms["id-token"], "%s job %s: Workload Identity Federation needs id-token: write", file, name)
			}
		}
	}
	auth := obj(findStep(t, load(t, compositeAction), "google-github-actions/auth@")["with"])
	assert.Contains(t, auth, "workload_identity_provider")
	assert.Contains(t, auth, "service_account")
}

func findStep(t *testing.T, d doc, usesPrefix string) doc {
	t.Helper()
	for _, s := range steps(d) {
		if uses, _ := s["uses"].(string); strings.HasPrefix(uses, usesPrefix) {
			return s
		}
	}
	t.Fatalf("no step uses %s", usesPrefix)
	return nil
}

func needs(j doc) []string {
	switch n := j["needs"].(type) {
	case string:
		return []string{n}
	case []any:
		var out []string
		for _, v := range n {
			out = append(out, v.(string))
		}
		return out
	}
	return nil
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

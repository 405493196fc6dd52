// Package readme reads README.md and every docs/*.md page as a new user
// would, from a clean clone: every command they show must exist (make
// targets, scripts, config keys, stacks, workflows), the production steps
// must come in an order that works, the README must link every component
// package and every docs page, and every relative link must resolve.
package readme

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jiucom/jiucom-infra/tests/harness"
)

// read returns a file of the repository by its slash path.
func read(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(harness.Root(), filepath.FromSlash(path)))
	require.NoError(t, err)
	return string(data)
}

func readme(t *testing.T) string {
	t.Helper()
	return read(t, "README.md")
}

// pages are README.md and every docs/*.md, by slash path from the root: the
// documentation a user copies commands from.
func pages(t *testing.T) map[string]string {
	t.Helper()
	docs, err := filepath.Glob(filepath.Join(harness.Root(), "docs", "*.md"))
	require.NoError(t, err)
	require.NotEmpty(t, docs, "docs/*.md exist")
	out := map[string]string{"README.md": readme(t)}
	for _, d := range docs {
		p := "docs/" + filepath.Base(d)
		out[p] = read(t, p)
	}
	return out
}

// sortedPages lists the pages in a stable order, so failures read the same
// on every run.
func sortedPages(t *testing.T) ([]string, map[string]string) {
	t.Helper()
	ps := pages(t)
	var names []string
	for n := range ps {
		names = append(names, n)
	}
	slices.Sort(names)
	return names, ps
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
	targets := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^([\w-]+):`).FindAllStringSubmatch(read(t, "Makefile"), -1) {
		targets[m[1]] = true
	}
	makeRun := regexp.MustCompile(`(?:^|&&\s*)make\s+([\w-]+)`)
	names, ps := sortedPages(t)
	named := map[string]bool{}
	for _, page := range names {
		for _, c := range commands(ps[page]) {
			for _, m := range makeRun.FindAllStringSubmatch(strings.TrimSpace(c), -1) {
				named[m[1]] = true
				assert.True(t, targets[m[1]], "%s runs `make %s`, the Makefile has no such target", page, m[1])
			}
		}
	}
	for _, want := range []string{"dev-up", "test", "destroy"} {
		assert.True(t, named[want], "`make %s` is documented", want)
	}
	// The quickstart is the README's own: two commands from a clean clone.
	quick := map[string]bool{}
	for _, c := range commands(readme(t)) {
		for _, m := range makeRun.FindAllStringSubmatch(strings.TrimSpace(c), -1) {
			quick[m[1]] = true
		}
	}
	assert.True(t, quick["dev-up"] && quick["test"], "README.md shows `make dev-up` and `make test`")
}

func TestEveryScriptNamedExistsAndIsExecutable(t *testing.T) {
	re := regexp.MustCompile(`(?:assets|tests|\.ci)/[\w./-]*(?:\.sh|/run)\b`)
	names, ps := sortedPages(t)
	scripts := map[string]string{}
	for _, page := range names {
		for _, c := range commands(ps[page]) {
			for _, s := range re.FindAllString(c, -1) {
				scripts[s] = page
			}
		}
	}
	assert.Contains(t, scripts, "assets/teardown/destroy.sh")
	assert.Contains(t, scripts, "assets/dev-up.sh")
	for s, page := range scripts {
		info, err := os.Stat(filepath.Join(harness.Root(), s))
		if assert.NoError(t, err, "%s names %s", page, s) {
			assert.NotZero(t, info.Mode()&0o111, "%s (named in %s) is not executable", s, page)
		}
	}
}

func TestEveryConfigKeyAndStackNamedExists(t *testing.T) {
	proj, err := workspace.LoadProject(filepath.Join(harness.Root(), "Pulumi.yaml"))
	require.NoError(t, err)
	key := regexp.MustCompile(`pulumi config (?:set|get)(?:\s+--(?:secret|path))*\s+([A-Za-z][\w-]*)`)
	stack := regexp.MustCompile(`pulumi .*?\s-s\s+([\w-]+)`)
	names, ps := sortedPages(t)
	var keys, stacks int
	for _, page := range names {
		for _, c := range commands(ps[page]) {
			for _, m := range key.FindAllStringSubmatch(c, -1) {
				keys++
				_, declared := proj.Config[m[1]]
				assert.True(t, declared, "%s sets %q, Pulumi.yaml does not declare it: %s", page, m[1], c)
			}
			for _, m := range stack.FindAllStringSubmatch(c, -1) {
				stacks++
				_, err := os.Stat(filepath.Join(harness.Root(), "Pulumi."+m[1]+".yaml"))
				assert.NoError(t, err, "%s uses stack %q without a stack file: %s", page, m[1], c)
			}
		}
	}
	assert.Greater(t, keys, 5)
	assert.Greater(t, stacks, 5)
}

// docs/ci-cd.md's tables name the four workflows; every workflow and
// composite action any page names exists.
func TestEveryWorkflowNamedExists(t *testing.T) {
	named := regexp.MustCompile("`([\\w-]+\\.yml)`").FindAllStringSubmatch(read(t, "docs/ci-cd.md"), -1)
	require.Len(t, named, 4)
	for _, m := range named {
		assert.FileExists(t, filepath.Join(harness.Root(), ".github", "workflows", m[1]))
	}
	names, ps := sortedPages(t)
	actions := 0
	for _, page := range names {
		for _, p := range regexp.MustCompile(`\.github/actions/[\w-]+`).FindAllString(ps[page], -1) {
			actions++
			assert.FileExists(t, filepath.Join(harness.Root(), p, "action.yml"), "named in %s", page)
		}
	}
	assert.Positive(t, actions, "the shared composite action is documented")
}

// A new prod user must log in before creating the stack, create it before
// setting secrets, and set secrets before the first preview and up.
func TestProductionStepsComeInAWorkingOrder(t *testing.T) {
	section := section(t, readme(t), "## Production")
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

// section is the text from the heading line to the next heading of the same
// or a higher level.
func section(t *testing.T, text, heading string) string {
	t.Helper()
	start := strings.Index(text, "\n"+heading+"\n")
	require.GreaterOrEqual(t, start, 0, "a %q heading exists", heading)
	rest := text[start+1:]
	level := strings.Index(heading, " ")
	next := regexp.MustCompile(`\n#{1,` + strconv.Itoa(level) + `} `).FindStringIndex(rest[len(heading):])
	if next == nil {
		return rest
	}
	return rest[:len(heading)+next[0]]
}

// Certificates are the ACME clients' job: no page walks the user through
// certbot by hand, and the production steps have no certificate step.
// docs/certificates.md alone shows certbot's command line, as what acme.sh
// runs.
func TestNoManualCertbotStep(t *testing.T) {
	names, ps := sortedPages(t)
	manual := regexp.MustCompile(`^\s*(sudo\s+)?certbot\s`)
	for _, page := range names {
		if page == "docs/certificates.md" {
			continue
		}
		for _, c := range commands(ps[page]) {
			assert.False(t, manual.MatchString(c), "%s runs certbot by hand: %s", page, c)
		}
	}
	assert.NotContains(t, section(t, readme(t), "## Production"), "certbot")
}

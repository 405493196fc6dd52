package readme

import (
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jiucom/jiucom-infra/tests/harness"
)

// link is a markdown link's target: [text](target) outside code.
var link = regexp.MustCompile(`\]\(([^()\s]+)\)`)

// links are the link targets of a page, fenced blocks and code spans left
// out (a `[x](y)` in code is not a link).
func links(text string) []string {
	text = inline.ReplaceAllString(fenced.ReplaceAllString(text, ""), "")
	var out []string
	for _, m := range link.FindAllStringSubmatch(text, -1) {
		out = append(out, m[1])
	}
	return out
}

// relative is a link to a file of the repository, not to the web.
func relative(target string) bool {
	for _, scheme := range []string{"http://", "https://", "mailto:"} {
		if strings.HasPrefix(target, scheme) {
			return false
		}
	}
	return true
}

// anchors are the ids GitHub gives a page's headings: lower case, spaces to
// hyphens, punctuation dropped, a repeated heading suffixed -1, -2, ….
func anchors(text string) map[string]bool {
	out := map[string]bool{}
	seen := map[string]int{}
	heading := regexp.MustCompile(`^#{1,6} (.+?)\s*#*\s*$`)
	for _, line := range strings.Split(fenced.ReplaceAllString(text, ""), "\n") {
		m := heading.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		var b strings.Builder
		for _, r := range strings.ToLower(m[1]) {
			switch {
			case r == ' ':
				b.WriteRune('-')
			case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r):
				b.WriteRune(r)
			}
		}
		id := b.String()
		if n := seen[id]; n > 0 {
			out[id+"-"+strconv.Itoa(n)] = true
		} else {
			out[id] = true
		}
		seen[id]++
	}
	return out
}

// Every relative link in README.md and docs/*.md names a file or directory
// that exists, and an #anchor into a markdown page names one of its
// headings.
func TestRelativeLinksResolve(t *testing.T) {
	names, ps := sortedPages(t)
	checked := 0
	for _, page := range names {
		for _, target := range links(ps[page]) {
			if !relative(target) {
				continue
			}
			checked++
			file, anchor, _ := strings.Cut(target, "#")
			dest := page
			if file != "" {
				dest = path.Clean(path.Join(path.Dir(page), file))
				if !assert.False(t, strings.HasPrefix(dest, "../"), "%s links %s outside the repository", page, target) {
					continue
				}
				if _, err := os.Stat(filepath.Join(harness.Root(), filepath.FromSlash(dest))); !assert.NoError(t, err, "%s links %s: no such file", page, target) {
					continue
				}
			}
			if anchor != "" && strings.HasSuffix(dest, ".md") {
				assert.True(t, anchors(read(t, dest))[anchor], "%s links %s: %s has no heading #%s", page, target, dest, anchor)
			}
		}
	}
	assert.Greater(t, checked, 20, "the pages link each other")
}

// A reader finds everything from the README: every components/* package
// (the code map) and every docs/*.md page is linked from it.
func TestReadmeLinksEveryComponentAndDoc(t *testing.T) {
	linked := map[string]bool{}
	for _, target := range links(readme(t)) {
		if file, _, _ := strings.Cut(target, "#"); relative(target) && file != "" {
			linked[strings.TrimSuffix(path.Clean(file), "/")] = true
		}
	}
	entries, err := os.ReadDir(filepath.Join(harness.Root(), "components"))
	require.NoError(t, err)
	components := 0
	for _, e := range entries {
		if e.IsDir() {
			components++
			assert.True(t, linked["components/"+e.Name()], "README.md's code map links (components/%s)", e.Name())
		}
	}
	assert.Greater(t, components, 10)
	docs, err := filepath.Glob(filepath.Join(harness.Root(), "docs", "*.md"))
	require.NoError(t, err)
	require.NotEmpty(t, docs)
	for _, d := range docs {
		assert.True(t, linked["docs/"+filepath.Base(d)], "README.md links (docs/%s)", filepath.Base(d))
	}
}

// The README stays a front page: what it is, the diagram, prerequisites,
// the quickstart, the production walk-through, certificates, the code map
// and the links; the reference and runbooks live in docs/.
func TestReadmeIsAShortFrontPage(t *testing.T) {
	text := readme(t)
	lines := strings.Count(text, "\n")
	assert.LessOrEqual(t, lines, 250, "README.md has %d lines; move reference and runbooks into docs/", lines)
	assert.Contains(t, text, "```mermaid\n", "README.md keeps the architecture diagram")
	for _, h := range []string{"## Prerequisites", "## Quickstart", "## Production", "## Certificates", "## Code map", "## Documentation"} {
		section(t, text, h)
	}
	assert.Contains(t, section(t, text, "## Certificates"), "(docs/edge.md", "the certificates note points to docs/edge.md")
}

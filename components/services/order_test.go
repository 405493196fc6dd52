package services

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func names(rs []Record) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Name)
	}
	return out
}

// Every platform record starts after everything it waits for.
func TestStartOrderFollowsAfter(t *testing.T) {
	ordered, err := order(Platform)
	require.NoError(t, err)
	require.ElementsMatch(t, names(Platform), names(ordered))
	pos := map[string]int{}
	for i, r := range ordered {
		pos[r.Name] = i
	}
	for _, r := range ordered {
		for _, a := range r.After {
			assert.Less(t, pos[a], pos[r.Name], "%s starts after %s", r.Name, a)
		}
	}
}

// Ready records keep inventory order, so the registration order is stable.
func TestStartOrderKeepsInventoryOrderAmongReady(t *testing.T) {
	got, err := order([]Record{{Name: "c", After: []string{"b"}}, {Name: "a"}, {Name: "b"}})
	require.NoError(t, err)
	assert.Equal(t, []string{"a", "b", "c"}, names(got))
}

func TestStartOrderRefusesACycleNamingItsMembers(t *testing.T) {
	_, err := order([]Record{{Name: "a", After: []string{"c"}}, {Name: "b"}, {Name: "c", After: []string{"a"}}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "cycle among [a c]")
}

func TestStartOrderRefusesAnUnknownService(t *testing.T) {
	_, err := order([]Record{{Name: "a", After: []string{"mysqll"}}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `a starts after "mysqll"`)
}

// Each record's name is its file: a newcomer finds mysql in mysql.go.
func TestEveryRecordHasItsOwnFile(t *testing.T) {
	for _, r := range Platform {
		file := strings.ReplaceAll(r.Name, "-", "_") + ".go"
		src, err := os.ReadFile(file)
		require.NoError(t, err, "%s is defined in %s", r.Name, file)
		assert.Regexp(t, `(?m)^var \w+ = Record\{`, string(src), file)
	}
}

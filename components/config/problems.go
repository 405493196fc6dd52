package config

import (
	"fmt"
	"strings"
)

// Problem is one bad config value: the key it came from (as `pulumi config`
// names it), what is wrong with it, and how to fix it.
type Problem struct {
	Key     string
	Message string
	Fix     string
	// root marks a problem that makes every later check of the same key
	// (or of a key under it) a follow-up: a value of the wrong type, or one
	// with invisible characters, is reported once, not again as "missing".
	root bool
}

func (p Problem) String() string {
	if p.Fix == "" {
		return fmt.Sprintf("%s: %s", p.Key, p.Message)
	}
	return fmt.Sprintf("%s: %s (fix: %s)", p.Key, p.Message, p.Fix)
}

// Problems collects every bad value so a user sees them all in one run
// instead of fixing one key per `pulumi up`.
type Problems []Problem

func (ps *Problems) add(key, fix, format string, args ...any) {
	*ps = append(*ps, Problem{Key: key, Message: fmt.Sprintf(format, args...), Fix: fix})
}

// addRoot adds a problem whose key's other problems are follow-ups.
func (ps *Problems) addRoot(key, fix, format string, args ...any) {
	*ps = append(*ps, Problem{Key: key, Message: fmt.Sprintf(format, args...), Fix: fix, root: true})
}

// withoutFollowUps drops the problems at or under a key that already has a
// root problem (an earlier one, if they are both roots), and repeats.
func (ps Problems) withoutFollowUps() Problems {
	var out Problems
	seen := map[Problem]bool{}
	for i, p := range ps {
		followUp := false
		for j, r := range ps {
			// A root problem makes later ones at or under its key follow-ups,
			// roots included: the first cause is the one to fix.
			if r.root && (!p.root || j < i) && under(p.Key, r.Key) {
				followUp = true
				break
			}
		}
		if !followUp && !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out
}

// under reports whether key is root or names a part of it.
func under(key, root string) bool {
	return key == root || strings.HasPrefix(key, root+".") || strings.HasPrefix(key, root+"[")
}

func (ps Problems) Error() string {
	lines := make([]string, 0, len(ps)+1)
	lines = append(lines, fmt.Sprintf("invalid stack configuration (%d problem(s)):", len(ps)))
	for _, p := range ps {
		lines = append(lines, "  - "+p.String())
	}
	return strings.Join(lines, "\n")
}

// hasUnder reports whether a problem names key or a part of it.
func (ps Problems) hasUnder(key string) bool {
	for _, p := range ps {
		if under(p.Key, key) {
			return true
		}
	}
	return false
}

// Keys lists the keys named by the problems, in order; tests use it.
func (ps Problems) Keys() []string {
	keys := make([]string, len(ps))
	for i, p := range ps {
		keys[i] = p.Key
	}
	return keys
}

func (ps Problems) orNil() error {
	if len(ps) == 0 {
		return nil
	}
	return ps
}

package stack_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/jiucom/jiucom-infra/components/services"
	"github.com/jiucom/jiucom-infra/tests/harness"
)

// The offline form of `pulumi preview --expect-no-changes` right after an
// `up`: for every input the program sends, the provider's read-back (the
// model in harness.ReadBack) must hold the same value. A property that
// differs is a diff on every preview, and for a docker container nearly
// every diff is a replacement.
func TestEveryInputIsReadBackUnchanged(t *testing.T) {
	for _, stackName := range []string{"dev", "prod"} {
		t.Run(stackName, func(t *testing.T) {
			assert.Empty(t, drift(run(t, stackName)), "properties that would show a diff on the next preview")
		})
	}
}

// drift lists the inputs of a recording that the provider reads back
// differently.
func drift(rec *harness.Recording) []string {
	var out []string
	for _, r := range rec.Resources {
		if !r.Custom {
			continue
		}
		// ignoreChanges paths are kept from the state: not diffed.
		stored := harness.WithoutPaths(r.Outputs, r.IgnoreChanges)
		for key, sent := range harness.Comparable(r) {
			if !stored[key].DeepEquals(sent) {
				out = append(out, fmt.Sprintf("%s %s: sent %.300v, read back %.300v", r.Name, key, sent, stored[key]))
			}
		}
	}
	slices.Sort(out)
	return out
}

// The model knows the CMD and ENTRYPOINT of every image the platform pins,
// so a container that sends no command is checked against the real default.
func TestReadBackModelKnowsEveryPinnedImage(t *testing.T) {
	for service, d := range services.Catalog() {
		if d.Image != "" {
			assert.True(t, harness.KnowsImage(d.Image), "record %s's image %s in harness.imageDefaults", service, d.Image)
		}
	}
}

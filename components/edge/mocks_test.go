package edge_test

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/jiucom/jiucom-infra/tests/harness"
)

// registered is one resource the program registered with the mock engine.
type registered = harness.Resource

// recorder is what one mock run registered, with lookups by name.
type recorder struct{ *harness.Recording }

func (r recorder) ofType(typ string) []registered { return r.OfType(typ) }

func (r recorder) named(t *testing.T, name string) registered {
	t.Helper()
	for _, x := range r.Resources {
		if x.Name == name {
			return x
		}
	}
	t.Fatalf("no resource named %q; have %v", name, r.names())
	return registered{}
}

func (r recorder) names() []string {
	var names []string
	for _, x := range r.Resources {
		names = append(names, x.Name)
	}
	return names
}

// dependsOn reports whether x lists a resource with the given name among its
// explicit dependencies.
func dependsOn(x registered, name string) bool {
	for _, d := range x.Dependencies {
		if strings.HasSuffix(d, "::"+name) {
			return true
		}
	}
	return false
}

// run executes program under the harness's recording mocks.
func run(t *testing.T, program pulumi.RunFunc) recorder {
	t.Helper()
	rec, err := harness.RunProgram("jiucom", "test", program)
	require.NoError(t, err)
	return recorder{rec}
}

// strs reads a string-array input property.
func strs(v resource.PropertyValue) []string {
	var out []string
	for _, e := range harness.Arr(v) {
		out = append(out, harness.Str(e))
	}
	return out
}

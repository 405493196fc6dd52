package rules_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/property"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/policyx"
	"github.com/stretchr/testify/require"

	"github.com/jiucom/jiucom-infra/policy/rules"
	"github.com/jiucom/jiucom-infra/tests/harness"
)

// Fixtures are the resources the real program registers under the harness's
// mocks, converted to what the engine hands a policy; a failing fixture is
// one of them with a single mutation.

type program struct {
	rec       *harness.Recording
	resources []rules.Resource
	settings  rules.Settings
}

var (
	programsMu sync.Mutex
	programs   = map[string]*program{}
)

// programFor runs a committed stack once per test binary.
func programFor(t *testing.T, stack string) *program {
	t.Helper()
	programsMu.Lock()
	defer programsMu.Unlock()
	if p, ok := programs[stack]; ok {
		return p
	}
	in, err := harness.StackInput(stack)
	require.NoError(t, err)
	p := runProgram(t, stack, in.Values)
	programs[stack] = p
	return p
}

// programWith is runProgram on the stack file's values with some replaced.
func programWith(t *testing.T, stack string, values map[string]string) *program {
	t.Helper()
	in, err := harness.StackInput(stack)
	require.NoError(t, err)
	for k, v := range values {
		in.Values[k] = v
	}
	return runProgram(t, stack, in.Values)
}

// runProgram runs the program with raw stack values and loads the pack's
// settings from the same values, as the engine would hand them to both.
func runProgram(t *testing.T, stack string, values map[string]string) *program {
	t.Helper()
	in, err := harness.StackInput(stack)
	require.NoError(t, err)
	in.Values = values
	rec, err := harness.Run(stack, in)
	require.NoError(t, err)
	s, err := rules.LoadSettings(stack, func(key string) (string, bool) {
		v, ok := values[key]
		return v, ok
	}, func(string) string { return "" })
	require.NoError(t, err)
	return &program{rec: rec, resources: analyzerResources(stack, rec), settings: s}
}

func analyzerResources(stack string, rec *harness.Recording) []rules.Resource {
	out := make([]rules.Resource, 0, len(rec.Resources))
	for _, r := range rec.Resources {
		a := rules.Resource{
			Type: r.Type, Name: r.Name, URN: r.URN, Parent: r.Parent, Dependencies: r.Dependencies,
			Properties: resource.FromResourcePropertyMap(r.Inputs),
		}
		if p, ok := rec.ProviderOf(r); ok {
			a.Provider = policyx.AnalyzerProviderResource{Type: p.Type, URN: p.URN, Name: p.Name, Properties: resource.FromResourcePropertyMap(p.Inputs)}
		} else if r.Custom {
			a.Provider = defaultProvider(stack, r.Type)
		}
		out = append(out, a)
	}
	return out
}

// defaultProvider is what the engine reports for a resource registered
// without a provider.
func defaultProvider(stack, typ string) policyx.AnalyzerProviderResource {
	pkg, _, _ := strings.Cut(typ, ":")
	return policyx.AnalyzerProviderResource{
		Type: "pulumi:providers:" + pkg,
		Name: "default",
		URN:  fmt.Sprintf("urn:pulumi:%s::%s::pulumi:providers:%s::default", stack, harness.Project, pkg),
	}
}

func (p *program) named(t *testing.T, typ, name string) rules.Resource {
	t.Helper()
	for _, r := range p.resources {
		if r.Type == typ && r.Name == name {
			return r
		}
	}
	t.Fatalf("the program registers no %s %s", typ, name)
	return rules.Resource{}
}

// path builds a property path; keys are map keys or array indexes.
func path(keys ...any) property.Path {
	segments := make([]property.PathSegment, len(keys))
	for i, k := range keys {
		switch k := k.(type) {
		case string:
			segments[i] = property.NewSegment(k)
		case int:
			segments[i] = property.NewSegment(k)
		}
	}
	return property.PathFromSegments(segments...)
}

// set returns r with one property replaced.
func set(t *testing.T, r rules.Resource, v property.Value, keys ...any) rules.Resource {
	t.Helper()
	updated, err := path(keys...).Set(property.New(r.Properties), v)
	require.NoError(t, err)
	r.Properties = updated.AsMap()
	return r
}

// without returns r with a top-level property removed.
func without(r rules.Resource, key string) rules.Resource {
	r.Properties = r.Properties.Delete(key)
	return r
}

type recorder struct{ violations []rules.Violation }

func (m *recorder) ReportViolation(message, urn string) {
	m.violations = append(m.violations, rules.Violation{URN: urn, Message: message})
}

func (m *recorder) messages() []string {
	out := make([]string, len(m.violations))
	for i, v := range m.violations {
		out[i] = v.Message
	}
	return out
}

// policy finds a policy of the pack built from s.
func policy(t *testing.T, s rules.Settings, name string) policyx.Policy {
	t.Helper()
	pack, err := rules.NewPack(s)
	require.NoError(t, err)
	for _, p := range pack.Policies() {
		if p.Name() == name {
			return p
		}
	}
	t.Fatalf("no policy %s", name)
	return nil
}

// validate runs a resource policy through policyx as the analyzer does and
// returns the messages it reported.
func validate(t *testing.T, s rules.Settings, name string, r rules.Resource, cfg map[string]any) []string {
	t.Helper()
	p, ok := policy(t, s, name).(policyx.ResourceValidationPolicy)
	require.True(t, ok, "%s is a resource policy", name)
	m := &recorder{}
	require.NoError(t, p.Validate(context.Background(), policyx.ResourceValidationArgs{Manager: m, Resource: r, Config: cfg}))
	return m.messages()
}

// validateStack runs a stack policy and returns its violations.
func validateStack(t *testing.T, s rules.Settings, name string, rs []rules.Resource) []rules.Violation {
	t.Helper()
	p, ok := policy(t, s, name).(policyx.StackValidationPolicy)
	require.True(t, ok, "%s is a stack policy", name)
	m := &recorder{}
	require.NoError(t, p.Validate(context.Background(), policyx.StackValidationArgs{Manager: m, Resources: rs}))
	return m.violations
}

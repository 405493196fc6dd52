package rules_test

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/policyx"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/jiucom/jiucom-infra/policy/rules"
)

// The committed dev and prod programs pass the whole pack, advisory policies
// included; once the program registers new resources (another edge mode, a
// new service) they are covered here without new fixtures.
func TestTheProgramPassesEveryPolicy(t *testing.T) {
	for _, stack := range []string{"dev", "prod"} {
		t.Run(stack, func(t *testing.T) {
			p := programFor(t, stack)
			pack, err := rules.NewPack(p.settings)
			require.NoError(t, err)
			checked := map[string]int{}
			for _, pol := range pack.Policies() {
				switch pol := pol.(type) {
				case policyx.ResourceValidationPolicy:
					for _, r := range p.resources {
						m := &recorder{}
						require.NoError(t, pol.Validate(t.Context(), policyx.ResourceValidationArgs{Manager: m, Resource: r}))
						assert.Empty(t, m.messages(), "%s on %s", pol.Name(), r.Name)
					}
				case policyx.StackValidationPolicy:
					assert.Empty(t, validateStack(t, p.settings, pol.Name(), p.resources), pol.Name())
				}
				checked[pol.Name()]++
			}
			assert.Len(t, checked, len(rules.Rules(p.settings)))
		})
	}
}

// Every rule applies to something the program registers, so none passes
// vacuously (the GCP rules on prod's edge VM and firewalls).
func TestEveryResourceRuleMeetsAResource(t *testing.T) {
	dev, prod := programFor(t, "dev"), programFor(t, "prod")
	for _, r := range rules.Rules(prod.settings) {
		if r.CheckStack != nil {
			continue
		}
		found := false
		for _, res := range append(append([]rules.Resource{}, dev.resources...), prod.resources...) {
			for _, typ := range r.Types {
				found = found || res.Type == typ
			}
		}
		assert.True(t, found, "%s checks types %v that neither stack registers", r.Name, r.Types)
	}
}

func TestDescriptionsNameLevelAndAnchor(t *testing.T) {
	for _, r := range rules.Rules(programFor(t, "prod").settings) {
		assert.NotEmpty(t, r.Anchor, r.Name)
		assert.Contains(t, r.Description(), "; "+r.Anchor+"]", r.Name)
		assert.Contains(t, []policyx.EnforcementLevel{policyx.EnforcementLevelMandatory, policyx.EnforcementLevelAdvisory}, r.Level, r.Name)
	}
	_, err := rules.NewPack(programFor(t, "prod").settings)
	require.NoError(t, err, "names and schemas are accepted by policyx")
}

// The analyzer sends each config schema to the engine as a protobuf Struct
// (GetAnalyzerInfo); a Go type it cannot convert would only fail under the CLI.
func TestConfigSchemasConvertToProtobuf(t *testing.T) {
	schemas := 0
	for _, r := range rules.Rules(programFor(t, "prod").settings) {
		if r.Schema == nil {
			continue
		}
		schemas++
		props := map[string]any{}
		for k, v := range r.Schema.Properties {
			props[k] = v
		}
		_, err := structpb.NewStruct(props)
		assert.NoError(t, err, r.Name)
	}
	assert.Equal(t, 2, schemas, "ceilings and retained stacks are configurable")
}

package rules

import (
	"context"
	"fmt"
	"slices"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/policyx"
)

// Resource is one resource as the engine hands it to a policy.
type Resource = policyx.AnalyzerResource

// Violation is one finding of a stack rule, attached to a resource.
type Violation struct {
	URN     string
	Message string
}

// Rule is one policy with the facts the README table shows. A resource rule
// sets Types and Check; a stack rule sets CheckStack.
type Rule struct {
	Name   string
	Level  policyx.EnforcementLevel
	Checks string // what it checks, one sentence
	Anchor string // CIS Docker Benchmark section, CIS GCP Benchmark section or Checkov ID
	Types  []string
	Schema *policyx.ConfigSchema
	// Check returns one message per violation. cfg is the rule's policy
	// configuration; an error means the configuration itself is bad.
	Check      func(r Resource, cfg map[string]any) ([]string, error)
	CheckStack func(rs []Resource) []Violation
}

// Description is what the engine prints above every violation: the check,
// its level and the benchmark it follows.
func (r Rule) Description() string {
	return fmt.Sprintf("%s [%s; %s]", r.Checks, r.LevelName(), r.Anchor)
}

// Policy turns the rule into a policyx policy.
func (r Rule) Policy() policyx.Policy {
	if r.CheckStack != nil {
		return policyx.NewStackValidationPolicy(r.Name, policyx.StackValidationPolicyArgs{
			Description:      r.Description(),
			EnforcementLevel: r.Level,
			ValidateStack: func(_ context.Context, args policyx.StackValidationArgs) error {
				for _, v := range r.CheckStack(args.Resources) {
					args.Manager.ReportViolation(v.Message, v.URN)
				}
				return nil
			},
		})
	}
	return policyx.NewResourceValidationPolicy(r.Name, policyx.ResourceValidationPolicyArgs{
		Description:      r.Description(),
		EnforcementLevel: r.Level,
		ConfigSchema:     r.Schema,
		ValidateResource: func(_ context.Context, args policyx.ResourceValidationArgs) error {
			messages, err := r.Validate(args.Resource, args.Config)
			if err != nil {
				return err
			}
			for _, m := range messages {
				args.Manager.ReportViolation(m, "")
			}
			return nil
		},
	})
}

// Validate runs a resource rule on one resource if it has one of the rule's types.
func (r Rule) Validate(res Resource, cfg map[string]any) ([]string, error) {
	if r.Check == nil || !slices.Contains(r.Types, res.Type) {
		return nil, nil
	}
	messages, err := r.Check(res, cfg)
	if err != nil {
		return nil, fmt.Errorf("policy %s: %w", r.Name, err)
	}
	return messages, nil
}

// plain adapts a check that needs no policy configuration.
func plain(check func(r Resource) []string) func(Resource, map[string]any) ([]string, error) {
	return func(r Resource, _ map[string]any) ([]string, error) { return check(r), nil }
}

// LevelName is the enforcement level as the CLI prints it.
func (r Rule) LevelName() string {
	switch r.Level {
	case policyx.EnforcementLevelMandatory:
		return "mandatory"
	case policyx.EnforcementLevelAdvisory:
		return "advisory"
	case policyx.EnforcementLevelDisabled:
		return "disabled"
	}
	return "remediate"
}

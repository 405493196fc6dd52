// Package rules is the jiucom-infra policy pack: resource-limit and security
// policies over what the Pulumi program registers, importable so they are
// unit-tested against the program's own recorded resources without the CLI.
package rules

import (
	"fmt"
	"os"
	"slices"

	"github.com/blang/semver"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/policyx"
)

// PackName is the pack's name as `pulumi preview --policy-pack` reports it.
const PackName = "jiucom-infra-policy"

// Version of the pack.
var Version = semver.MustParse("0.1.0")

// Rules is every rule of the pack, in the order of the README table.
func Rules(s Settings) []Rule {
	return slices.Concat(limitRules(s), containerRules(), gcpRules(), stackRules(s))
}

// NewPack assembles the policies of Rules.
func NewPack(s Settings) (policyx.PolicyPack, error) {
	rules := Rules(s)
	policies := make([]policyx.Policy, len(rules))
	for i, r := range rules {
		policies[i] = r.Policy()
	}
	pack, err := policyx.NewPolicyPack(PackName, Version, policyx.EnforcementLevelMandatory, policies)
	if err != nil {
		return nil, fmt.Errorf("policy pack: %w", err)
	}
	return pack, nil
}

// PackFor is the factory policyx.Main calls once the engine has said which
// stack it previews: the settings come from that stack and the environment.
func PackFor(ctx *pulumi.Context) (policyx.PolicyPack, error) {
	s, err := FromContext(ctx, os.Getenv)
	if err != nil {
		return nil, err
	}
	return NewPack(s)
}

package rules

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/policyx"

	"github.com/jiucom/jiucom-infra/components/config"
)

// Stack rule names.
const (
	PolicyVolumesRetained = "data-volumes-retained"
	PolicyExplicitDocker  = "docker-explicit-provider"
	PolicyBackedUp        = "data-volumes-backed-up"
)

// defaultRetainStacks are the stacks whose data must survive `pulumi destroy`.
var defaultRetainStacks = []string{"prod"}

func stackRules(s Settings) []Rule {
	return []Rule{
		{
			Name: PolicyVolumesRetained, Level: policyx.EnforcementLevelMandatory, Types: []string{VolumeType},
			Anchor: "project rule: data outlives `pulumi destroy` (README, Teardown)",
			Checks: "in prod (policy config `stacks`), data volumes are retained on delete: `retainDataOnDestroy` is true",
			Schema: &policyx.ConfigSchema{Properties: map[string]map[string]any{
				"stacks": {"type": "array", "items": map[string]any{"type": "string"}, "description": "stacks whose data volumes must be retained (default [\"prod\"])"},
			}},
			Check: func(r Resource, cfg map[string]any) ([]string, error) {
				stacks, err := retainStacks(cfg)
				if err != nil {
					return nil, err
				}
				return checkRetained(r, s, stacks), nil
			},
		},
		{
			Name: PolicyBackedUp, Level: policyx.EnforcementLevelMandatory,
			Anchor:     "project rule: every data volume is backed up (docs/backups.md)",
			Checks:     "with `backup.enabled` (the stack's), every data volume has the `backup` container on its docker host (provider), and that container mounts it",
			CheckStack: func(rs []Resource) []Violation { return checkBackedUp(rs, s) },
		},
		{
			Name: PolicyExplicitDocker, Level: policyx.EnforcementLevelMandatory, Anchor: "project rule: a child without a provider targets the local socket (components/dockerhost)",
			Checks: "no docker resource uses the default provider (the local socket): each names its host's provider",
			Types:  []string{ContainerType, RemoteImageType, VolumeType, "docker:index/network:Network", "docker:index/image:Image"},
			Check:  plain(checkExplicitProvider),
		},
	}
}

func retainStacks(cfg map[string]any) ([]string, error) {
	v, ok := cfg["stacks"]
	if !ok {
		return defaultRetainStacks, nil
	}
	bad := fmt.Errorf("policy config stacks: %v is not a list of stack names", v)
	items, ok := v.([]any)
	if !ok {
		return nil, bad
	}
	stacks := make([]string, len(items))
	for i, item := range items {
		if stacks[i], ok = item.(string); !ok {
			return nil, bad
		}
	}
	return stacks, nil
}

// checkRetained reads retainDataOnDestroy from the stack: the analyzer
// protocol (policyx v3.259.0) does not carry a resource's retainOnDelete
// option, and the program sets that option on every volume from this key.
func checkRetained(r Resource, s Settings, stacks []string) []string {
	if !slices.Contains(stacks, s.Stack) || s.RetainData {
		return nil
	}
	return []string{fmt.Sprintf("%s: stack %s has %s false, so `pulumi destroy` deletes volume %s and its data (fix: pulumi config set %s true -s %s)",
		r.Name, s.Stack, config.KeyRetainData, text(r.Properties.Get("name")), config.KeyRetainData, s.Stack)}
}

// checkExplicitProvider flags the engine's default provider, named
// "default" or "default_<version>", which targets the local docker socket.
func checkExplicitProvider(r Resource) []string {
	if name := r.Provider.Name; name == "" || name == "default" || strings.HasPrefix(name, "default_") {
		return []string{fmt.Sprintf("%s: uses the default docker provider, which targets whatever engine DOCKER_HOST or the local socket is (fix: register it with pulumi.Provider(host.Provider) or under a parent that has it)", r.Name)}
	}
	return nil
}

package rules_test

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jiucom/jiucom-infra/policy/rules"
	"github.com/jiucom/jiucom-infra/tests/harness"
)

func env(values map[string]string) func(string) string {
	return func(k string) string { return values[k] }
}

func stackValues(values map[string]string) rules.StackConfig {
	return func(k string) (string, bool) { v, ok := values[k]; return v, ok }
}

func TestHostCapacityComesFromTheStackAndTheEnvironment(t *testing.T) {
	hosts := `{"monitoring":{"docker":"unix:///var/run/docker.sock","cpus":4,"memory":"8GB"},
	           "service":{"docker":"unix:///var/run/docker.sock","cpus":"2","memory":"16GB"}}`
	s, err := rules.LoadSettings("dev", stackValues(map[string]string{"hosts": hosts}), env(nil))
	require.NoError(t, err)
	assert.Equal(t, map[string]rules.Amount{"unix:///var/run/docker.sock": {CPUMilli: 2000, MemoryMiB: 8192}}, s.Capacity,
		"roles sharing an engine share the smallest capacity")

	s, err = rules.LoadSettings("dev", stackValues(map[string]string{"hosts": hosts}),
		env(map[string]string{rules.EnvHostCapacity: `{"unix:///var/run/docker.sock":{"cpus":"6"},"ssh://ops@10.0.0.9":{"cpus":2,"memory":"4GB"}}`}))
	require.NoError(t, err)
	assert.Equal(t, map[string]rules.Amount{
		"unix:///var/run/docker.sock": {CPUMilli: 6000, MemoryMiB: 8192},
		"ssh://ops@10.0.0.9":          {CPUMilli: 2000, MemoryMiB: 4096},
	}, s.Capacity, "the environment overrides field by field")
}

func TestCeilingsDefaultsConfigAndEnvironment(t *testing.T) {
	s, err := rules.LoadSettings("prod", stackValues(nil), env(map[string]string{rules.EnvCeilings: `{"mysql":{"memory":"3GB"}}`}))
	require.NoError(t, err)
	ceilings, err := s.Ceilings(map[string]any{"ceilings": map[string]any{"mysql": map[string]any{"cpu": 4, "memory": "8GB"}}})
	require.NoError(t, err)
	assert.Equal(t, rules.Amount{CPUMilli: 4000, MemoryMiB: 3072}, ceilings["mysql"], "config raises cpu; the environment wins on memory")
	assert.Equal(t, rules.Amount{CPUMilli: 500, MemoryMiB: 256}, ceilings["gateway"], "untouched services keep the seed table")
}

// The ceiling rule reads its policy config: raising a ceiling lets a bigger
// container through, exactly as the README documents.
func TestCeilingPolicyConfig(t *testing.T) {
	p := programFor(t, "prod")
	big := set(t, p.named(t, container, "mysql-container"), num(4096), "memory")
	// The root README's sample violation.
	assert.Equal(t, []string{"jiucom-mysql: memory 4096MB is above the mysql ceiling 2048MB (fix: lower resources.mysql.memory, or raise ceilings.mysql.memory in the policy config)"},
		validate(t, p.settings, rules.PolicyLimitsUnderCeiling, big, nil))
	assert.Empty(t, validate(t, p.settings, rules.PolicyLimitsUnderCeiling, big,
		map[string]any{"ceilings": map[string]any{"mysql": map[string]any{"memory": "4GB"}}}))
	_, err := p.settings.Ceilings(map[string]any{"ceilings": map[string]any{"mysql": map[string]any{"memory": "lots"}}})
	assert.EqualError(t, err, `ceilings.mysql.memory: "lots" is not a memory size`)
}

func TestBadSettingsAreAllReported(t *testing.T) {
	_, err := rules.LoadSettings("prod",
		stackValues(map[string]string{"retainDataOnDestroy": "maybe", "hosts": `{"service":{"docker":"ssh://a@b","cpus":"x","memory":"16GB"}}`}),
		env(map[string]string{rules.EnvCeilings: `{"mysql":{"cpus":"2"}}`, rules.EnvHostCapacity: `[1]`}))
	require.Error(t, err)
	for _, want := range []string{
		`stack config retainDataOnDestroy: "maybe" is not a boolean`,
		`stack config hosts.service: "x" is not a CPU amount`,
		`JIUCOM_POLICY_CEILINGS.mysql.cpus: unknown field (use cpu or memory)`,
		`JIUCOM_POLICY_HOST_CAPACITY: json: cannot unmarshal array`,
	} {
		assert.Contains(t, err.Error(), want)
	}
}

// The engine hands the pack a context of the previewed stack: settings are
// read from the project's namespaced keys.
func TestPackForReadsTheEngineContext(t *testing.T) {
	var s rules.Settings
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		var err error
		if s, err = rules.FromContext(ctx, env(nil)); err != nil {
			return err
		}
		_, err = rules.PackFor(ctx)
		return err
	}, pulumi.WithMocks(harness.Project, "prod", noMocks{}), func(info *pulumi.RunInfo) {
		info.Config = map[string]string{
			harness.Project + ":retainDataOnDestroy": "false",
			harness.Project + ":hosts":               `{"service":{"docker":"ssh://jiu@192.168.0.30","cpus":8,"memory":"16GB"}}`,
		}
	})
	require.NoError(t, err)
	assert.Equal(t, "prod", s.Stack)
	assert.False(t, s.RetainData)
	assert.Equal(t, map[string]rules.Amount{"ssh://jiu@192.168.0.30": {CPUMilli: 8000, MemoryMiB: 16384}}, s.Capacity)
}

type noMocks struct{}

func (noMocks) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	return args.Name, args.Inputs, nil
}

func (noMocks) Call(pulumi.MockCallArgs) (resource.PropertyMap, error) {
	return resource.PropertyMap{}, nil
}

// backup.enabled defaults to true as in the program; the other backup keys
// do not matter to the pack, a value that is not an object does.
func TestBackupEnabledComesFromTheStack(t *testing.T) {
	for _, c := range []struct {
		values map[string]string
		want   bool
	}{
		{nil, true},
		{map[string]string{"backup": `{"schedule": "0 2 * * *"}`}, true},
		{map[string]string{"backup": `{"enabled": false}`}, false},
	} {
		s, err := rules.LoadSettings("prod", stackValues(c.values), env(nil))
		require.NoError(t, err)
		assert.Equal(t, c.want, s.BackupEnabled, c.values)
	}
	_, err := rules.LoadSettings("prod", stackValues(map[string]string{"backup": `"yes"`}), env(nil))
	assert.ErrorContains(t, err, "policy settings: stack config backup: json: cannot unmarshal string")
}

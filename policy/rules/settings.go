package rules

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/jiucom/jiucom-infra/components/config"
	"github.com/jiucom/jiucom-infra/components/services"
)

// Environment variables that override the pack's limits. Each holds JSON in
// the shape of the matching setting and wins over the defaults and over the
// policy configuration, field by field.
const (
	// EnvCeilings: {"<service>": {"cpu": "2", "memory": "2GB"}}.
	EnvCeilings = "JIUCOM_POLICY_CEILINGS"
	// EnvHostCapacity: {"<docker endpoint>": {"cpus": 8, "memory": "16GB"}}.
	EnvHostCapacity = "JIUCOM_POLICY_HOST_CAPACITY"
)

// Amount is a CPU and memory quantity: a ceiling or a host's capacity.
type Amount struct {
	CPUMilli  int
	MemoryMiB int
}

// overrides is the JSON shape of EnvCeilings, EnvHostCapacity and the
// `ceilings` policy config: name → field → quantity.
type overrides map[string]map[string]config.Quantity

// Settings is what the rules know beyond a resource's own properties.
type Settings struct {
	Stack string
	// RetainData is the stack's retainDataOnDestroy: the program derives
	// every data volume's retainOnDelete from it.
	RetainData bool
	// BackupEnabled is the stack's backup.enabled: the program runs the
	// backup containers only then.
	BackupEnabled bool
	// DefaultCeilings are per-service limit ceilings before overrides: the
	// seed table.
	DefaultCeilings map[string]Amount
	// EnvCeilings come from EnvCeilings and are applied last.
	EnvCeilings overrides
	// Capacity is each docker host's capacity by its endpoint (the docker
	// provider's `host`): the stack's hosts.*.cpus/memory, then EnvHostCapacity.
	Capacity map[string]Amount
}

// StackConfig reads one of the program's config keys (without the project
// namespace) from the stack being previewed.
type StackConfig func(key string) (string, bool)

// FromContext loads the settings from the stack the engine is previewing and
// the process environment.
func FromContext(ctx *pulumi.Context, getenv func(string) string) (Settings, error) {
	return LoadSettings(ctx.Stack(), func(key string) (string, bool) {
		return ctx.GetConfig(ctx.Project() + ":" + key)
	}, getenv)
}

// LoadSettings builds the settings; every bad value is reported at once.
func LoadSettings(stack string, stackConfig StackConfig, getenv func(string) string) (Settings, error) {
	s := Settings{Stack: stack, RetainData: true, BackupEnabled: config.BackupEnabledByDefault, DefaultCeilings: map[string]Amount{}, Capacity: map[string]Amount{}}
	for name, d := range services.Catalog() {
		s.DefaultCeilings[name] = Amount{CPUMilli: d.Res.CPULimitMilli, MemoryMiB: d.Res.MemoryLimitMiB}
	}
	var errs []error
	if text, ok := stackConfig(config.KeyRetainData); ok && text != "" {
		b, err := strconv.ParseBool(text)
		if err != nil {
			errs = append(errs, fmt.Errorf("stack config %s: %q is not a boolean", config.KeyRetainData, text))
		} else {
			s.RetainData = b
		}
	}
	errs = append(errs, s.loadHostCapacity(stackConfig), s.loadBackup(stackConfig))
	if text := getenv(EnvCeilings); text != "" {
		raw, err := decodeOverrides(EnvCeilings, []byte(text))
		// Ceilings are merged per preview (after the policy config); parse
		// them once now so a bad value stops the pack from loading.
		errs = append(errs, err, merge(map[string]Amount{}, raw, EnvCeilings, "cpu"))
		s.EnvCeilings = raw
	}
	if text := getenv(EnvHostCapacity); text != "" {
		raw, err := decodeOverrides(EnvHostCapacity, []byte(text))
		errs = append(errs, err, merge(s.Capacity, raw, EnvHostCapacity, "cpus"))
	}
	if err := errors.Join(errs...); err != nil {
		return s, fmt.Errorf("policy settings: %w", err)
	}
	return s, nil
}

// loadBackup reads backup.enabled; the program's other backup keys do not
// change what the pack checks.
func (s *Settings) loadBackup(stackConfig StackConfig) error {
	text, ok := stackConfig(config.KeyBackup)
	if !ok || text == "" {
		return nil
	}
	var backup struct {
		Enabled *bool `json:"enabled"`
	}
	if err := json.Unmarshal([]byte(text), &backup); err != nil {
		return fmt.Errorf("stack config %s: %w", config.KeyBackup, err)
	}
	if backup.Enabled != nil {
		s.BackupEnabled = *backup.Enabled
	}
	return nil
}

// loadHostCapacity reads hosts.<role>.{docker,cpus,memory}. Roles sharing an
// engine (dev) share its capacity: the smallest they declare.
func (s *Settings) loadHostCapacity(stackConfig StackConfig) error {
	text, ok := stackConfig(config.KeyHosts)
	if !ok || text == "" {
		return nil
	}
	var hosts map[string]struct {
		Docker string          `json:"docker"`
		CPUs   config.Quantity `json:"cpus"`
		Memory config.Quantity `json:"memory"`
	}
	if err := json.Unmarshal([]byte(text), &hosts); err != nil {
		return fmt.Errorf("stack config %s: %w", config.KeyHosts, err)
	}
	var errs []error
	for _, role := range slices.Sorted(maps.Keys(hosts)) {
		h := hosts[role]
		cpu, errCPU := config.ParseMilliCPU(string(h.CPUs))
		mem, errMem := config.ParseMemoryMiB(string(h.Memory))
		if err := errors.Join(errCPU, errMem); err != nil {
			errs = append(errs, fmt.Errorf("stack config %s.%s: %w", config.KeyHosts, role, err))
			continue
		}
		if prev, seen := s.Capacity[h.Docker]; seen {
			cpu, mem = min(cpu, prev.CPUMilli), min(mem, prev.MemoryMiB)
		}
		s.Capacity[h.Docker] = Amount{CPUMilli: cpu, MemoryMiB: mem}
	}
	return errors.Join(errs...)
}

// Ceilings are the per-service ceilings under a rule's policy configuration:
// defaults, then the config's `ceilings`, then EnvCeilings.
func (s Settings) Ceilings(policyConfig map[string]any) (map[string]Amount, error) {
	out := maps.Clone(s.DefaultCeilings)
	if v, ok := policyConfig["ceilings"]; ok {
		data, err := json.Marshal(v)
		if err != nil {
			return nil, fmt.Errorf("policy config ceilings: %w", err)
		}
		raw, err := decodeOverrides("policy config ceilings", data)
		if err != nil {
			return nil, err
		}
		if err := merge(out, raw, "ceilings", "cpu"); err != nil {
			return nil, err
		}
	}
	return out, merge(out, s.EnvCeilings, EnvCeilings, "cpu")
}

func decodeOverrides(source string, data []byte) (overrides, error) {
	var raw overrides
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("%s: %w", source, err)
	}
	return raw, nil
}

// merge applies overrides field by field; cpuKey is "cpu" for a ceiling
// (like resources.<service>.cpu) and "cpus" for a host (like hosts.<role>.cpus).
func merge(into map[string]Amount, raw overrides, source, cpuKey string) error {
	var errs []error
	for _, name := range slices.Sorted(maps.Keys(raw)) {
		a := into[name]
		for _, key := range slices.Sorted(maps.Keys(raw[name])) {
			q := string(raw[name][key])
			var err error
			switch key {
			case cpuKey:
				a.CPUMilli, err = config.ParseMilliCPU(q)
			case "memory":
				a.MemoryMiB, err = config.ParseMemoryMiB(q)
			default:
				err = fmt.Errorf("unknown field (use %s or memory)", cpuKey)
			}
			if err != nil {
				errs = append(errs, fmt.Errorf("%s.%s.%s: %w", source, name, key, err))
			}
		}
		into[name] = a
	}
	return errors.Join(errs...)
}

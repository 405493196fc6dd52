package rules

import (
	"fmt"
	"math"

	"github.com/pulumi/pulumi/sdk/v3/go/property"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/policyx"

	"github.com/jiucom/jiucom-infra/components/config"
)

// Docker resource types the rules read.
const (
	ContainerType   = "docker:index/container:Container"
	RemoteImageType = "docker:index/remoteImage:RemoteImage"
	VolumeType      = "docker:index/volume:Volume"
)

// ServiceLabel names the platform service a container belongs to.
const ServiceLabel = "com.jiucom.service"

// Limit rule names.
const (
	PolicyLimitsSet           = "container-limits-set"
	PolicyReservationsInLimit = "container-reservations-within-limits"
	PolicyLimitsUnderCeiling  = "container-limits-within-ceiling"
	PolicyHostCapacity        = "host-reservations-within-capacity"
)

// containerLimits is what a container asks of its host. A value the engine
// does not know yet (preview of a computed input) reads as unknown.
type containerLimits struct {
	memory, swap, memoryReservation, cpuShares property.Value
	cpus                                       string
}

func limitsOf(r Resource) containerLimits {
	p := r.Properties
	return containerLimits{
		memory: p.Get("memory"), swap: p.Get("memorySwap"), memoryReservation: p.Get("memoryReservation"),
		cpuShares: p.Get("cpuShares"), cpus: text(p.Get("cpus")),
	}
}

// containerName is the docker name, or the resource name if it has none.
func containerName(r Resource) string {
	if n := text(r.Properties.Get("name")); n != "" {
		return n
	}
	return r.Name
}

// cpuMilli parses Docker's `cpus` ("0.5"); 0 when unset or not a number.
func cpuMilli(cpus string) int {
	m, err := config.ParseMilliCPU(cpus)
	if err != nil {
		return 0
	}
	return m
}

func limitRules(s Settings) []Rule {
	return []Rule{
		{
			Name: PolicyLimitsSet, Level: policyx.EnforcementLevelMandatory, Types: []string{ContainerType},
			Checks: "every container sets `memory`, `memorySwap` equal to it (no swap) and `cpus`",
			Anchor: "CIS Docker 5.10, 5.11", Check: plain(checkLimitsSet),
		},
		{
			Name: PolicyReservationsInLimit, Level: policyx.EnforcementLevelMandatory, Types: []string{ContainerType},
			Checks: "`memoryReservation` ≤ `memory` and `cpuShares` ≤ 1024 × `cpus`",
			Anchor: "CIS Docker 5.10, 5.11", Check: plain(checkReservations),
		},
		{
			Name: PolicyLimitsUnderCeiling, Level: policyx.EnforcementLevelMandatory, Types: []string{ContainerType},
			Checks: "`memory` and `cpus` are at most the service's ceiling (the seed table, overridable)",
			Anchor: "CIS Docker 5.10, 5.11",
			Schema: ceilingSchema,
			Check: func(r Resource, cfg map[string]any) ([]string, error) {
				ceilings, err := s.Ceilings(cfg)
				if err != nil {
					return nil, err
				}
				return checkCeiling(r, ceilings), nil
			},
		},
		{
			Name: PolicyHostCapacity, Level: policyx.EnforcementLevelMandatory,
			Checks: "per docker host (grouped by provider), the sums of `memoryReservation` and `cpuShares` fit its capacity",
			Anchor: "CIS Docker 5.10, 5.11",
			CheckStack: func(rs []Resource) []Violation {
				return checkCapacity(rs, s.Capacity)
			},
		},
	}
}

var ceilingSchema = &policyx.ConfigSchema{Properties: map[string]map[string]any{
	"ceilings": {
		"type":        "object",
		"description": "service → {cpu, memory} ceilings over the seed table, e.g. {\"mysql\": {\"cpu\": \"4\", \"memory\": \"4GB\"}}",
		"additionalProperties": map[string]any{
			"type": "object",
			"properties": map[string]any{
				"cpu":    map[string]any{"type": []any{"string", "number"}},
				"memory": map[string]any{"type": []any{"string", "number"}},
			},
			"additionalProperties": false,
		},
	},
}}

func checkLimitsSet(r Resource) []string {
	l := limitsOf(r)
	name := containerName(r)
	var out []string
	memory, memKnown := number(l.memory)
	switch {
	case l.memory.IsComputed():
	case !memKnown || memory <= 0:
		out = append(out, fmt.Sprintf("%s: no memory limit (fix: set resources.<service>.memory; container.Spec sets memory from it)", name))
	case l.swap.IsComputed():
	default:
		if swap, ok := number(l.swap); !ok || swap != memory {
			out = append(out, fmt.Sprintf("%s: memorySwap %s differs from memory %gMB, so the container can swap past its limit (fix: set memorySwap equal to memory)",
				name, describeMB(l.swap), memory))
		}
	}
	if !r.Properties.Get("cpus").IsComputed() && cpuMilli(l.cpus) == 0 {
		out = append(out, fmt.Sprintf("%s: no CPU limit (fix: set resources.<service>.cpu; container.Spec sets cpus from it)", name))
	}
	return out
}

func describeMB(v property.Value) string {
	if n, ok := number(v); ok {
		return fmt.Sprintf("%gMB", n)
	}
	return "unset"
}

func checkReservations(r Resource) []string {
	l := limitsOf(r)
	name := containerName(r)
	var out []string
	memory, okMem := number(l.memory)
	reservation, okRes := number(l.memoryReservation)
	if okMem && okRes && reservation > memory {
		out = append(out, fmt.Sprintf("%s: memoryReservation %gMB is above the memory limit %gMB (fix: lower resources.<service>.memoryReservation)",
			name, reservation, memory))
	}
	shares, okShares := number(l.cpuShares)
	if milli := cpuMilli(l.cpus); okShares && milli > 0 && shares > math.Floor(float64(milli*config.CPUSharesPerCore)/1000) {
		out = append(out, fmt.Sprintf("%s: cpuShares %g reserve %s cores, above the CPU limit %s (fix: lower resources.<service>.cpuReservation)",
			name, shares, config.FormatMilliCPU(int(shares*1000/config.CPUSharesPerCore)), l.cpus))
	}
	return out
}

func checkCeiling(r Resource, ceilings map[string]Amount) []string {
	name := containerName(r)
	service := label(r.Properties, ServiceLabel)
	if service == "" {
		return []string{fmt.Sprintf("%s: no %s label, so no ceiling applies (fix: register containers through the stack's d.run, which labels them)", name, ServiceLabel)}
	}
	ceiling, ok := ceilings[service]
	if !ok {
		return []string{fmt.Sprintf("%s: no ceiling is declared for service %q (fix: add ceilings.%s to the policy config or %s)", name, service, service, EnvCeilings)}
	}
	l := limitsOf(r)
	var out []string
	if memory, ok := number(l.memory); ok && memory > float64(ceiling.MemoryMiB) {
		out = append(out, fmt.Sprintf("%s: memory %gMB is above the %s ceiling %dMB (fix: lower resources.%s.memory, or raise ceilings.%s.memory in the policy config)",
			name, memory, service, ceiling.MemoryMiB, service, service))
	}
	if milli := cpuMilli(l.cpus); milli > ceiling.CPUMilli {
		out = append(out, fmt.Sprintf("%s: cpus %s is above the %s ceiling %s (fix: lower resources.%s.cpu, or raise ceilings.%s.cpu in the policy config)",
			name, l.cpus, service, config.FormatMilliCPU(ceiling.CPUMilli), service, service))
	}
	return out
}

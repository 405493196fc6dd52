package rules

import (
	"fmt"
	"slices"

	"github.com/jiucom/jiucom-infra/components/config"
)

// engineUsage is what the containers on one docker provider reserve.
type engineUsage struct {
	urn, name, endpoint string
	memoryMiB, shares   float64
	containers          int
}

// checkCapacity sums reservations per docker provider: Docker overcommits
// silently, and the first sign would be the OOM killer at night.
func checkCapacity(rs []Resource, capacity map[string]Amount) []Violation {
	usage := map[string]*engineUsage{}
	var order []string
	for _, r := range rs {
		if r.Type != ContainerType {
			continue
		}
		key := r.Provider.URN
		u, seen := usage[key]
		if !seen {
			u = &engineUsage{urn: r.Provider.URN, name: r.Provider.Name, endpoint: text(r.Provider.Properties.Get("host"))}
			usage[key] = u
			order = append(order, key)
		}
		l := limitsOf(r)
		mem, _ := number(l.memoryReservation)
		shares, _ := number(l.cpuShares)
		u.memoryMiB += mem
		u.shares += shares
		u.containers++
	}
	slices.Sort(order)
	var out []Violation
	for _, key := range order {
		u := usage[key]
		host := fmt.Sprintf("docker host %q (provider %s)", u.endpoint, u.name)
		c, ok := capacity[u.endpoint]
		if !ok {
			out = append(out, Violation{u.urn, fmt.Sprintf("%s: no declared capacity to check %d containers against (fix: set hosts.<role>.cpus and .memory for this endpoint, or %s)",
				host, u.containers, EnvHostCapacity)})
			continue
		}
		if u.memoryMiB > float64(c.MemoryMiB) {
			out = append(out, Violation{u.urn, fmt.Sprintf("%s: memory reservations of %d containers add up to %gMiB, above its %dMiB (fix: lower resources.<service>.memoryReservation, move services, or raise hosts.<role>.memory)",
				host, u.containers, u.memoryMiB, c.MemoryMiB)})
		}
		if u.shares > float64(c.CPUMilli*config.CPUSharesPerCore/1000) {
			out = append(out, Violation{u.urn, fmt.Sprintf("%s: CPU reservations of %d containers add up to %s cores (%g shares), above its %s cores (fix: lower resources.<service>.cpuReservation, move services, or raise hosts.<role>.cpus)",
				host, u.containers, config.FormatMilliCPU(int(u.shares*1000/config.CPUSharesPerCore)), u.shares, config.FormatMilliCPU(c.CPUMilli))})
		}
	}
	return out
}

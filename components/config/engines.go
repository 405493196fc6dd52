package config

import (
	"fmt"
	"slices"
	"strings"
)

// Engine is one docker engine and the roles it serves. In dev both roles
// share the local engine, so they share one provider, network and capacity.
type Engine struct {
	// Name is the roles joined by "-", e.g. "monitoring" or "monitoring-service".
	Name  string
	Roles []Role
	Host  Host // the first role's host entry: endpoint and SSH options
	// CPUMilli and MemoryMiB are the smallest capacity any of its roles declares.
	CPUMilli  int
	MemoryMiB int
}

// Engines groups the roles by docker endpoint, in role order.
func (s *Stack) Engines() []Engine {
	var engines []Engine
	index := map[string]int{}
	for _, role := range s.HostNames() {
		h, ok := s.Hosts[role]
		if !ok {
			continue
		}
		i, seen := index[h.Docker]
		if !seen {
			index[h.Docker] = len(engines)
			engines = append(engines, Engine{Name: string(role), Roles: []Role{role}, Host: h, CPUMilli: h.CPUMilli, MemoryMiB: h.MemoryMiB})
			continue
		}
		e := &engines[i]
		e.Roles = append(e.Roles, role)
		e.Name += "-" + string(role)
		e.CPUMilli = min(e.CPUMilli, h.CPUMilli)
		e.MemoryMiB = min(e.MemoryMiB, h.MemoryMiB)
	}
	return engines
}

// EngineOf returns the engine serving a role.
func (s *Stack) EngineOf(role Role) Engine {
	for _, e := range s.Engines() {
		for _, r := range e.Roles {
			if r == role {
				return e
			}
		}
	}
	return Engine{}
}

// Replicas is how many containers a service runs where it is placed.
func (s *Stack) Replicas(service string) int {
	if service == App {
		return s.App.Replicas
	}
	return 1
}

// checkCapacity sums the reservations placed on each engine: Docker would
// happily overcommit, and the first sign would be the OOM killer at night.
func checkCapacity(s *Stack, ps *Problems) {
	for _, e := range s.Engines() {
		var cpu, mem int
		var names []string
		// Resources holds every service, platform and extra.
		for name := range s.Resources {
			n := s.instancesOn(name, e)
			if n == 0 {
				continue
			}
			cpu += n * s.Resources[name].CPUReservationMilli
			mem += n * s.Resources[name].MemoryReservationMiB
			names = append(names, name)
		}
		key := fmt.Sprintf("%s.%s", KeyHosts, e.Roles[0])
		if cpu > e.CPUMilli {
			ps.add(key+".cpus", "lower reservations under resources.<service>.cpuReservation, move services, or raise the host's cpus",
				"reservations on %s add up to %s cores, above its %s", strings.Join(roleNames(e.Roles), "+"), FormatMilliCPU(cpu), FormatMilliCPU(e.CPUMilli))
		}
		if mem > e.MemoryMiB {
			ps.add(key+".memory", "lower reservations under resources.<service>.memoryReservation, move services, or raise the host's memory",
				"reservations on %s add up to %dMiB, above its %dMiB", strings.Join(roleNames(e.Roles), "+"), mem, e.MemoryMiB)
		}
	}
}

// instancesOn counts a service's containers on an engine.
func (s *Stack) instancesOn(service string, e Engine) int {
	if !s.Runs(service) {
		return 0
	}
	if service == ACMEClient {
		return s.acmeClientsOn(e)
	}
	if s.PerHost(service) {
		return 1
	}
	if service == EdgeProxy {
		if s.Edge.Mode == EdgeContainer && s.EngineOf(s.Edge.ContainerHost).Name == e.Name {
			return 1
		}
		return 0
	}
	for _, r := range e.Roles {
		if s.Placement[service] == r {
			return s.Replicas(service)
		}
	}
	return 0
}

func roleNames(roles []Role) []string {
	out := make([]string, len(roles))
	for i, r := range roles {
		out[i] = string(r)
	}
	return out
}

// acmeClientsOn counts the home nginx on an engine whose certificate an
// ACME client keeps: one client beside each.
func (s *Stack) acmeClientsOn(e Engine) int {
	n := 0
	for _, home := range s.homeNginx() {
		if home.tls.ACME && slices.Contains(e.Roles, s.Placement[home.service]) {
			n++
		}
	}
	return n
}

package config

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

type rawApp struct {
	Build    string `json:"build"`
	Replicas *int   `json:"replicas"`
}

// rawResources are overrides: an absent field keeps the default, a present
// one must be a value.
type rawResources struct {
	CPU               *Quantity `json:"cpu"`
	CPUReservation    *Quantity `json:"cpuReservation"`
	Memory            *Quantity `json:"memory"`
	MemoryReservation *Quantity `json:"memoryReservation"`
}

// maxReplicas keeps a typo (`replicas: 30`) from exhausting a home server.
const maxReplicas = 10

func unknownService(c Catalog, ps *Problems, key, name string) {
	ps.add(key, "use one of "+strings.Join(c.Names(), ", "), "unknown service %q", name)
}

// mergeOverrides starts every service at its default and applies the stack's
// overrides one service at a time, in name order; an unknown name is a
// problem. apply returns the merged value, or false to keep the current one.
func mergeOverrides[R, V any](c Catalog, key string, raw map[string]R, def func(ServiceDefaults) V, apply func(key, name string, current V, override R) (V, bool), ps *Problems) map[string]V {
	out := map[string]V{}
	for name, d := range c {
		out[name] = def(d)
	}
	for _, name := range slices.Sorted(maps.Keys(raw)) {
		k := key + "." + name
		if !c.Known(name) {
			unknownService(c, ps, k, name)
			continue
		}
		if v, ok := apply(k, name, out[name], raw[name]); ok {
			out[name] = v
		}
	}
	return out
}

func parsePlacement(c Catalog, raw map[string]string, hosts map[Role]Host, ps *Problems) map[string]Role {
	placement := mergeOverrides(c, KeyPlacement, raw, func(d ServiceDefaults) Role { return d.Host },
		func(key, name string, _ Role, override string) (Role, bool) {
			switch _, known := hosts[Role(override)]; {
			case c[name].Host == "":
				ps.add(key, "remove it: this service runs on every host, beside each home nginx (acme) or on the edge", "%q cannot be placed", name)
			case !known:
				ps.add(key, "use one of the hosts: "+hostList(hosts), "unknown host %q", override)
			default:
				return Role(override), true
			}
			return "", false
		}, ps)
	checkDefaultHosts(c, placement, raw, hosts, ps)
	for _, exporter := range c.Names() {
		db := c[exporter].Beside
		if db == "" {
			continue
		}
		if placement[exporter] != placement[db] {
			ps.add(KeyPlacement+"."+exporter, fmt.Sprintf("place it with %s: pulumi config set --path %s.%s %s", db, KeyPlacement, exporter, placement[db]),
				"runs on %s but %s runs on %s; an exporter must sit beside its database", placement[exporter], db, placement[db])
		}
	}
	return placement
}

// checkDefaultHosts reports, once per missing host, the services that stay
// on a default host the stack does not define.
func checkDefaultHosts(c Catalog, placement map[string]Role, raw map[string]string, hosts map[Role]Host, ps *Problems) {
	if len(hosts) == 0 {
		return // reported at hosts already
	}
	stranded := map[Role][]string{}
	for _, name := range c.Names() {
		if _, placed := raw[name]; placed || c[name].Host == "" {
			continue
		}
		if _, ok := hosts[placement[name]]; !ok {
			stranded[placement[name]] = append(stranded[placement[name]], name)
		}
	}
	for _, host := range slices.Sorted(maps.Keys(stranded)) {
		services := strings.Join(stranded[host], ", ")
		ps.add(KeyHosts+"."+string(host), fmt.Sprintf("define hosts.%s (docker, lan, cpus, memory), or place %s on one of %s with placement.<service>", host, services, hostList(hosts)),
			"missing host: %s run(s) there by default", services)
	}
}

func parseImages(c Catalog, raw map[string]string, ps *Problems) map[string]string {
	return mergeOverrides(c, KeyImages, raw, func(d ServiceDefaults) string { return d.Image },
		func(key, name, _ string, override string) (string, bool) {
			if err := CheckPinnedImage(override); err != nil {
				ps.add(key, "pin a version tag such as "+pinExample(c, name), "%v", err)
				return "", false
			}
			return override, true
		}, ps)
}

func pinExample(c Catalog, service string) string {
	if d := c[service].Image; d != "" {
		return d
	}
	return "registry.example.com/jiucom/api:1.4.2"
}

// CheckPinnedImage rejects references that float: no tag, or `latest`.
// A digest (`@sha256:…`) is the strongest pin and always accepted.
func CheckPinnedImage(ref string) error {
	if ref == "" {
		return fmt.Errorf("no image given")
	}
	if strings.Contains(ref, "@sha256:") {
		return nil
	}
	lastSlash := strings.LastIndex(ref, "/")
	colon := strings.LastIndex(ref, ":")
	if colon <= lastSlash {
		return fmt.Errorf("image %q has no tag and would float to latest", ref)
	}
	if tag := ref[colon+1:]; tag == "latest" || tag == "" {
		return fmt.Errorf("image %q uses a floating tag", ref)
	}
	return nil
}

func parseApp(c Catalog, raw rawApp, images map[string]string, ps *Problems) AppSettings {
	app := AppSettings{Build: raw.Build, Replicas: 1}
	if raw.Replicas != nil {
		app.Replicas = *raw.Replicas
		if app.Replicas < 1 || app.Replicas > maxReplicas {
			ps.add(KeyApp+".replicas", fmt.Sprintf("use 1 to %d", maxReplicas), "%d replicas", app.Replicas)
		}
	}
	if images[App] == "" {
		ps.add(KeyImages+"."+App, "set a pinned image, e.g. pulumi config set --path images.app "+pinExample(c, App)+" (with app.build to build it locally)",
			"the app has no image")
	}
	return app
}

func parseResources(c Catalog, raw map[string]rawResources, ps *Problems) map[string]Resources {
	return mergeOverrides(c, KeyResources, raw, func(d ServiceDefaults) Resources { return d.Res },
		func(key, _ string, current Resources, override rawResources) (Resources, bool) {
			return overrideResources(key, current, override, ps), true
		}, ps)
}

func overrideResources(key string, r Resources, raw rawResources, ps *Problems) Resources {
	cpu := func(field string, q *Quantity, into *int) {
		if q == nil {
			return
		}
		v, err := ParseMilliCPU(string(*q))
		if err != nil {
			ps.add(key+"."+field, `use cores as a number, e.g. "0.5" or "2"`, "%v", err)
			return
		}
		*into = v
	}
	mem := func(field string, q *Quantity, into *int) {
		if q == nil {
			return
		}
		v, err := ParseMemoryMiB(string(*q))
		if err != nil {
			ps.add(key+"."+field, `use a size such as "512MB" or "2GB"`, "%v", err)
			return
		}
		*into = v
	}
	cpu("cpu", raw.CPU, &r.CPULimitMilli)
	cpu("cpuReservation", raw.CPUReservation, &r.CPUReservationMilli)
	mem("memory", raw.Memory, &r.MemoryLimitMiB)
	mem("memoryReservation", raw.MemoryReservation, &r.MemoryReservationMiB)
	if r.CPUReservationMilli > r.CPULimitMilli {
		ps.add(key+".cpuReservation", "lower the reservation or raise resources."+strings.TrimPrefix(key, KeyResources+".")+".cpu",
			"reservation %s cores is above the limit %s", FormatMilliCPU(r.CPUReservationMilli), FormatMilliCPU(r.CPULimitMilli))
	}
	if r.MemoryReservationMiB > r.MemoryLimitMiB {
		ps.add(key+".memoryReservation", "lower the reservation or raise resources."+strings.TrimPrefix(key, KeyResources+".")+".memory",
			"reservation %dMiB is above the limit %dMiB", r.MemoryReservationMiB, r.MemoryLimitMiB)
	}
	return r
}

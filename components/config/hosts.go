package config

import (
	"fmt"
	"maps"
	"net/netip"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/jiucom/jiucom-infra/components/validate"
)

type rawHost struct {
	Docker          string   `json:"docker"`
	SSHOpts         []string `json:"sshOpts"`
	LAN             string   `json:"lan"`
	CPUs            Quantity `json:"cpus"`
	Memory          Quantity `json:"memory"`
	RouterHTTPSPort *int     `json:"routerHttpsPort"`
	RouterHTTPPort  *int     `json:"routerHttpPort"`
	StartInterval   *string  `json:"startInterval"`
}

// DefaultStartInterval is how often a healthcheck runs while its container
// starts (Docker Engine 25+, API 1.44): a ready service counts as healthy
// within about a second instead of a whole interval.
const DefaultStartInterval = time.Second

// maxStartInterval keeps it below the steady-state interval (10 s), which
// is what an engine without start intervals waits anyway.
const maxStartInterval = 10 * time.Second

// hostName is what a host may be called: it names docker resources and
// per-host containers (node-exporter-<host>), so it is a lower-case label.
var hostName = regexp.MustCompile(`^[a-z]([a-z0-9-]{0,30}[a-z0-9])?$`)

// parseHosts reads any number of named hosts. Services land on a host by
// placement; the defaults put the monitoring set on "monitoring" and the
// rest on "service", so a stack that names other hosts places them.
func parseHosts(raw map[string]rawHost, ps *Problems) map[Role]Host {
	hosts := map[Role]Host{}
	if len(raw) == 0 {
		ps.add(KeyHosts, fmt.Sprintf("pulumi config set --path %s.service.docker unix:///var/run/docker.sock (and .lan, .cpus, .memory)", KeyHosts), "no host is defined")
	}
	for _, name := range slices.Sorted(maps.Keys(raw)) {
		key := KeyHosts + "." + name
		if !hostName.MatchString(name) {
			ps.add(key, "name hosts with lower-case letters, digits and hyphens, e.g. monitoring, service or tools", "%q is not a host name", name)
			continue
		}
		hosts[Role(name)] = parseHost(Role(name), key, raw[name], ps)
	}
	return hosts
}

func parseHost(role Role, key string, r rawHost, ps *Problems) Host {
	h := Host{Role: role, Docker: r.Docker, SSHOpts: r.SSHOpts, LAN: r.LAN}
	if err := validate.DockerEndpoint(r.Docker); err != nil {
		ps.add(key+".docker", "use unix:///var/run/docker.sock or ssh://user@host[:port]", "%v", err)
	}
	for i, opt := range r.SSHOpts {
		if strings.TrimSpace(opt) == "" {
			ps.add(fmt.Sprintf("%s.sshOpts[%d]", key, i), `remove it, or give an ssh option such as "-o" then "ServerAliveInterval=30"`, "is empty")
		}
	}
	if ip, err := netip.ParseAddr(r.LAN); err != nil || ip.IsUnspecified() {
		ps.add(key+".lan", "use the host's LAN IP address, e.g. 192.168.0.10 (127.0.0.1 in dev)", "%q is not a specific IP address", r.LAN)
	}
	var err error
	if h.CPUMilli, err = ParseMilliCPU(string(r.CPUs)); err != nil {
		ps.add(key+".cpus", "use the host's core count, e.g. 8", "%v", err)
	}
	if h.MemoryMiB, err = ParseMemoryMiB(string(r.Memory)); err != nil {
		ps.add(key+".memory", "use a size such as 16GB or 2048MB", "%v", err)
	}
	h.StartInterval = parseStartInterval(key+".startInterval", r.StartInterval, ps)
	// The router ports are optional (needed only behind a VM or VPS edge),
	// but one that is written must be a port: 0 is not "unset".
	for _, f := range []struct {
		name string
		p    *int
		into *int
	}{{"routerHttpsPort", r.RouterHTTPSPort, &h.RouterHTTPSPort}, {"routerHttpPort", r.RouterHTTPPort, &h.RouterHTTPPort}} {
		if f.p != nil {
			checkPort(key+"."+f.name, *f.p, false, ps)
			*f.into = *f.p
		}
	}
	return h
}

// parseStartInterval reads a host's healthcheck start interval: "0s" turns
// it off for an engine older than API 1.44, which would drop the setting and
// show it as a diff on every preview.
func parseStartInterval(key string, raw *string, ps *Problems) time.Duration {
	if raw == nil {
		return DefaultStartInterval
	}
	const fix = `use a duration from "0s" (off, for Docker engines before API 1.44) to "10s", e.g. "1s"`
	d, err := time.ParseDuration(*raw)
	switch {
	case err != nil:
		ps.add(key, fix, "%q is not a duration", *raw)
	case d < 0 || d > maxStartInterval:
		ps.add(key, fix, "%s is outside 0s..10s", d)
	case d > 0 && d < time.Millisecond:
		ps.add(key, fix, "%s is below Docker's 1ms minimum", d)
	}
	return d
}

func checkPort(key string, port int, optional bool, ps *Problems) {
	if optional && port == 0 {
		return
	}
	if err := validate.Port(port); err != nil {
		// Anything else said about this key would follow from it.
		ps.addRoot(key, "use a TCP port between 1 and 65535", "%v", err)
	}
}

// hostList names the defined hosts for a fix.
func hostList(hosts map[Role]Host) string {
	var names []string
	for _, h := range slices.Sorted(maps.Keys(hosts)) {
		names = append(names, string(h))
	}
	return strings.Join(names, ", ")
}

package config

import (
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"
)

type rawHost struct {
	Docker          string   `json:"docker"`
	SSHOpts         []string `json:"sshOpts"`
	LAN             string   `json:"lan"`
	CPUs            Quantity `json:"cpus"`
	Memory          Quantity `json:"memory"`
	RouterHTTPSPort int      `json:"routerHttpsPort"`
	RouterHTTPPort  int      `json:"routerHttpPort"`
	StartInterval   *string  `json:"startInterval"`
}

// DefaultStartInterval is how often a healthcheck runs while its container
// starts (Docker Engine 25+, API 1.44): a ready service counts as healthy
// within about a second instead of a whole interval.
const DefaultStartInterval = time.Second

// maxStartInterval keeps it below the steady-state interval (10 s), which
// is what an engine without start intervals waits anyway.
const maxStartInterval = 10 * time.Second

func parseHosts(raw map[string]rawHost, ps *Problems) map[Role]Host {
	hosts := map[Role]Host{}
	for name := range raw {
		if !knownRole(Role(name)) {
			ps.add(KeyHosts+"."+name, "hosts has exactly the roles monitoring and service", "unknown role %q", name)
		}
	}
	for _, role := range Roles {
		key := KeyHosts + "." + string(role)
		r, ok := raw[string(role)]
		if !ok {
			ps.add(key, fmt.Sprintf("pulumi config set --path %s.docker unix:///var/run/docker.sock (and .lan, .cpus, .memory)", key), "missing host")
			continue
		}
		hosts[role] = parseHost(role, key, r, ps)
	}
	return hosts
}

func parseHost(role Role, key string, r rawHost, ps *Problems) Host {
	h := Host{Role: role, Docker: r.Docker, SSHOpts: r.SSHOpts, LAN: r.LAN, RouterHTTPSPort: r.RouterHTTPSPort, RouterHTTPPort: r.RouterHTTPPort}
	checkDockerEndpoint(key+".docker", r.Docker, ps)
	if ip := net.ParseIP(r.LAN); ip == nil || ip.IsUnspecified() {
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
	checkPort(key+".routerHttpsPort", r.RouterHTTPSPort, true, ps)
	checkPort(key+".routerHttpPort", r.RouterHTTPPort, true, ps)
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

// checkDockerEndpoint accepts only the two transports the product supports:
// the local socket and an engine reached over SSH.
func checkDockerEndpoint(key, endpoint string, ps *Problems) {
	const fix = "use unix:///var/run/docker.sock or ssh://user@host[:port]"
	u, err := url.Parse(endpoint)
	switch {
	case err != nil || endpoint == "":
		ps.add(key, fix, "%q is not a docker endpoint", endpoint)
	case u.Scheme == "unix":
		if u.Path == "" {
			ps.add(key, fix, "%q names no socket path", endpoint)
		}
	case u.Scheme == "ssh":
		if u.User == nil || u.User.Username() == "" || u.Hostname() == "" || strings.Trim(u.Path, "/") != "" {
			ps.add(key, fix, "%q must name a user and a host and nothing else", endpoint)
		}
	default:
		ps.add(key, fix, "%q uses scheme %q; only unix:// and ssh:// are supported", endpoint, u.Scheme)
	}
}

func checkPort(key string, port int, optional bool, ps *Problems) {
	if optional && port == 0 {
		return
	}
	if port < 1 || port > 65535 {
		ps.add(key, "use a TCP port between 1 and 65535", "%d is not a TCP port", port)
	}
}

func knownRole(r Role) bool { return r == Monitoring || r == Service }

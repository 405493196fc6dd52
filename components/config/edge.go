package config

import (
	"fmt"
	"net"
	"regexp"
	"slices"
)

type rawEdge struct {
	Mode string `json:"mode"`
	GCP  struct {
		Project     string `json:"project"`
		Region      string `json:"region"`
		Zone        string `json:"zone"`
		MachineType string `json:"machineType"`
	} `json:"gcp"`
	SSH struct {
		Host string `json:"host"`
		User string `json:"user"`
		Port int    `json:"port"`
	} `json:"ssh"`
	AdminCIDRs    []string   `json:"adminCidrs"`
	AllowIAP      bool       `json:"allowIap"`
	HomeAddress   string     `json:"homeAddress"`
	ContainerHost string     `json:"containerHost"`
	Routes        []rawRoute `json:"routes"`
}

type rawRoute struct {
	Name string `json:"name"`
	Role string `json:"role"`
}

var edgeModes = []string{EdgeGCP, EdgeSSH, EdgeContainer, EdgeNone}

// Edge defaults, shared with the edge component's own defaults.
const (
	// DefaultMachineType is the free-tier GCP machine.
	DefaultMachineType = "e2-micro"
	// DefaultSSHPort is where the edge's sshd listens.
	DefaultSSHPort = 22
)

// dnsName is a conservative hostname check: SNI and server_name values.
var dnsName = regexp.MustCompile(`^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$`)

func parseEdge(r rawEdge, hosts map[Role]Host, ps *Problems) Edge {
	e := Edge{Mode: r.Mode, AdminCIDRs: r.AdminCIDRs, AllowIAP: r.AllowIAP, HomeAddress: r.HomeAddress, ContainerHost: Role(r.ContainerHost)}
	e.GCP = GCPEdge{Project: r.GCP.Project, Region: r.GCP.Region, Zone: r.GCP.Zone, MachineType: r.GCP.MachineType}
	e.SSH = SSHTarget{Host: r.SSH.Host, User: r.SSH.User, Port: r.SSH.Port}
	if e.Mode == "" {
		e.Mode = EdgeNone
	}
	if e.GCP.MachineType == "" {
		e.GCP.MachineType = DefaultMachineType
	}
	if e.SSH.Port == 0 {
		e.SSH.Port = DefaultSSHPort
	}
	if e.ContainerHost == "" {
		e.ContainerHost = Monitoring
	}
	if !slices.Contains(edgeModes, e.Mode) {
		ps.add("edge.mode", "use one of gcp, ssh, container, none", "unknown edge mode %q", e.Mode)
		return e
	}
	checkEdgeMode(e, ps)
	e.Routes = parseRoutes(r.Routes, e.Mode, hosts, ps)
	return e
}

func checkEdgeMode(e Edge, ps *Problems) {
	switch e.Mode {
	case EdgeGCP:
		for _, f := range []struct{ key, value string }{
			{"edge.gcp.project", e.GCP.Project}, {"edge.gcp.region", e.GCP.Region}, {"edge.gcp.zone", e.GCP.Zone},
		} {
			if f.value == "" {
				ps.add(f.key, fmt.Sprintf("pulumi config set --path %s <value>", f.key), "required when edge.mode is gcp")
			}
		}
		if e.SSH.User == "" {
			ps.add("edge.ssh.user", "set your OS Login POSIX user name, e.g. pulumi config set --path edge.ssh.user jiu_example_com",
				"required when edge.mode is gcp: the config is pushed over SSH")
		}
	case EdgeSSH:
		if e.SSH.Host == "" || e.SSH.User == "" {
			ps.add("edge.ssh", "set edge.ssh.host and edge.ssh.user of the VPS", "required when edge.mode is ssh")
		}
		checkPort("edge.ssh.port", e.SSH.Port, false, ps)
	case EdgeContainer:
		if !knownRole(e.ContainerHost) {
			ps.add("edge.containerHost", "use monitoring or service", "unknown role %q", e.ContainerHost)
		}
	}
	if e.Mode == EdgeGCP || e.Mode == EdgeSSH {
		if net.ParseIP(e.HomeAddress) == nil && !dnsName.MatchString(e.HomeAddress) {
			ps.add("edge.homeAddress", "use the home router's public IP or a DNS name that follows it", "%q is not an address", e.HomeAddress)
		}
		if len(e.AdminCIDRs) == 0 {
			ps.add("edge.adminCidrs", "list the networks allowed to SSH to the edge, e.g. [\"203.0.113.7/32\"]", "required when the edge is a VM")
		}
	}
	for i, cidr := range e.AdminCIDRs {
		key := fmt.Sprintf("edge.adminCidrs[%d]", i)
		_, n, err := net.ParseCIDR(cidr)
		switch {
		case err != nil:
			ps.add(key, "write an address block such as 203.0.113.7/32", "%q is not a CIDR", cidr)
		case n.IP.IsUnspecified():
			ps.add(key, "name your own address block; SSH must not be open to the whole internet", "%q opens SSH to everyone", cidr)
		}
	}
}

func parseRoutes(raw []rawRoute, mode string, hosts map[Role]Host, ps *Problems) []Route {
	var routes []Route
	seen := map[string]bool{}
	for i, r := range raw {
		key := fmt.Sprintf("edge.routes[%d]", i)
		if !dnsName.MatchString(r.Name) {
			ps.add(key+".name", "use a lower-case DNS name such as api.example.com", "%q is not a DNS name", r.Name)
		}
		if seen[r.Name] {
			ps.add(key+".name", "list each name once", "%q is routed twice", r.Name)
		}
		seen[r.Name] = true
		role := Role(r.Role)
		if !knownRole(role) {
			ps.add(key+".role", "use monitoring or service", "unknown role %q", r.Role)
		} else if mode == EdgeGCP || mode == EdgeSSH {
			if h := hosts[role]; h.RouterHTTPSPort == 0 || h.RouterHTTPPort == 0 {
				ps.add(fmt.Sprintf("hosts.%s.routerHttpsPort", role), "set routerHttpsPort and routerHttpPort: the home router ports forwarded to this host's nginx :443 and :80",
					"required because edge.routes[%d] sends %s to this host", i, r.Name)
			}
		}
		routes = append(routes, Route{Name: r.Name, Role: role})
	}
	return routes
}

package config

import (
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strings"

	"github.com/jiucom/jiucom-infra/components/validate"
)

// rawEdge is edge as the user writes it; a pointer is a key with a default,
// so an explicitly empty value can be told from an absent one.
type rawEdge struct {
	Mode *string `json:"mode"`
	GCP  struct {
		Project     string  `json:"project"`
		Region      string  `json:"region"`
		Zone        string  `json:"zone"`
		MachineType *string `json:"machineType"`
	} `json:"gcp"`
	SSH struct {
		Host string `json:"host"`
		User string `json:"user"`
		Port *int   `json:"port"`
	} `json:"ssh"`
	AdminCIDRs    []string   `json:"adminCidrs"`
	AllowIAP      bool       `json:"allowIap"`
	HomeAddress   string     `json:"homeAddress"`
	ContainerHost *string    `json:"containerHost"`
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

var (
	// gcpProject is a GCP project id: 6-30 lower-case letters, digits and
	// hyphens, starting with a letter and not ending with a hyphen.
	gcpProject = regexp.MustCompile(`^[a-z][a-z0-9-]{4,28}[a-z0-9]$`)
	// gcpRegion is e.g. asia-northeast3; a zone is its region, "-" and a letter.
	gcpRegion = regexp.MustCompile(`^[a-z]+-[a-z]+[0-9]{1,2}$`)
	gcpZone   = regexp.MustCompile(`^([a-z]+-[a-z]+[0-9]{1,2})-[a-z]$`)
	// gcpMachineType is a family and a shape: e2-micro, n2-standard-4,
	// e2-custom-2-4096, c3-standard-4-lssd.
	gcpMachineType = regexp.MustCompile(`^[a-z][a-z0-9]*(-[a-z0-9]+)+$`)
)

// withDefault reads a key that has a default: absent (or null) gives the
// default; present but empty ("" or 0) is a mistake, not a silent default.
func withDefault[T comparable](ps *Problems, key string, p *T, def T) T {
	var zero T
	switch {
	case p == nil:
		return def
	case *p == zero:
		ps.add(key, fmt.Sprintf("remove %s to get the default %v, or give a value", key, def), "is set but empty (%#v)", zero)
		return def
	}
	return *p
}

func parseEdge(r rawEdge, hosts map[Role]Host, placement map[string]Role, ps *Problems) Edge {
	e := Edge{AdminCIDRs: r.AdminCIDRs, AllowIAP: r.AllowIAP, HomeAddress: r.HomeAddress}
	e.Mode = withDefault(ps, "edge.mode", r.Mode, EdgeNone)
	e.ContainerHost = Role(withDefault(ps, "edge.containerHost", r.ContainerHost, string(Monitoring)))
	e.GCP = GCPEdge{Project: r.GCP.Project, Region: r.GCP.Region, Zone: r.GCP.Zone,
		MachineType: withDefault(ps, "edge.gcp.machineType", r.GCP.MachineType, DefaultMachineType)}
	e.SSH = SSHTarget{Host: r.SSH.Host, User: r.SSH.User, Port: withDefault(ps, "edge.ssh.port", r.SSH.Port, DefaultSSHPort)}
	if !slices.Contains(edgeModes, e.Mode) {
		ps.add("edge.mode", "use one of "+strings.Join(edgeModes, ", "), "unknown edge mode %q", e.Mode)
		return e
	}
	checkEdgeMode(e, hosts, ps)
	if e.Mode != EdgeNone && len(r.Routes) == 0 {
		ps.add("edge.routes", `list the public names, e.g. [{name: api.example.com, role: service}], or set edge.mode to none`, "required when edge.mode is %s", e.Mode)
	}
	e.Routes = parseRoutes(r.Routes, e.Mode, hosts, placement, ps)
	return e
}

func checkEdgeMode(e Edge, hosts map[Role]Host, ps *Problems) {
	switch e.Mode {
	case EdgeGCP:
		checkGCP(e.GCP, ps)
		checkPort("edge.ssh.port", e.SSH.Port, false, ps)
		if e.SSH.User == "" {
			ps.add("edge.ssh.user", "set your OS Login POSIX user name, e.g. pulumi config set --path edge.ssh.user jiu_example_com",
				"required when edge.mode is gcp: the config is pushed over SSH")
		}
	case EdgeSSH:
		if e.SSH.Host == "" {
			ps.add("edge.ssh.host", "set the VPS's address: pulumi config set --path edge.ssh.host <ip-or-name>", "required when edge.mode is ssh")
		} else if _, err := netip.ParseAddr(e.SSH.Host); err != nil {
			// Home nginx trusts PROXY headers from the edge's address only,
			// so it must be known before anything is deployed.
			ps.add("edge.ssh.host", "use the VPS's public IP address, e.g. 203.0.113.10: home nginx trusts PROXY headers from it only", "%q is not an IP address", e.SSH.Host)
		}
		if e.SSH.User == "" {
			ps.add("edge.ssh.user", "set the VPS's sudo-capable SSH user: pulumi config set --path edge.ssh.user <user>", "required when edge.mode is ssh")
		}
		checkPort("edge.ssh.port", e.SSH.Port, false, ps)
	case EdgeContainer:
		if _, ok := hosts[e.ContainerHost]; !ok {
			ps.add("edge.containerHost", "use one of the hosts: "+hostList(hosts), "unknown host %q", e.ContainerHost)
		}
	}
	if e.Mode == EdgeGCP || e.Mode == EdgeSSH {
		if validate.Address(e.HomeAddress) != nil {
			ps.add("edge.homeAddress", "use the home router's public IP or a DNS name that follows it", "%q is not an address", e.HomeAddress)
		}
		if len(e.AdminCIDRs) == 0 {
			ps.add("edge.adminCidrs", "list the networks allowed to SSH to the edge, e.g. [\"203.0.113.7/32\"]", "required when the edge is a VM")
		}
	}
	for i, cidr := range e.AdminCIDRs {
		key := fmt.Sprintf("edge.adminCidrs[%d]", i)
		p, err := validate.CIDR(cidr)
		switch {
		case err != nil:
			ps.add(key, "write an address block such as 203.0.113.7/32", "%v", err)
		case validate.WholeInternet(p):
			ps.add(key, "name your own address block; SSH must not be open to the whole internet", "%q opens SSH to everyone", cidr)
		}
	}
}

func parseRoutes(raw []rawRoute, mode string, hosts map[Role]Host, placement map[string]Role, ps *Problems) []Route {
	var routes []Route
	seen := map[string]bool{}
	for i, r := range raw {
		key := fmt.Sprintf("edge.routes[%d]", i)
		if err := validate.DNSName(r.Name); err != nil {
			ps.add(key+".name", "use a lower-case DNS name such as api.example.com", "%v", err)
		}
		if seen[r.Name] {
			ps.add(key+".name", "list each name once", "%q is routed twice", r.Name)
		}
		seen[r.Name] = true
		role := Role(r.Role)
		if _, ok := hosts[role]; !ok {
			ps.add(key+".role", "use one of the hosts: "+hostList(hosts), "unknown host %q", r.Role)
		} else if placement[Gateway] != role && placement[NginxMon] != role && placement[Gateway] != placement[NginxMon] {
			// Only a home nginx terminates TLS behind the edge. (Both nginx
			// on one host collide on :443, which checkPublishedPorts says.)
			ps.add(key+".role", fmt.Sprintf("route it to %s (the gateway) or %s (nginx_mon); the gateway reaches services on other hosts", placement[Gateway], placement[NginxMon]),
				"host %q runs no nginx to terminate %s", r.Role, r.Name)
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

// checkGCP checks every GCP field in the shape GCP accepts, so a typo is
// reported here rather than by the API halfway through an update.
func checkGCP(g GCPEdge, ps *Problems) {
	for _, f := range []struct{ key, value string }{
		{"edge.gcp.project", g.Project}, {"edge.gcp.region", g.Region}, {"edge.gcp.zone", g.Zone},
	} {
		if f.value == "" {
			ps.add(f.key, fmt.Sprintf("pulumi config set --path %s <value>", f.key), "required when edge.mode is gcp")
		}
	}
	if g.Project != "" && !gcpProject.MatchString(g.Project) {
		ps.add("edge.gcp.project", "use the project ID (not its name or number): 6-30 lower-case letters, digits and hyphens, starting with a letter and not ending with a hyphen, e.g. jiucom-prod",
			"%q is not a GCP project ID", g.Project)
	}
	regionOK := gcpRegion.MatchString(g.Region)
	if g.Region != "" && !regionOK {
		ps.add("edge.gcp.region", "use a region such as asia-northeast3 or us-central1 (gcloud compute regions list)", "%q is not a GCP region", g.Region)
	}
	if g.Zone != "" {
		m := gcpZone.FindStringSubmatch(g.Zone)
		switch {
		case m == nil:
			ps.add("edge.gcp.zone", "use a zone: its region, a hyphen and a letter, e.g. asia-northeast3-a (gcloud compute zones list)", "%q is not a GCP zone", g.Zone)
		case regionOK && m[1] != g.Region:
			ps.add("edge.gcp.zone", fmt.Sprintf("pick a zone of %[1]s, e.g. %[1]s-a, or set edge.gcp.region to %[2]s", g.Region, m[1]),
				"%q is not in region %q", g.Zone, g.Region)
		}
	}
	if !gcpMachineType.MatchString(g.MachineType) {
		ps.add("edge.gcp.machineType", "use a machine type such as e2-micro or e2-small (gcloud compute machine-types list)", "%q is not a GCP machine type", g.MachineType)
	}
}

package edge

import (
	"errors"
	"fmt"
	"net/netip"
	"regexp"
	"strings"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/jiucom/jiucom-infra/components/config"
	"github.com/jiucom/jiucom-infra/components/container"
	"github.com/jiucom/jiucom-infra/components/validate"
)

// Mode selects where the edge nginx runs. Every mode renders the same config.
type Mode string

const (
	// ModeGCP creates a hardened VM (config.DefaultMachineType) with a static IP and pushes the
	// config over SSH.
	ModeGCP Mode = "gcp"
	// ModeSSH pushes the config to an existing VPS (any cloud) over SSH.
	ModeSSH Mode = "ssh"
	// ModeContainer runs the config in the catalog's edge image on the Docker host of
	// the component's provider (the dev stack).
	ModeContainer Mode = "container"
	// ModeNone creates nothing; home listens directly.
	ModeNone Mode = "none"
)

// Route sends one public name to its home upstreams.
type Route struct {
	// Name is both the TLS SNI name on :443 and the Host on :80.
	Name string
	// Home labels the home host that terminates this name (a key of
	// hosts, e.g. "monitoring"); homenginx.NamesFor selects a home's names by it.
	Home string
	// HTTPS is the home upstream (host:port) for :443. It receives the TLS
	// stream untouched, preceded by a PROXY protocol v1 header.
	HTTPS string
	// HTTP is the home upstream (host:port) for :80, plain HTTP, so ACME
	// HTTP-01 challenges reach the home webroot.
	HTTP string
}

// GCPArgs places the edge VM.
type GCPArgs struct {
	Project string
	Region  string
	Zone    string
	// MachineType defaults to config.DefaultMachineType (free tier).
	MachineType string
	// Image defaults to debian-cloud/debian-12; the startup script uses apt.
	Image string
	// SubnetCIDR is the edge's own subnet; defaults to 10.80.0.0/29. The edge
	// gets a dedicated VPC so the default network's allow-ssh-from-anywhere
	// rules never apply to it.
	SubnetCIDR string
	// ServiceAccountID defaults to "<component name>-proxy" (6-30 chars).
	ServiceAccountID string
	// AllowIAP also opens 22 to Google's IAP TCP forwarding range, for
	// `gcloud compute ssh --tunnel-through-iap`.
	AllowIAP bool
}

// SSHArgs is how Pulumi reaches the edge host to push the config. In gcp mode
// Host is ignored (the static IP is used) and User is the OS Login user.
type SSHArgs struct {
	Host string
	// Port defaults to config.DefaultSSHPort.
	Port int
	User string
	// PrivateKey must be a secret (config --secret); it is only ever sent to
	// the SSH connection, never to a command line or a plain output.
	PrivateKey pulumi.StringInput
}

// ContainerArgs runs the edge on the Docker host of the component's provider.
type ContainerArgs struct {
	// Network is the docker network shared with the home gateways; pass the
	// network resource's name output so the container waits for it.
	Network pulumi.StringInput
	// Image is a pinned reference (the stack passes images.edge).
	Image string
	// HTTPPort and HTTPSPort are the published host ports (defaults 80, 443).
	HTTPPort  int
	HTTPSPort int
	// Resources are the container's limits and reservations (the stack
	// passes resources.edge).
	Resources config.Resources
	// Upstreams are the home nginx containers the edge resolves by name;
	// replacing one reloads the edge.
	Upstreams []pulumi.IDOutput
	// Engine is the docker endpoint of the inherited provider; the reload
	// reaches the container through it.
	Engine string
	// StartInterval is the engine's healthcheck start interval (0: unset).
	StartInterval time.Duration
}

// Args configures the edge. See validateArgs for what each mode requires.
type Args struct {
	Mode   Mode
	Routes []Route
	// AdminCIDRs may reach port 22 of the gcp VM. Never 0.0.0.0/0.
	AdminCIDRs []string
	// SourceAddrs are the addresses (or CIDRs) the edge connects to home
	// from, which home trusts for PROXY headers and X-Real-IP. Defaults: the
	// static IP (gcp), Host when it is an IP (ssh). Required in container
	// mode: the docker network's subnet.
	SourceAddrs []string
	GCP         GCPArgs
	SSH         SSHArgs
	Container   ContainerArgs
}

// iapRange is where Google's IAP TCP forwarding connects from.
const iapRange = "35.235.240.0/20"

var accountID = regexp.MustCompile(`^[a-z]([-a-z0-9]{4,28}[a-z0-9])$`)

// withDefaults fills every optional field so the rest of the package never
// checks for zero values.
func (a Args) withDefaults(name string) Args {
	g := &a.GCP
	g.MachineType = orDefault(g.MachineType, config.DefaultMachineType)
	g.Image = orDefault(g.Image, "debian-cloud/debian-12")
	g.SubnetCIDR = orDefault(g.SubnetCIDR, "10.80.0.0/29")
	g.ServiceAccountID = orDefault(g.ServiceAccountID, name+"-proxy")
	if a.SSH.Port == 0 {
		a.SSH.Port = config.DefaultSSHPort
	}
	c := &a.Container
	c.HTTPPort = intOr(c.HTTPPort, 80)
	c.HTTPSPort = intOr(c.HTTPSPort, 443)
	if a.Mode == ModeSSH && len(a.SourceAddrs) == 0 {
		if _, err := netip.ParseAddr(a.SSH.Host); err == nil {
			a.SourceAddrs = []string{a.SSH.Host}
		}
	}
	return a
}

// validateArgs reports every problem at once, each naming the field and the fix.
// It runs on defaulted args, before any resource exists.
func validateArgs(a Args) error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }

	switch a.Mode {
	case ModeNone:
		return nil
	case ModeGCP, ModeSSH, ModeContainer:
	default:
		bad("edge.Mode %q: use one of gcp, ssh, container, none", a.Mode)
		return errors.Join(errs...)
	}

	errs = append(errs, validateRoutes(a.Routes)...)
	for i, s := range a.SourceAddrs {
		if !isAddrOrPrefix(s) {
			bad("edge.SourceAddrs[%d] %q: use an IP address or CIDR", i, s)
		}
	}

	switch a.Mode {
	case ModeGCP:
		g := a.GCP
		for _, f := range []struct{ name, v string }{{"Project", g.Project}, {"Region", g.Region}, {"Zone", g.Zone}} {
			if f.v == "" {
				bad("edge.GCP.%s is required in gcp mode", f.name)
			}
		}
		if g.Region != "" && g.Zone != "" && !strings.HasPrefix(g.Zone, g.Region+"-") {
			bad("edge.GCP.Zone %q is not in region %q: pick a zone such as %s-a", g.Zone, g.Region, g.Region)
		}
		if !accountID.MatchString(g.ServiceAccountID) {
			bad("edge.GCP.ServiceAccountID %q: 6-30 lowercase letters, digits or '-', starting with a letter; set it explicitly", g.ServiceAccountID)
		}
		if p, err := validate.CIDR(g.SubnetCIDR); err != nil || !p.Addr().Is4() || p.Bits() > 29 {
			bad("edge.GCP.SubnetCIDR %q: use an IPv4 CIDR of /29 or larger", g.SubnetCIDR)
		}
		if len(a.AdminCIDRs) == 0 && !g.AllowIAP {
			bad("edge.AdminCIDRs is empty and edge.GCP.AllowIAP is off: nobody could SSH in to push the config; add your admin IP as x.x.x.x/32")
		}
		for i, c := range a.AdminCIDRs {
			p, err := validate.CIDR(c)
			switch {
			case err != nil:
				bad("edge.AdminCIDRs[%d] %q: use a CIDR such as 198.51.100.7/32", i, c)
			case validate.WholeInternet(p):
				bad("edge.AdminCIDRs[%d] %q opens SSH to the whole internet: list your admin addresses instead", i, c)
			}
		}
		errs = append(errs, validateSSH(a.SSH, false)...)
	case ModeSSH:
		errs = append(errs, validateSSH(a.SSH, true)...)
		if len(a.SourceAddrs) == 0 {
			bad("edge.SourceAddrs is required when edge.SSH.Host %q is not an IP: list the VPS's public IP", a.SSH.Host)
		}
	case ModeContainer:
		c := a.Container
		if c.Network == nil {
			bad("edge.Container.Network is required in container mode: the docker network shared with the home gateways")
		}
		if len(a.SourceAddrs) == 0 {
			bad("edge.SourceAddrs is required in container mode: the docker network's subnet, which home trusts for PROXY headers")
		}
		if err := container.Validate(containerSpec(a.Container, "")); err != nil {
			bad("edge.Container: %v", err)
		}
		for _, f := range []struct {
			name string
			port int
		}{{"HTTPPort", c.HTTPPort}, {"HTTPSPort", c.HTTPSPort}} {
			if err := validate.Port(f.port); err != nil {
				bad("edge.Container.%s: %v", f.name, err)
			}
		}
	}
	return errors.Join(errs...)
}

func validateRoutes(routes []Route) []error {
	var errs []error
	if len(routes) == 0 {
		return []error{errors.New("edge.Routes is empty: add at least one {Name, HTTPS, HTTP} route, or set edge.Mode to none")}
	}
	seen := map[string]bool{}
	for i, r := range routes {
		if validate.Hostname(r.Name) != nil {
			errs = append(errs, fmt.Errorf("edge.Routes[%d].Name %q: use a lowercase DNS name such as grafana.example.com", i, r.Name))
		}
		if seen[r.Name] {
			errs = append(errs, fmt.Errorf("edge.Routes[%d].Name %q appears twice: each name routes to exactly one home", i, r.Name))
		}
		seen[r.Name] = true
		for _, f := range []struct{ name, v string }{{"HTTPS", r.HTTPS}, {"HTTP", r.HTTP}} {
			// validate.HostPort also keeps anything that could break out of
			// an nginx directive (spaces, ';', '{') out of the rendered config.
			if _, _, err := validate.HostPort(f.v); err != nil {
				errs = append(errs, fmt.Errorf("edge.Routes[%d].%s: %w", i, f.name, err))
			}
		}
	}
	return errs
}

func validateSSH(s SSHArgs, needHost bool) []error {
	var errs []error
	if needHost && s.Host == "" {
		errs = append(errs, errors.New("edge.SSH.Host is required in ssh mode: the VPS's address"))
	}
	if s.User == "" {
		errs = append(errs, errors.New("edge.SSH.User is required: the sudo-capable SSH user (in gcp mode, your OS Login user name)"))
	}
	if s.PrivateKey == nil {
		errs = append(errs, errors.New("edge.SSH.PrivateKey is required: set it with `pulumi config set --secret`"))
	}
	if err := validate.Port(s.Port); err != nil {
		errs = append(errs, fmt.Errorf("edge.SSH.Port: %w", err))
	}
	return errs
}

func isAddrOrPrefix(s string) bool {
	if _, err := netip.ParseAddr(s); err == nil {
		return true
	}
	_, err := validate.CIDR(s)
	return err == nil
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

func intOr(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

// Package config is the typed stack configuration: every `pulumi config` key
// the program reads, parsed and validated in one pass before any resource is
// registered, so a user sees every bad value at once with its key and a fix.
package config

import (
	"maps"
	"slices"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Stack is one stack's whole configuration, defaults applied.
type Stack struct {
	Name string
	// Catalog is what Parse checked the overrides against.
	Catalog   Catalog
	Hosts     map[Role]Host
	Edge      Edge
	Placement map[string]Role
	Images    map[string]string
	App       AppSettings
	Resources map[string]Resources
	// TracingSampling is the share of requests the app traces (0..1).
	TracingSampling float64
	// RetainData keeps the data volumes when the stack is destroyed.
	RetainData bool
	Secrets    Secrets
	Monitoring MonitoringConfig
	// Gateway, Redis and Extras shape the service host (servicehost.go).
	Gateway GatewaySettings
	Redis   RedisSettings
	Extras  []ExtraService
	Backup  Backup
	Grafana GrafanaSettings
	// PublicStatus shares the status dashboard with anyone (grafana.go).
	PublicStatus PublicStatus
	ACME         ACME
	Zipkin       ZipkinSettings
}

// Host is a docker engine that runs one or more roles.
type Host struct {
	Role Role
	// Docker is the engine endpoint: unix:///var/run/docker.sock or ssh://user@host[:port].
	Docker  string
	SSHOpts []string
	// LAN is the address other hosts reach this one on; cross-host ports are
	// published on it only.
	LAN string
	// Capacity bounds the sum of reservations placed on the host.
	CPUMilli  int
	MemoryMiB int
	// RouterHTTPSPort and RouterHTTPPort are the home router's public ports
	// forwarded to this host's nginx :443 and :80; the edge proxies to them.
	RouterHTTPSPort int
	RouterHTTPPort  int
	// StartInterval is the healthcheck interval during a container's start
	// period on this engine; 0 leaves it unset (engines before API 1.44).
	StartInterval time.Duration
}

// Edge modes.
const (
	EdgeGCP       = "gcp"
	EdgeSSH       = "ssh"
	EdgeContainer = "container"
	EdgeNone      = "none"
)

// Edge is the public entry point's configuration.
type Edge struct {
	Mode        string
	GCP         GCPEdge
	SSH         SSHTarget
	AdminCIDRs  []string
	AllowIAP    bool
	HomeAddress string
	// ContainerHost is the role whose engine runs the edge in container mode.
	ContainerHost Role
	Routes        []Route
}

// GCPEdge places the edge VM.
type GCPEdge struct {
	Project     string
	Region      string
	Zone        string
	MachineType string
}

// SSHTarget is a machine reached over SSH.
type SSHTarget struct {
	Host string
	User string
	Port int
}

// Route sends one public name to the nginx of one role.
type Route struct {
	Name string
	Role Role
}

// AppSettings shapes the Spring Boot API.
type AppSettings struct {
	// Build is a docker build context; when set the image is built from it
	// and tagged with images.app.
	Build    string
	Replicas int
}

// Resources is a limit and a reservation for CPU and memory.
type Resources struct {
	CPULimitMilli        int
	CPUReservationMilli  int
	MemoryLimitMiB       int
	MemoryReservationMiB int
}

// Secrets are the values set with `pulumi config set --secret`; they are kept
// as secret outputs so nothing downstream can leak them into plain state.
type Secrets struct {
	GrafanaAdminPassword  pulumi.StringOutput
	MySQLRootPassword     pulumi.StringOutput
	MySQLPassword         pulumi.StringOutput
	RedisPassword         pulumi.StringOutput
	MySQLExporterPassword pulumi.StringOutput
	// EdgeSSHPrivateKey is empty unless the edge is a VM (gcp) or a VPS (ssh).
	EdgeSSHPrivateKey pulumi.StringOutput
}

// RoleOf returns the role a service runs on.
func (s *Stack) RoleOf(service string) Role { return s.Placement[service] }

// HostNames are the hosts in name order.
func (s *Stack) HostNames() []Role { return slices.Sorted(maps.Keys(s.Hosts)) }

// SameEngine reports whether two roles are served by one docker engine (dev).
func (s *Stack) SameEngine(a, b Role) bool { return s.Hosts[a].Docker == s.Hosts[b].Docker }

// Package container is the one building block every service is made of: a
// typed Spec rendered into a docker.RemoteImage and a docker.Container with the
// platform's rules applied (hard limits without swap, reservations, no new
// privileges, log rotation, a healthcheck and a health-gated start).
package container

import (
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/jiucom/jiucom-infra/components/config"
)

// Spec is everything that differs between services.
type Spec struct {
	// Image is a pinned reference; with Build it is the tag the build produces.
	Image      string
	Build      *Build
	Entrypoint []string
	Command    []string
	Env        map[string]string
	Ports      []Port
	Mounts     []Mount
	// Files are uploaded into the container before it starts; a content change
	// replaces only this container.
	Files []File
	// LiveConfig, for nginx, is applied by a graceful reload instead of a
	// replacement (see LiveConfig).
	LiveConfig *LiveConfig
	Health     Healthcheck
	Resources  config.Resources
	// Network attaches the container to its host's bridge network, where
	// the others resolve it by its container name.
	Network pulumi.StringInput
	// CapAdd lists the only capabilities kept; everything else is dropped
	// unless KeepDefaultCaps is set for an image that needs root's set to start.
	CapAdd          []string
	KeepDefaultCaps bool
	// Ulimits raise the engine's default limits of the processes inside.
	Ulimits []Ulimit
	// PidMode "host" is reserved for node-exporter (see the policy pack's exceptions).
	PidMode string
	// WaitTimeout bounds how long `pulumi up` waits for the healthcheck to pass.
	WaitTimeout time.Duration
	// StopGrace is how long a replaced container gets to finish in-flight
	// work after SIGTERM before it is killed (Docker's default: 10 s).
	StopGrace time.Duration
	Labels    map[string]string
}

// Build is a local docker build context (its Dockerfile) producing Spec.Image.
type Build struct {
	Context string
}

// Port publishes a container port on one host address.
type Port struct {
	Internal int
	External int
	// HostIP is required: a LAN address, 127.0.0.1, or 0.0.0.0 for the few
	// public entry points (gateway, edge) that must listen everywhere.
	HostIP string
}

// Mount is a named volume or a host path.
type Mount struct {
	Volume   pulumi.StringInput
	HostPath string
	Target   string
	ReadOnly bool
}

// Ulimit is one resource limit (`docker run --ulimit name=soft:hard`).
type Ulimit struct {
	Name       string
	Soft, Hard int
}

// File is uploaded to Path with Mode (e.g. "0444").
type File struct {
	Path    string
	Content pulumi.StringInput
	Mode    string
}

// Healthcheck is Docker's HEALTHCHECK; interval, timeout and retries are the
// platform's (see healthcheck in service.go).
type Healthcheck struct {
	Test []string
	// StartPeriod is the start-up grace during which failures do not count.
	StartPeriod time.Duration
	// StartInterval is the check interval during StartPeriod, so a ready
	// service is healthy within about a second; 0 leaves it unset.
	StartInterval time.Duration
}

// NginxCaps are what an nginx master needs to bind :80/:443 and drop to the
// nginx user; every other capability is dropped.
var NginxCaps = []string{"CHOWN", "SETUID", "SETGID", "NET_BIND_SERVICE", "DAC_OVERRIDE"}

// Package services is the platform's inventory: one record per service,
// each in its own file, holding everything about it — default host, image,
// limits, ports, data, start order, scrape job, what it consumes — and the
// function that builds its container from the resolved environment. Start
// order, volumes, scrape jobs, the gateway's upstreams, published ports,
// capacity and the policy pack's ceilings are all derived from the records.
package services

import (
	"fmt"
	"time"

	"github.com/jiucom/jiucom-infra/components/config"
	"github.com/jiucom/jiucom-infra/components/container"
)

// Record is one service.
type Record struct {
	Name string
	// Host is where placement puts it by default; empty with PerHost (an
	// agent on every docker engine) or for the edge.
	Host    config.Role
	PerHost bool
	// DataHosts runs it once on every engine that holds a data volume.
	DataHosts bool
	// BesideHome runs it once beside every home nginx whose certificate an
	// ACME client keeps (config.TLS.ACME), on that nginx's engine.
	BesideHome bool
	// When, if set, says whether the stack runs it at all.
	When      func(cfg *config.Stack) bool
	Image     string
	Resources config.Resources
	// Port is what its consumers connect to (and where its health URL and
	// scrape target are, unless HealthPort says otherwise). LANPort is the
	// host port it is published on when a consumer sits on another engine
	// (default Port); replica i takes LANPort+i.
	Port, LANPort int
	// Health is its docker healthcheck: an HTTP path on HealthPort (default
	// Port), or a Test of its own.
	Health Health
	// Data is the container path of its data volume, jiucom-<name>-data,
	// created on its host and retained on destroy.
	Data string
	// OnlineRestore restores its data while it keeps running (through its
	// own API or client), so make restore stops none of its containers.
	OnlineRestore bool
	// After are the services it waits for (healthy) before it starts.
	After []string
	// Scrape is its Prometheus job (nil: not scraped).
	Scrape *Scrape
	// Consumes are the services it connects to: a consumer on another
	// engine publishes them on their LAN address.
	Consumes []string
	// Beside is the service it must share a host with.
	Beside string
	// Route is how the gateway routes to it (extra services); Upstream is
	// set for every service the gateway proxies to.
	Route    *Route
	Upstream bool
	// Home is set for a home nginx that terminates TLS for its host's
	// public names behind the edge.
	Home *Home
	// Public services publish the entry points :80 and :443 by a rule of
	// their own (the gateway, nginx_mon, the edge) instead of a LAN port.
	Public bool
	// OperatorUI is published on the LAN address even without a remote
	// consumer, so an operator at home can open it.
	OperatorUI bool
	// Spec builds its container for one instance.
	Spec func(e *Env, in Instance) (container.Spec, error)
}

// Health is a service's healthcheck.
type Health struct {
	Path        string
	Port        int
	Test        []string
	StartPeriod time.Duration
}

// Home is a home nginx's part in the edge's routes.
type Home struct {
	// ProbePath answers 200 without a login; the blackbox probe through
	// the edge asks for it.
	ProbePath string
	// TLS is its certificate's configuration.
	TLS func(cfg *config.Stack) config.TLS
}

// Scrape is a Prometheus job. Job names are a contract with the dashboards
// and alert rules: do not rename them.
type Scrape struct {
	Job, Path string
	// HonorLabels keeps the labels the target reports (a Pushgateway).
	HonorLabels bool
}

// Route is an extra service's place behind the gateway: a path prefix or
// a host name of its own.
type Route struct {
	Path, Host string
}

// lanPort is the host port of replica 0.
func (r Record) lanPort() int {
	if r.LANPort != 0 {
		return r.LANPort
	}
	return r.Port
}

// healthcheck is the docker healthcheck the record describes.
func (r Record) healthcheck() container.Healthcheck {
	h := container.Healthcheck{Test: r.Health.Test, StartPeriod: r.Health.StartPeriod}
	if r.Health.Path != "" {
		port := r.Health.Port
		if port == 0 {
			port = r.Port
		}
		h.Test = httpProbe(port, r.Health.Path)
	}
	return h
}

// httpProbe checks a local URL with the busybox wget every image here ships.
func httpProbe(port int, path string) []string {
	url := "http://127.0.0.1" + path
	if port != 80 {
		url = fmt.Sprintf("http://127.0.0.1:%d%s", port, path)
	}
	return []string{"CMD", "wget", "-q", "-O", "/dev/null", url}
}

// res is a limit and a reservation: cores in thousandths, memory in MiB.
func res(cpuLimit, cpuReservation, memLimit, memReservation int) config.Resources {
	return config.Resources{CPULimitMilli: cpuLimit, CPUReservationMilli: cpuReservation, MemoryLimitMiB: memLimit, MemoryReservationMiB: memReservation}
}

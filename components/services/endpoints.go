package services

import (
	"fmt"
	"slices"

	"github.com/jiucom/jiucom-infra/components/config"
	"github.com/jiucom/jiucom-infra/components/container"
)

// consumersOf lists who connects to a service: the records that consume
// it, and Prometheus for a scraped one.
func (e *Env) consumersOf(service string) []string {
	var out []string
	for _, r := range e.Records {
		if slices.Contains(r.consumes(e), service) {
			out = append(out, r.Name)
		}
	}
	return out
}

// consumes is what a record connects to: its own list, and for the gateway
// every service it proxies to, for Prometheus every service it scrapes.
func (r Record) consumes(e *Env) []string {
	switch r.Name {
	case config.Gateway:
		return slices.Concat(r.Consumes, e.GatewayUpstreams())
	case config.Prometheus:
		return slices.Concat(r.Consumes, e.scraped())
	}
	return r.Consumes
}

// hostPort is the LAN port of one replica: replicas on one engine need
// distinct host ports.
func (e *Env) hostPort(service string, replica int) int {
	return e.Record(service).lanPort() + replica
}

// publishedOnLAN reports whether the instance's port is published.
func (e *Env) publishedOnLAN(in Instance) bool {
	if e.Record(in.Service).OperatorUI {
		return true
	}
	for _, c := range e.consumersOf(in.Service) {
		if !e.Cfg.SameEngine(in.Role, e.Cfg.Placement[c]) {
			return true
		}
	}
	return false
}

// lanPorts publishes the instance on its host's LAN address only, if needed.
func (e *Env) lanPorts(in Instance) []container.Port {
	if !e.publishedOnLAN(in) {
		return nil
	}
	return []container.Port{{Internal: e.Record(in.Service).Port, External: e.hostPort(in.Service, e.replicaIndex(in)), HostIP: e.Cfg.Hosts[in.Role].LAN}}
}

func (e *Env) replicaIndex(in Instance) int {
	for i, other := range e.Instances(in.Service) {
		if other.Name == in.Name {
			return i
		}
	}
	return 0
}

// Endpoints is how a container on `from` reaches every instance of a
// service: by container name on a shared engine, else by LAN address and
// host port.
func (e *Env) Endpoints(from config.Role, service string) []string {
	var out []string
	port := e.Record(service).Port
	for i, in := range e.Instances(service) {
		if e.Cfg.SameEngine(from, in.Role) {
			out = append(out, fmt.Sprintf("%s:%d", in.ContainerName, port))
		} else {
			out = append(out, fmt.Sprintf("%s:%d", e.Cfg.Hosts[in.Role].LAN, e.hostPort(service, i)))
		}
	}
	return out
}

// Endpoint is Endpoints for a single-instance service.
func (e *Env) Endpoint(from config.Role, service string) string {
	return e.Endpoints(from, service)[0]
}

// agentEndpoint reaches a per-engine agent the way Endpoints reaches a
// placed service.
func (e *Env) agentEndpoint(from config.Role, engine config.Engine, service string) string {
	if e.Cfg.SameEngine(from, engine.Roles[0]) {
		return fmt.Sprintf("%s%s:%d", ContainerPrefix, service, e.Record(service).Port)
	}
	return fmt.Sprintf("%s:%d", engine.Host.LAN, e.hostPort(service, 0))
}

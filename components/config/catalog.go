package config

import (
	"maps"
	"slices"
)

// Role names a host (a key of `hosts`). Placement maps every service to one.
type Role string

// The hosts the defaults place services on: the monitoring set on
// "monitoring", everything else on "service".
const (
	Monitoring Role = "monitoring"
	Service    Role = "service"
)

// Service names, shared by placement, images and resources keys.
const (
	MySQL            = "mysql"
	Redis            = "redis"
	App              = "app"
	Gateway          = "gateway"
	Prometheus       = "prometheus"
	Grafana          = "grafana"
	Zipkin           = "zipkin"
	Alertmanager     = "alertmanager"
	NginxMon         = "nginx-mon"
	RedisExporter    = "redis-exporter"
	MySQLExporter    = "mysql-exporter"
	BlackboxExporter = "blackbox-exporter"
	NodeExporter     = "node-exporter"
	CAdvisor         = "cadvisor"
	EdgeProxy        = "edge"
	GatewayExporter  = "gateway-exporter"
	// Elasticsearch, its exporter and the dependencies job run only with
	// zipkin.storage elasticsearch.
	Elasticsearch         = "elasticsearch"
	ElasticsearchExporter = "elasticsearch-exporter"
	ZipkinDependencies    = "zipkin-dependencies"
	// ACMEClient runs beside each home nginx whose certificate is ACME's.
	ACMEClient = "acme"
)

// ServiceDefaults is what config.Parse knows of a service before any
// stack override: the declarative part of its record (components/services),
// which builds the Catalog. Parse checks the user's placement, images and
// resources against it.
type ServiceDefaults struct {
	// Host is where placement puts it by default; empty for a service that
	// is not placed (PerHost agents, the edge).
	Host    Role
	PerHost bool // runs once on every docker engine
	Image   string
	Res     Resources
	// Beside is the service it must share a host with: an exporter reaches
	// its database over the host's docker network by name.
	Beside string
	// LANPort is the host port it reserves on its host's LAN address (0:
	// none, or published by its own rule: the app, gateway and nginx_mon).
	LANPort int
	// When, if set, says whether the stack runs it at all: a service that
	// does not run reserves no capacity.
	When func(*Stack) bool
}

// Catalog is every platform service by name.
type Catalog map[string]ServiceDefaults

// Names are the services in name order.
func (c Catalog) Names() []string { return slices.Sorted(maps.Keys(c)) }

// Known reports whether name is a platform service.
func (c Catalog) Known(name string) bool { _, ok := c[name]; return ok }

// PerHost reports whether a service runs once on every docker host rather
// than where placement puts it.
func (s *Stack) PerHost(service string) bool { return s.Catalog[service].PerHost }

// Runs reports whether the stack runs a service (extra services always do).
func (s *Stack) Runs(service string) bool {
	when := s.Catalog[service].When
	return when == nil || when(s)
}

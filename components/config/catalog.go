package config

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
)

// Default describes a service before any stack override: where it runs, what
// image it runs, and its limits and reservations.
type Default struct {
	Role  Role // empty: runs on every host (node-exporter, cAdvisor) or on the edge
	Image string
	Res   Resources
}

func res(cpuLimit, cpuReservation, memLimit, memReservation int) Resources {
	return Resources{CPULimitMilli: cpuLimit, CPUReservationMilli: cpuReservation, MemoryLimitMiB: memLimit, MemoryReservationMiB: memReservation}
}

// Defaults is the seed table from the manual (seeds/003); services the table
// leaves out get limits of the same order. Every value can be overridden per
// stack through the `images`, `placement` and `resources` keys.
var Defaults = map[string]Default{
	MySQL:            {Service, "mysql:8.0.40", res(2000, 500, 2048, 512)},
	Redis:            {Service, "redis:7.4.1-alpine", res(1000, 250, 512, 128)},
	App:              {Service, "", res(2000, 500, 1024, 512)},
	Gateway:          {Service, "nginx:1.27.3-alpine", res(500, 100, 256, 64)},
	RedisExporter:    {Service, "oliver006/redis_exporter:v1.66.0-alpine", res(250, 100, 128, 64)},
	MySQLExporter:    {Service, "prom/mysqld-exporter:v0.16.0", res(250, 100, 128, 64)},
	GatewayExporter:  {Service, "quay.io/martinhelmich/prometheus-nginxlog-exporter:v1.11.0", res(250, 100, 128, 64)},
	Prometheus:       {Monitoring, "prom/prometheus:v3.0.1", res(500, 250, 512, 256)},
	Grafana:          {Monitoring, "grafana/grafana:11.4.0", res(500, 250, 512, 256)},
	Zipkin:           {Monitoring, "openzipkin/zipkin:3.4.2", res(500, 250, 512, 256)},
	Alertmanager:     {Monitoring, "prom/alertmanager:v0.27.0", res(250, 100, 128, 64)},
	NginxMon:         {Monitoring, "nginx:1.27.3-alpine", res(500, 100, 256, 64)},
	BlackboxExporter: {Monitoring, "prom/blackbox-exporter:v0.25.0", res(250, 100, 128, 64)},
	NodeExporter:     {"", "prom/node-exporter:v1.8.2", res(250, 100, 128, 64)},
	CAdvisor:         {"", "gcr.io/cadvisor/cadvisor:v0.49.1", res(500, 100, 256, 128)},
	EdgeProxy:        {"", "nginx:1.27.3-alpine", res(500, 100, 256, 64)},
}

// exporterOf maps each database exporter to the database it must sit beside:
// it reaches the database over the host's docker network by name.
var exporterOf = map[string]string{MySQLExporter: MySQL, RedisExporter: Redis, GatewayExporter: Gateway}

// PerHost reports whether a service runs once on every docker host rather
// than where placement puts it.
func PerHost(service string) bool {
	return service == NodeExporter || service == CAdvisor
}

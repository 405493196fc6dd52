package stack

import (
	"fmt"
	"slices"

	"github.com/jiucom/jiucom-infra/components/config"
	"github.com/jiucom/jiucom-infra/components/container"
	gatewayconf "github.com/jiucom/jiucom-infra/components/gateway"
)

// ports are the services' listening ports inside their containers.
var ports = map[string]int{
	config.MySQL: 3306, config.Redis: 6379, config.App: 8080, config.Gateway: 80,
	config.Prometheus: 9090, config.Grafana: 3000, config.Zipkin: 9411, config.Alertmanager: 9093,
	config.NginxMon: 443, config.RedisExporter: 9121, config.MySQLExporter: 9104,
	config.BlackboxExporter: 9115, config.NodeExporter: 9100, config.CAdvisor: 8080,
	config.GatewayExporter: gatewayconf.ExporterPort,
}

// consumers lists who connects to each service. A service is published on its
// host's LAN address only when a consumer sits on another engine.
var consumers = map[string][]string{
	config.MySQL:            {config.App, config.MySQLExporter},
	config.Redis:            {config.App, config.RedisExporter},
	config.App:              {config.Gateway, config.Prometheus},
	config.Zipkin:           {config.App, config.Gateway, config.Grafana},
	config.Grafana:          {config.Gateway, config.NginxMon},
	config.Prometheus:       {config.Grafana},
	config.Alertmanager:     {config.Prometheus},
	config.MySQLExporter:    {config.Prometheus},
	config.RedisExporter:    {config.Prometheus},
	config.BlackboxExporter: {config.Prometheus},
	config.NodeExporter:     {config.Prometheus},
	config.CAdvisor:         {config.Prometheus},
	config.GatewayExporter:  {config.Prometheus},
}

// port is a service's listening port: the table above, or an extra
// service's own.
func (d *deployment) port(service string) int {
	if p, ok := ports[service]; ok {
		return p
	}
	extra, _ := d.cfg.Extra(service)
	return extra.Port
}

// consumersOf lists who connects to a service; the gateway is the only
// client of an extra service.
func (d *deployment) consumersOf(service string) []string {
	if _, ok := d.cfg.Extra(service); ok {
		return []string{config.Gateway}
	}
	return consumers[service]
}

// operatorUIs are published on the LAN address even without a remote
// consumer, so an operator at home can open them (127.0.0.1 in dev).
var operatorUIs = []string{config.Prometheus, config.Grafana, config.Alertmanager, config.Zipkin}

// lanPortBase moves a LAN port off another service's: cAdvisor listens on
// 8080 inside its container, where the app replicas' host ports start
// (8080-8089).
var lanPortBase = map[string]int{config.CAdvisor: 8180}

// hostPort is the LAN port of one replica: replicas on one engine need
// distinct host ports.
func (d *deployment) hostPort(service string, replica int) int {
	if base, ok := lanPortBase[service]; ok {
		return base + replica
	}
	return d.port(service) + replica
}

// publishedOnLAN reports whether the instance's port is published.
func (d *deployment) publishedOnLAN(in instance) bool {
	if slices.Contains(operatorUIs, in.service) {
		return true
	}
	for _, c := range d.consumersOf(in.service) {
		if !d.cfg.SameEngine(in.role, d.cfg.Placement[c]) {
			return true
		}
	}
	return false
}

// lanPorts publishes the instance on its host's LAN address only, if needed.
func (d *deployment) lanPorts(in instance) []container.Port {
	if !d.publishedOnLAN(in) {
		return nil
	}
	return []container.Port{{Internal: d.port(in.service), External: d.hostPort(in.service, d.replicaIndex(in)), HostIP: d.cfg.Hosts[in.role].LAN}}
}

func (d *deployment) replicaIndex(in instance) int {
	for i, other := range d.placed(in.service) {
		if other.name == in.name {
			return i
		}
	}
	return 0
}

// endpoints is how a container on `from` reaches every instance of a service:
// by container name on a shared engine, else by LAN address and host port.
func (d *deployment) endpoints(from config.Role, service string) []string {
	var out []string
	for i, in := range d.placed(service) {
		if d.cfg.SameEngine(from, in.role) {
			out = append(out, fmt.Sprintf("%s:%d", in.containerName, d.port(service)))
		} else {
			out = append(out, fmt.Sprintf("%s:%d", d.cfg.Hosts[in.role].LAN, d.hostPort(service, i)))
		}
	}
	return out
}

// endpoint is endpoints for a single-instance service.
func (d *deployment) endpoint(from config.Role, service string) string {
	return d.endpoints(from, service)[0]
}

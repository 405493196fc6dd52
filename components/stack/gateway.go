package stack

import (
	"fmt"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/jiucom/jiucom-infra/components/config"
	"github.com/jiucom/jiucom-infra/components/container"
	gatewayconf "github.com/jiucom/jiucom-infra/components/gateway"
)

// The gateway is the one port published on every address: the service
// host's public entry point. When a container edge shares its engine the
// edge owns :80 and :443, and the gateway is published on the LAN address
// at gatewayLANPort (and gatewayLANTLSPort) for direct access.
const (
	gatewayLANPort    = 8080
	gatewayLANTLSPort = 8443
	gatewayConfPath   = "/etc/nginx/nginx.conf"
	// Certificates and ACME challenges are host directories (certbot runs on
	// the host); the gateway reads them, never writes.
	gatewayTLSDir      = "/etc/nginx/tls/"
	gatewayACMEWebroot = "/var/www/acme"
)

func (d *deployment) gatewayPorts(in instance) []container.Port {
	pairs := [][2]int{{edgeHTTP, gatewayLANPort}}
	if d.cfg.Gateway.TLS != nil {
		pairs = append(pairs, [2]int{edgeHTTPS, gatewayLANTLSPort})
	}
	e := d.cfg.Edge
	onEdgeEngine := e.Mode == config.EdgeContainer && d.cfg.SameEngine(e.ContainerHost, in.role)
	var out []container.Port
	for _, p := range pairs {
		if onEdgeEngine {
			out = append(out, container.Port{Internal: p[0], External: p[1], HostIP: d.cfg.Hosts[in.role].LAN})
		} else {
			out = append(out, container.Port{Internal: p[0], External: p[0], HostIP: "0.0.0.0"})
		}
	}
	return out
}

// gatewayArgs is everything the config depends on that is known before
// deployment; the edge addresses and upstream IDs are added when known.
func (d *deployment) gatewayArgs(in instance) gatewayconf.Args {
	g := d.cfg.Gateway
	a := gatewayconf.Args{
		App:        d.endpoints(in.role, config.App),
		Grafana:    d.endpoint(in.role, config.Grafana),
		Zipkin:     d.endpoint(in.role, config.Zipkin),
		BehindEdge: d.cfg.Edge.Mode != config.EdgeNone,
		Syslog:     fmt.Sprintf("%s:%d", d.placed(config.GatewayExporter)[0].containerName, gatewayconf.ExporterSyslogPort),
	}
	if g.TLS != nil {
		a.TLS = &gatewayconf.TLS{Certificate: gatewayTLSDir + g.TLS.Certificate, Key: gatewayTLSDir + g.TLS.Key}
	}
	if g.ACMEWebroot != "" {
		a.ACMEWebroot = gatewayACMEWebroot
	}
	for _, e := range d.cfg.Extras {
		a.Extras = append(a.Extras, gatewayconf.Extra{Name: e.Name, Addr: d.endpoint(in.role, e.Name), Path: e.Path, Host: e.Host})
	}
	return a
}

// gatewayUpstreams are the services the gateway proxies to.
func (d *deployment) gatewayUpstreams() []string {
	services := []string{config.App, config.Grafana, config.Zipkin}
	for _, e := range d.cfg.Extras {
		services = append(services, e.Name)
	}
	return services
}

func gateway(d *deployment) error {
	for _, in := range d.placed(config.Gateway) {
		args := d.gatewayArgs(in)
		if err := gatewayconf.Validate(args); err != nil {
			return fmt.Errorf("stack: %w", err)
		}
		// The config waits for the edge's address (known after the VM exists)
		// and names the upstream containers, so replacing one replaces the
		// gateway: nginx resolves upstream names only when it starts.
		inputs := []any{d.edgeSources()}
		for _, service := range d.gatewayUpstreams() {
			for _, s := range d.p.Services[service] {
				inputs = append(inputs, s.Container.ID())
			}
		}
		conf := pulumi.All(inputs...).ApplyT(func(v []any) (string, error) {
			a := args
			a.EdgeAddrs = v[0].([]string)
			for _, id := range v[1:] {
				a.UpstreamIDs = append(a.UpstreamIDs, string(id.(pulumi.ID)))
			}
			return gatewayconf.Render(a)
		}).(pulumi.StringOutput)
		spec := container.Spec{
			Files:  []container.File{{Path: gatewayConfPath, Content: conf}},
			Mounts: d.gatewayMounts(),
			Ports:  d.gatewayPorts(in),
			Health: httpHealth("http://127.0.0.1/health", 10*time.Second),
			CapAdd: container.NginxCaps,
		}
		after := append(d.gatewayUpstreams(), config.GatewayExporter)
		if err := d.run(in, spec, after...); err != nil {
			return err
		}
	}
	return nil
}

func (d *deployment) gatewayMounts() []container.Mount {
	g := d.cfg.Gateway
	var out []container.Mount
	if g.TLS != nil {
		out = append(out, container.Mount{HostPath: g.TLS.Dir, Target: gatewayTLSDir, ReadOnly: true})
	}
	if g.ACMEWebroot != "" {
		out = append(out, container.Mount{HostPath: g.ACMEWebroot, Target: gatewayACMEWebroot, ReadOnly: true})
	}
	return out
}

// gatewayExporter turns the gateway's access log into the metrics the
// "gateway 429 rate" alert reads (Prometheus job "gateway").
func gatewayExporter(d *deployment) error {
	conf, err := gatewayconf.ExporterConfig()
	if err != nil {
		return fmt.Errorf("stack: %w", err)
	}
	const confPath = "/etc/prometheus-nginxlog-exporter.yml"
	return d.runPlaced(config.GatewayExporter, func(in instance) container.Spec {
		return container.Spec{
			Command: []string{"-config-file", confPath},
			Files:   []container.File{{Path: confPath, Content: pulumi.String(conf)}},
			Ports:   d.lanPorts(in),
			// The image is FROM scratch: no shell or HTTP client to probe
			// with. The check proves the binary and its config load; a dead
			// exporter exits and is restarted by the engine.
			Health: container.Healthcheck{Test: []string{"CMD", "/prometheus-nginxlog-exporter", "-config-file", confPath, "-verify-config"}},
		}
	})
}

// extraServices runs the containers listed under extraServices with the
// same building block as the platform's own; the gateway routes to them.
func extraServices(d *deployment) error {
	for _, e := range d.cfg.Extras {
		err := d.runPlaced(e.Name, func(in instance) container.Spec {
			spec := container.Spec{
				Env:    e.Env,
				Ports:  d.lanPorts(in),
				Health: container.Healthcheck{Test: e.Health, StartPeriod: 120 * time.Second},
				// Every capability is dropped: an extra image must run as its
				// own non-root user (Jenkins and n8n do).
				WaitTimeout: 300 * time.Second,
			}
			if e.Data != "" {
				spec.Mounts = []container.Mount{{Volume: d.volume(in, e.Name), Target: e.Data}}
			}
			return spec
		})
		if err != nil {
			return err
		}
	}
	return nil
}

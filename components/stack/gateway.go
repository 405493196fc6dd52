package stack

import (
	"fmt"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/jiucom/jiucom-infra/components/config"
	"github.com/jiucom/jiucom-infra/components/container"
	gatewayconf "github.com/jiucom/jiucom-infra/components/gateway"
)

// The gateway is the one container published on every address: the
// service host's public entry point. When a container edge shares its engine
// the edge owns :80 and :443, and the gateway is published on the LAN
// address at gatewayLANPort and gatewayLANTLSPort for direct access.
const (
	gatewayLANPort    = 8080
	gatewayLANTLSPort = 8443
	gatewayConfPath   = "/etc/nginx/nginx.conf"
)

// gatewayCertPaths are where the nginx image keeps the gateway's generated
// certificate and serves ACME challenges from.
var gatewayCertPaths = certificatePaths{
	GeneratedCert: "/etc/nginx/tls/cert.pem",
	GeneratedKey:  "/etc/nginx/tls/key.pem",
	ACMEWebroot:   "/var/www/acme",
}

func (d *deployment) gatewayPorts(in instance) []container.Port {
	e := d.cfg.Edge
	if e.Mode == config.EdgeContainer && d.cfg.SameEngine(e.ContainerHost, in.role) {
		lan := d.cfg.Hosts[in.role].LAN
		return []container.Port{{Internal: edgeHTTP, External: gatewayLANPort, HostIP: lan}, {Internal: edgeHTTPS, External: gatewayLANTLSPort, HostIP: lan}}
	}
	return []container.Port{{Internal: edgeHTTP, External: edgeHTTP, HostIP: "0.0.0.0"}, {Internal: edgeHTTPS, External: edgeHTTPS, HostIP: "0.0.0.0"}}
}

// gatewayArgs is everything the config depends on that is known before
// deployment; the edge addresses and upstream IDs are added when known.
func (d *deployment) gatewayArgs(in instance, cert certificate) gatewayconf.Args {
	a := gatewayconf.Args{
		App:        d.endpoints(in.role, config.App),
		Grafana:    d.endpoint(in.role, config.Grafana),
		Zipkin:     d.endpoint(in.role, config.Zipkin),
		BehindEdge: d.cfg.Edge.Mode != config.EdgeNone,
		Syslog:     fmt.Sprintf("%s:%d", d.placed(config.GatewayExporter)[0].containerName, gatewayconf.ExporterSyslogPort),
		TLS:        &gatewayconf.TLS{Certificate: cert.CertPath, Key: cert.KeyPath},
	}
	// A real certificate makes plain HTTP redirect (ACME aside); with a
	// generated one (dev) :80 keeps serving the API.
	if !d.cfg.Gateway.TLS.SelfSigned() {
		a.HTTPSOnly = true
		a.ACMEWebroot = gatewayCertPaths.ACMEWebroot
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
	var names []string
	for _, e := range d.cfg.Extras {
		if e.Host != "" {
			names = append(names, e.Host)
		}
	}
	cert, err := d.homeCertificate(config.Gateway, d.cfg.Gateway.TLS, append(d.homeNames(d.cfg.RoleOf(config.Gateway)), names...), gatewayCertPaths)
	if err != nil {
		return err
	}
	for _, in := range d.placed(config.Gateway) {
		args := d.gatewayArgs(in, cert)
		if err := gatewayconf.Validate(args); err != nil {
			return fmt.Errorf("stack: %w", err)
		}
		// The config waits for the edge's address (known after the VM
		// exists). nginx resolves the upstream names (and the exporter's
		// syslog address) when it loads the config, so a replaced upstream
		// reloads the running gateway instead of replacing it.
		conf := d.edgeSources().ApplyT(func(sources []string) (string, error) {
			a := args
			a.EdgeAddrs = sources
			return gatewayconf.Render(a)
		}).(pulumi.StringOutput)
		after := append(d.gatewayUpstreams(), config.GatewayExporter)
		spec := container.Spec{
			LiveConfig: d.liveConfig(in, gatewayConfPath, conf, after...),
			Files:      cert.Files,
			Mounts:     cert.Mounts,
			Ports:      d.gatewayPorts(in),
			Health:     httpHealth("http://127.0.0.1/health", 10*time.Second),
			CapAdd:     container.NginxCaps,
		}
		if err := d.run(in, spec, after...); err != nil {
			return err
		}
	}
	return nil
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

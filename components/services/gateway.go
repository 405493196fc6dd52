package services

import (
	"fmt"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/jiucom/jiucom-infra/components/config"
	"github.com/jiucom/jiucom-infra/components/container"
	gatewayconf "github.com/jiucom/jiucom-infra/components/gateway"
	"github.com/jiucom/jiucom-infra/components/homenginx"
)

// GatewayConfPath is the gateway's nginx config, which a rolling app
// deploy reloads between replicas.
const GatewayConfPath = "/etc/nginx/nginx.conf"

// gatewayCertPaths are where the nginx image keeps the gateway's generated
// certificate and serves ACME challenges from.
var gatewayCertPaths = homenginx.Paths{
	GeneratedCert: "/etc/nginx/tls/cert.pem",
	GeneratedKey:  "/etc/nginx/tls/key.pem",
	ACMEWebroot:   "/var/www/acme",
}

// gateway is the service host's nginx API gateway and its public entry
// point: it proxies to every record with Upstream set (the app, Grafana,
// Zipkin and the extra services) and terminates TLS for its host's names.
var gateway = Record{
	Name: config.Gateway, Host: config.Service,
	Image:     "nginx:1.27.3-alpine",
	Resources: res(500, 100, 256, 64),
	Port:      config.PublicHTTPS,
	Public:    true,
	Health:    Health{Path: "/health", Port: config.PublicHTTP, StartPeriod: 10 * time.Second},
	Home:      &Home{ProbePath: "/health", TLS: func(cfg *config.Stack) config.TLS { return cfg.Gateway.TLS }},
	Consumes:  []string{config.GatewayExporter},
	// It also waits for every service it proxies to (Inventory adds them).
	After: []string{config.GatewayExporter},
	Spec:  gatewaySpec,
}

// GatewayUpstreams are the services the gateway proxies to.
func (e *Env) GatewayUpstreams() []string {
	var out []string
	for _, r := range e.Records {
		if r.Upstream {
			out = append(out, r.Name)
		}
	}
	return out
}

func gatewaySpec(e *Env, in Instance) (container.Spec, error) {
	var names []string
	for _, r := range e.Records {
		if r.Route != nil && r.Route.Host != "" {
			names = append(names, r.Route.Host)
		}
	}
	cert, err := e.homeCertificate(in, append(e.HomeNames(in.Role), names...), gatewayCertPaths)
	if err != nil {
		return container.Spec{}, err
	}
	args := e.gatewayArgs(in, cert)
	if err := gatewayconf.Validate(args); err != nil {
		return container.Spec{}, fmt.Errorf("gateway: %w", err)
	}
	// The config waits for the edge's address (known after the VM exists).
	// nginx resolves the upstream names (and the exporter's syslog address)
	// when it loads the config, so a replaced upstream reloads the running
	// gateway instead of replacing it.
	conf := e.EdgeSources().ApplyT(func(sources []string) (string, error) {
		a := args
		a.EdgeAddrs = sources
		return gatewayconf.Render(a)
	}).(pulumi.StringOutput)
	return container.Spec{
		LiveConfig: e.LiveConfig(in, GatewayConfPath, conf, append(e.GatewayUpstreams(), config.GatewayExporter)...),
		Files:      cert.Files,
		Mounts:     cert.Mounts,
		Ports:      e.gatewayPorts(in),
		CapAdd:     container.NginxCaps,
	}, nil
}

// gatewayPorts publishes :80 and :443 on every address; when a container
// edge shares its engine the edge owns those, and the gateway is published
// on the LAN address at config.GatewayLANPort and GatewayLANTLSPort for
// direct access.
func (e *Env) gatewayPorts(in Instance) []container.Port {
	edge := e.Cfg.Edge
	if edge.Mode == config.EdgeContainer && e.Cfg.SameEngine(edge.ContainerHost, in.Role) {
		lan := e.Cfg.Hosts[in.Role].LAN
		return []container.Port{{Internal: config.PublicHTTP, External: config.GatewayLANPort, HostIP: lan}, {Internal: config.PublicHTTPS, External: config.GatewayLANTLSPort, HostIP: lan}}
	}
	return []container.Port{{Internal: config.PublicHTTP, External: config.PublicHTTP, HostIP: "0.0.0.0"}, {Internal: config.PublicHTTPS, External: config.PublicHTTPS, HostIP: "0.0.0.0"}}
}

// gatewayArgs is everything the config depends on that is known before
// deployment; the edge addresses are added when known.
func (e *Env) gatewayArgs(in Instance, cert homenginx.Certificate) gatewayconf.Args {
	a := gatewayconf.Args{
		App:        e.Endpoints(in.Role, config.App),
		Grafana:    e.Endpoint(in.Role, config.Grafana),
		Zipkin:     e.Endpoint(in.Role, config.Zipkin),
		BehindEdge: e.Cfg.Edge.Mode != config.EdgeNone,
		Syslog:     fmt.Sprintf("%s:%d", e.Instances(config.GatewayExporter)[0].ContainerName, gatewayconf.ExporterSyslogPort),
		TLS:        &gatewayconf.TLS{Certificate: cert.CertPath, Key: cert.KeyPath},
	}
	// A real certificate makes plain HTTP redirect (ACME aside); with a
	// generated one (dev) :80 keeps serving the API.
	if !e.Cfg.Gateway.TLS.SelfSigned() {
		a.HTTPSOnly = true
		a.ACMEWebroot = gatewayCertPaths.ACMEWebroot
	}
	if e.Cfg.PublicStatus.Enabled {
		a.PublicStatus = e.Cfg.PublicStatus.AccessToken
	}
	for _, r := range e.Records {
		if r.Route != nil {
			a.Extras = append(a.Extras, gatewayconf.Extra{Name: r.Name, Addr: e.Endpoint(in.Role, r.Name), Path: r.Route.Path, Host: r.Route.Host})
		}
	}
	return a
}

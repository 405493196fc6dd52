package services

import (
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/jiucom/jiucom-infra/components/config"
	"github.com/jiucom/jiucom-infra/components/container"
	"github.com/jiucom/jiucom-infra/components/edge"
	"github.com/jiucom/jiucom-infra/components/homenginx"
	"github.com/jiucom/jiucom-infra/components/nginxmon"
)

// nginxMon terminates TLS for the monitoring host's public names in front
// of Grafana. Its config embeds the edge's address, known only after
// deployment for a gcp edge, so the rendered file is an output.
var nginxMon = Record{
	Name: config.NginxMon, Host: config.Monitoring,
	Image:     "nginx:1.27.3-alpine",
	Resources: res(500, 100, 256, 64),
	Port:      config.PublicHTTPS,
	Public:    true,
	Health:    Health{Path: "/healthz", Port: config.PublicHTTP, StartPeriod: 10 * time.Second},
	Home:      &Home{ProbePath: "/grafana/api/health", TLS: func(cfg *config.Stack) config.TLS { return cfg.Monitoring.TLS }},
	Consumes:  []string{config.Grafana},
	After:     []string{config.Grafana},
	Spec: func(e *Env, in Instance) (container.Spec, error) {
		var routes []edge.Route
		for _, r := range e.Cfg.Edge.Routes {
			routes = append(routes, edge.Route{Name: r.Name, Home: string(r.Role)})
		}
		args := nginxmon.Args{
			Names:   homenginx.NamesFor(routes, string(in.Role)),
			Listen:  nginxmon.DefaultListen,
			Grafana: e.Endpoint(in.Role, config.Grafana),
		}
		args.Listen.BehindEdge = e.Cfg.Edge.Mode != config.EdgeNone
		cert, err := e.homeCertificate(in, args.Names, homenginx.Paths{
			GeneratedCert: nginxmon.GeneratedCertPath, GeneratedKey: nginxmon.GeneratedKeyPath, ACMEWebroot: nginxmon.ACMEWebroot,
		})
		if err != nil {
			return container.Spec{}, err
		}
		args.CertPath, args.KeyPath = cert.CertPath, cert.KeyPath
		sources := e.EdgeSources()
		conf := pulumi.All(homenginx.RealIPSnippetOutput(sources), homenginx.HTTPRealIPSnippetOutput(sources)).ApplyT(func(snippets []any) (string, error) {
			a := args
			a.RealIP, a.HTTPRealIP = snippets[0].(string), snippets[1].(string)
			return nginxmon.Render(a)
		}).(pulumi.StringOutput)
		return container.Spec{
			// nginx resolves Grafana when it loads the config: a replaced
			// Grafana reloads nginx_mon, so it never keeps a stale address.
			LiveConfig: e.LiveConfig(in, nginxmon.ConfigPath, conf, config.Grafana),
			Files:      cert.Files,
			Mounts:     cert.Mounts,
			Ports:      e.nginxMonPorts(in),
			CapAdd:     container.NginxCaps,
		}, nil
	},
}

// nginxMonPorts publishes :443 and :80 on the LAN address, where the router
// forwards the edge's traffic. A container edge on the same engine reaches
// nginx_mon over the docker network instead.
func (e *Env) nginxMonPorts(in Instance) []container.Port {
	edge := e.Cfg.Edge
	if edge.Mode == config.EdgeContainer && e.Cfg.SameEngine(edge.ContainerHost, in.Role) {
		return nil
	}
	lan := e.Cfg.Hosts[in.Role].LAN
	return []container.Port{
		{Internal: config.PublicHTTPS, External: config.PublicHTTPS, HostIP: lan},
		{Internal: config.PublicHTTP, External: config.PublicHTTP, HostIP: lan},
	}
}

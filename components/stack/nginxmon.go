package stack

import (
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/jiucom/jiucom-infra/components/config"
	"github.com/jiucom/jiucom-infra/components/container"
	"github.com/jiucom/jiucom-infra/components/edge"
	"github.com/jiucom/jiucom-infra/components/nginxmon"
)

// nginxMon terminates TLS for the monitoring host's public names. Its config
// embeds the edge's address, known only after deployment for a gcp edge, so
// the rendered file is an output.
func nginxMon(d *deployment) error {
	role := d.cfg.RoleOf(config.NginxMon)
	var routes []edge.Route
	for _, r := range d.cfg.Edge.Routes {
		routes = append(routes, edge.Route{Name: r.Name, Home: string(r.Role)})
	}
	args := nginxmon.Args{
		Names:   edge.NamesFor(routes, string(role)),
		Listen:  nginxmon.DefaultListen,
		Grafana: d.endpoint(role, config.Grafana),
	}
	args.Listen.BehindEdge = d.cfg.Edge.Mode != config.EdgeNone
	files, mounts, err := d.nginxMonCertificate(&args)
	if err != nil {
		return err
	}
	sources := d.edgeSources()
	conf := pulumi.All(edge.RealIPSnippetOutput(sources), edge.HTTPRealIPSnippetOutput(sources)).ApplyT(func(snippets []any) (string, error) {
		a := args
		a.RealIP, a.HTTPRealIP = snippets[0].(string), snippets[1].(string)
		return nginxmon.Render(a)
	}).(pulumi.StringOutput)
	return d.runPlaced(config.NginxMon, func(in instance) container.Spec {
		return container.Spec{
			// nginx resolves Grafana when it loads the config: a replaced
			// Grafana reloads nginx_mon, so it never keeps a stale address.
			LiveConfig: d.liveConfig(in, nginxmon.ConfigPath, conf, config.Grafana),
			Files:      files,
			Mounts:     mounts,
			Ports:      d.nginxMonPorts(in),
			Health:     httpHealth("http://127.0.0.1/healthz", 10*time.Second),
			CapAdd:     container.NginxCaps,
		}
	}, config.Grafana)
}

// nginxMonCertificate is a configured certificate mounted from the host
// (with certbot's webroot), or a generated self-signed one uploaded.
func (d *deployment) nginxMonCertificate(args *nginxmon.Args) ([]container.File, []container.Mount, error) {
	c, err := d.homeCertificate(config.NginxMon, d.cfg.Monitoring.TLS, args.Names, certificatePaths{
		GeneratedCert: nginxmon.GeneratedCertPath, GeneratedKey: nginxmon.GeneratedKeyPath, ACMEWebroot: nginxmon.ACMEWebroot,
	})
	args.CertPath, args.KeyPath = c.CertPath, c.KeyPath
	return c.Files, c.Mounts, err
}

// nginxMonPorts publishes :443 and :80 on the LAN address, where the router
// forwards the edge's traffic. A container edge on the same engine reaches
// nginx_mon over the docker network instead.
func (d *deployment) nginxMonPorts(in instance) []container.Port {
	e := d.cfg.Edge
	if e.Mode == config.EdgeContainer && d.cfg.SameEngine(e.ContainerHost, in.role) {
		return nil
	}
	lan := d.cfg.Hosts[in.role].LAN
	return []container.Port{
		{Internal: edgeHTTPS, External: edgeHTTPS, HostIP: lan},
		{Internal: edgeHTTP, External: edgeHTTP, HostIP: lan},
	}
}

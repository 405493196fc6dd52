package stack

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/jiucom/jiucom-infra/components/config"
	"github.com/jiucom/jiucom-infra/components/edge"
)

// edgeContainerSubnet pins the network of the engine that runs a container
// edge: home nginx trusts PROXY headers from that range only.
const edgeContainerSubnet = "172.31.250.0/24"

// homeNginx is the nginx that terminates TLS for a host's public names:
// the gateway where it runs, else nginx_mon (config.Parse refuses a route
// to a host with neither).
func (d *deployment) homeNginx(host config.Role) string {
	if d.cfg.Placement[config.Gateway] == host {
		return config.Gateway
	}
	return config.NginxMon
}

// edgeHTTPS and edgeHTTP are the home nginx ports the edge relays to.
const (
	edgeHTTPS = 443
	edgeHTTP  = 80
)

// edgeProxy registers the edge. A VM or VPS edge only needs the router's
// public ports, so it comes first and home nginx can trust its address; a
// container edge resolves home nginx by name at start, so it comes last.
func (d *deployment) edgeProxy() error {
	e := d.cfg.Edge
	args := edge.Args{Mode: edge.Mode(e.Mode), AdminCIDRs: e.AdminCIDRs}
	var opts []pulumi.ResourceOption
	for _, r := range e.Routes {
		https, http := d.edgeUpstreams(r.Role)
		args.Routes = append(args.Routes, edge.Route{Name: r.Name, Home: string(r.Role), HTTPS: https, HTTP: http})
	}
	switch e.Mode {
	case config.EdgeGCP:
		args.GCP = edge.GCPArgs{Project: e.GCP.Project, Region: e.GCP.Region, Zone: e.GCP.Zone, MachineType: e.GCP.MachineType, AllowIAP: e.AllowIAP}
		args.SSH = edge.SSHArgs{User: e.SSH.User, Port: e.SSH.Port, PrivateKey: d.cfg.Secrets.EdgeSSHPrivateKey}
	case config.EdgeSSH:
		args.SSH = edge.SSHArgs{Host: e.SSH.Host, User: e.SSH.User, Port: e.SSH.Port, PrivateKey: d.cfg.Secrets.EdgeSSHPrivateKey}
	case config.EdgeContainer:
		host := d.hostFor(e.ContainerHost)
		args.SourceAddrs = []string{edgeContainerSubnet}
		args.Container = edge.ContainerArgs{
			Network:       host.NetworkName,
			Image:         d.cfg.Images[config.EdgeProxy],
			Resources:     d.cfg.Resources[config.EdgeProxy],
			Engine:        d.cfg.EngineOf(e.ContainerHost).Host.Docker,
			StartInterval: d.cfg.EngineOf(e.ContainerHost).Host.StartInterval,
		}
		for _, service := range []string{config.NginxMon, config.Gateway} {
			for _, s := range d.p.Services[service] {
				args.Container.Upstreams = append(args.Container.Upstreams, s.Container.ID())
			}
		}
		opts = append(opts, host.On(), pulumi.DependsOn(d.containersOf(config.NginxMon, config.Gateway)))
	}
	proxy, err := edge.NewEdge(d.ctx, "edge", args, opts...)
	if err != nil {
		return fmt.Errorf("stack: %w", err)
	}
	d.p.Edge = proxy
	d.ctx.Export("edge/publicIp", proxy.PublicIP)
	d.ctx.Export("edge/dnsRecords", proxy.DNSRecords)
	return nil
}

// edgeUpstreams is where the edge sends a role's names: the router's
// forwarded ports for a remote edge, the home nginx itself for a container.
func (d *deployment) edgeUpstreams(role config.Role) (https, http string) {
	e := d.cfg.Edge
	if e.Mode != config.EdgeContainer {
		h := d.cfg.Hosts[role]
		return fmt.Sprintf("%s:%d", e.HomeAddress, h.RouterHTTPSPort), fmt.Sprintf("%s:%d", e.HomeAddress, h.RouterHTTPPort)
	}
	target := containerPrefix + d.homeNginx(role)
	if !d.cfg.SameEngine(e.ContainerHost, role) {
		target = d.cfg.Hosts[role].LAN
	}
	return fmt.Sprintf("%s:%d", target, edgeHTTPS), fmt.Sprintf("%s:%d", target, edgeHTTP)
}

// edgeSources are the addresses home nginx trusts for PROXY headers.
func (d *deployment) edgeSources() pulumi.StringArrayOutput {
	if d.p.Edge != nil {
		return d.p.Edge.SourceAddrs
	}
	if d.cfg.Edge.Mode == config.EdgeContainer {
		return pulumi.ToStringArray([]string{edgeContainerSubnet}).ToStringArrayOutput()
	}
	return pulumi.StringArray{}.ToStringArrayOutput()
}

// edgeSubnet is the pinned network range of an engine, if the edge runs there.
func (d *deployment) edgeSubnet(e config.Engine) string {
	if d.cfg.Edge.Mode == config.EdgeContainer && d.cfg.EngineOf(d.cfg.Edge.ContainerHost).Name == e.Name {
		return edgeContainerSubnet
	}
	return ""
}

package services

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/jiucom/jiucom-infra/components/config"
	"github.com/jiucom/jiucom-infra/components/edge"
)

// edgeContainerSubnet pins the network of the engine that runs a container
// edge: home nginx trusts PROXY headers from that range only.
const edgeContainerSubnet = "172.31.250.0/24"

// edgeProxy is the public entry point (components/edge): a GCP VM, a VPS
// or, in dev, a container. It is not placed and not walked with the
// others: the stack registers it first (a VM or VPS, whose address home
// nginx trusts) or last (a container, which resolves home nginx by name).
var edgeProxy = Record{
	Name:      config.EdgeProxy,
	Image:     "nginx:1.27.3-alpine",
	Resources: res(500, 100, 256, 64),
	Public:    true,
}

// EdgeArgs are the edge's arguments and, for a container edge, the
// options that put it on its engine after the home nginx it resolves.
func (e *Env) EdgeArgs() (edge.Args, []pulumi.ResourceOption) {
	cfg := e.Cfg.Edge
	args := edge.Args{Mode: edge.Mode(cfg.Mode), AdminCIDRs: cfg.AdminCIDRs}
	var opts []pulumi.ResourceOption
	for _, r := range cfg.Routes {
		https, http := e.edgeUpstreams(r.Role)
		args.Routes = append(args.Routes, edge.Route{Name: r.Name, Home: string(r.Role), HTTPS: https, HTTP: http})
	}
	switch cfg.Mode {
	case config.EdgeGCP:
		args.GCP = edge.GCPArgs{Project: cfg.GCP.Project, Region: cfg.GCP.Region, Zone: cfg.GCP.Zone, MachineType: cfg.GCP.MachineType, AllowIAP: cfg.AllowIAP}
		args.SSH = edge.SSHArgs{User: cfg.SSH.User, Port: cfg.SSH.Port, PrivateKey: e.Cfg.Secrets.EdgeSSHPrivateKey}
	case config.EdgeSSH:
		args.SSH = edge.SSHArgs{Host: cfg.SSH.Host, User: cfg.SSH.User, Port: cfg.SSH.Port, PrivateKey: e.Cfg.Secrets.EdgeSSHPrivateKey}
	case config.EdgeContainer:
		host := e.HostFor(cfg.ContainerHost)
		engine := e.Cfg.EngineOf(cfg.ContainerHost)
		args.SourceAddrs = []string{edgeContainerSubnet}
		args.Container = edge.ContainerArgs{
			Network:       host.NetworkName,
			Image:         e.Cfg.Images[config.EdgeProxy],
			Resources:     e.Cfg.Resources[config.EdgeProxy],
			Engine:        engine.Host.Docker,
			StartInterval: engine.Host.StartInterval,
		}
		var homes []string
		for _, r := range e.Records {
			if r.Home != nil {
				homes = append(homes, r.Name)
			}
		}
		for _, home := range homes {
			for _, s := range e.Running[home] {
				args.Container.Upstreams = append(args.Container.Upstreams, s.Container.ID())
			}
		}
		opts = append(opts, host.On(), pulumi.DependsOn(e.ContainersOf(homes...)))
	}
	return args, opts
}

// edgeUpstreams is where the edge sends a host's names: the router's
// forwarded ports for a remote edge, the home nginx itself for a container.
func (e *Env) edgeUpstreams(host config.Role) (https, http string) {
	cfg := e.Cfg.Edge
	if cfg.Mode != config.EdgeContainer {
		h := e.Cfg.Hosts[host]
		return fmt.Sprintf("%s:%d", cfg.HomeAddress, h.RouterHTTPSPort), fmt.Sprintf("%s:%d", cfg.HomeAddress, h.RouterHTTPPort)
	}
	target := ContainerPrefix + e.homeNginx(host).Name
	if !e.Cfg.SameEngine(cfg.ContainerHost, host) {
		target = e.Cfg.Hosts[host].LAN
	}
	return fmt.Sprintf("%s:%d", target, config.PublicHTTPS), fmt.Sprintf("%s:%d", target, config.PublicHTTP)
}

// EdgeSubnet is the pinned network range of an engine, if the edge runs there.
func (e *Env) EdgeSubnet(engine config.Engine) string {
	if e.Cfg.Edge.Mode == config.EdgeContainer && e.Cfg.EngineOf(e.Cfg.Edge.ContainerHost).Name == engine.Name {
		return edgeContainerSubnet
	}
	return ""
}

// Package stack builds the whole platform from a validated configuration:
// it resolves the environment (services.Env), registers the docker engines
// with the records' data volumes, walks the records in start order through
// the one container block, registers the edge and exports the outputs.
// main.go and the tests run exactly this function.
package stack

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/jiucom/jiucom-infra/components/config"
	"github.com/jiucom/jiucom-infra/components/container"
	"github.com/jiucom/jiucom-infra/components/dockerhost"
	"github.com/jiucom/jiucom-infra/components/edge"
	"github.com/jiucom/jiucom-infra/components/services"
)

// Platform is what Deploy built, for callers that extend it.
type Platform struct {
	Hosts    map[string]*dockerhost.Host // by engine name
	Services map[string][]*container.Service
	Edge     *edge.Edge // nil when edge.mode is none
	// Teardown is what `pulumi destroy` does to the data volumes; the stack
	// exports it.
	Teardown Teardown
	// Backups are the backed-up services, exported as `backup` for
	// `make restore` and `make backup-now`.
	Backups map[string][]services.BackupTarget
}

// Deploy registers every resource of the stack. A VM or VPS edge only
// needs the router's public ports, so it comes first and home nginx can
// trust its address; a container edge resolves home nginx by name at
// start, so it comes last.
func Deploy(ctx *pulumi.Context, cfg *config.Stack) (*Platform, error) {
	env := services.NewEnv(ctx, cfg)
	if err := hosts(env); err != nil {
		return nil, err
	}
	if cfg.Edge.Mode == config.EdgeGCP || cfg.Edge.Mode == config.EdgeSSH {
		if err := edgeProxy(env); err != nil {
			return nil, err
		}
	}
	records, err := env.Ordered()
	if err != nil {
		return nil, fmt.Errorf("stack: %w", err)
	}
	for _, r := range records {
		if err := run(env, r); err != nil {
			return nil, err
		}
	}
	if cfg.Edge.Mode == config.EdgeContainer {
		if err := edgeProxy(env); err != nil {
			return nil, err
		}
	}
	p := &Platform{Hosts: env.Hosts, Services: env.Running, Edge: env.Edge, Teardown: teardown(env), Backups: env.BackupTargets()}
	exports(ctx, p)
	return p, nil
}

// hosts registers one docker host per engine with the data volumes of the
// services placed there.
func hosts(env *services.Env) error {
	for _, e := range env.Cfg.Engines() {
		volumes := env.VolumesOn(e)
		h, err := dockerhost.NewHost(env.Ctx, e.Name, &dockerhost.Args{
			Endpoint:      e.Host.Docker,
			SSHOpts:       e.Host.SSHOpts,
			Volumes:       volumes,
			RetainVolumes: env.Cfg.RetainData,
			Subnet:        env.EdgeSubnet(e),
		})
		if err != nil {
			return fmt.Errorf("stack: %w", err)
		}
		env.Hosts[e.Name] = h
	}
	return nil
}

// edgeProxy registers the edge.
func edgeProxy(env *services.Env) error {
	args, opts := env.EdgeArgs()
	proxy, err := edge.NewEdge(env.Ctx, "edge", args, opts...)
	if err != nil {
		return fmt.Errorf("stack: %w", err)
	}
	env.Edge = proxy
	env.Ctx.Export("edge/publicIp", proxy.PublicIP)
	env.Ctx.Export("edge/dnsRecords", proxy.DNSRecords)
	return nil
}

func exports(ctx *pulumi.Context, p *Platform) {
	for name, h := range p.Hosts {
		ctx.Export("network/"+name, h.NetworkName)
	}
	for service, instances := range p.Services {
		names := pulumi.StringArray{}
		for _, s := range instances {
			names = append(names, s.ContainerName)
		}
		ctx.Export("containers/"+service, names)
	}
	ctx.Export("dataVolumesRetainedOnDestroy", pulumi.Bool(p.Teardown.Retained))
	volumes := pulumi.Map{}
	for engine, names := range p.Teardown.Volumes {
		volumes[engine] = pulumi.ToStringArray(names)
	}
	ctx.Export("dataVolumes", volumes)
	ctx.Export("teardown", pulumi.String(p.Teardown.Notice(ctx.Stack())))
	backups := pulumi.Map{}
	for service, targets := range p.Backups {
		list := pulumi.Array{}
		for _, b := range targets {
			list = append(list, pulumi.Map{"engine": pulumi.String(b.Engine), "docker": pulumi.String(b.Docker),
				"backup": pulumi.String(b.Backup), "containers": pulumi.ToStringArray(b.Containers)})
		}
		backups[service] = list
	}
	ctx.Export("backup", backups)
}

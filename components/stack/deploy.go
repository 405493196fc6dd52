// Package stack builds the whole platform from a validated configuration:
// the docker engines, every service in its health-gated start order, and the
// stack outputs. main.go and the tests run exactly this function.
package stack

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/jiucom/jiucom-infra/components/config"
	"github.com/jiucom/jiucom-infra/components/container"
	"github.com/jiucom/jiucom-infra/components/dockerhost"
	"github.com/jiucom/jiucom-infra/components/edge"
)

// Platform is what Deploy built, for callers that extend it.
type Platform struct {
	Hosts    map[string]*dockerhost.Host // by engine name
	Services map[string][]*container.Service
	Edge     *edge.Edge // nil when edge.mode is none
	// Teardown is what `pulumi destroy` does to the data volumes; the stack
	// exports it.
	Teardown Teardown
}

// Deploy registers every resource of the stack.
func Deploy(ctx *pulumi.Context, cfg *config.Stack) (*Platform, error) {
	d := &deployment{ctx: ctx, cfg: cfg, p: &Platform{Hosts: map[string]*dockerhost.Host{}, Services: map[string][]*container.Service{}}}
	if err := d.hosts(); err != nil {
		return nil, err
	}
	edgeFirst := d.cfg.Edge.Mode == config.EdgeGCP || d.cfg.Edge.Mode == config.EdgeSSH
	if edgeFirst {
		if err := d.edgeProxy(); err != nil {
			return nil, err
		}
	}
	for _, stage := range startOrder {
		for _, step := range stage {
			if err := step(d); err != nil {
				return nil, err
			}
		}
	}
	if d.cfg.Edge.Mode == config.EdgeContainer {
		if err := d.edgeProxy(); err != nil {
			return nil, err
		}
	}
	d.exports()
	return d.p, nil
}

// startOrder is the order the services are registered in, so each one can
// name the containers it waits for (docker Wait: until healthy). The waits
// themselves are per service, the manual's and no more: a service waits for
// what it names, never for a whole earlier stage.
var startOrder = [][]func(*deployment) error{
	{hostAgents, mysql, redis},
	{app},
	{prometheus, alertmanager, zipkin, blackboxExporter},
	{grafana},
	{mysqlExporter, redisExporter, gatewayExporter, extraServices},
	{gateway, nginxMon},
}

type deployment struct {
	ctx *pulumi.Context
	cfg *config.Stack
	p   *Platform
}

// hosts registers one docker host per engine with the data volumes of the
// services placed there.
func (d *deployment) hosts() error {
	for _, e := range d.cfg.Engines() {
		var volumes []string
		for _, service := range d.dataServices() {
			if d.onEngine(service, e) {
				volumes = append(volumes, dataVolume(service))
			}
		}
		h, err := dockerhost.NewHost(d.ctx, e.Name, &dockerhost.Args{
			Endpoint:      e.Host.Docker,
			SSHOpts:       e.Host.SSHOpts,
			Volumes:       volumes,
			RetainVolumes: d.cfg.RetainData,
			Subnet:        d.edgeSubnet(e),
		})
		if err != nil {
			return fmt.Errorf("stack: %w", err)
		}
		d.p.Hosts[e.Name] = h
	}
	return nil
}

func (d *deployment) onEngine(service string, e config.Engine) bool {
	for _, r := range e.Roles {
		if d.cfg.Placement[service] == r {
			return true
		}
	}
	return false
}

func (d *deployment) hostFor(role config.Role) *dockerhost.Host {
	return d.p.Hosts[d.cfg.EngineOf(role).Name]
}

func (d *deployment) exports() {
	for name, h := range d.p.Hosts {
		d.ctx.Export("network/"+name, h.NetworkName)
	}
	for service, instances := range d.p.Services {
		names := pulumi.StringArray{}
		for _, s := range instances {
			names = append(names, s.ContainerName)
		}
		d.ctx.Export("containers/"+service, names)
	}
	d.p.Teardown = d.teardown()
	d.ctx.Export("dataVolumesRetainedOnDestroy", pulumi.Bool(d.p.Teardown.Retained))
	volumes := pulumi.Map{}
	for engine, names := range d.p.Teardown.Volumes {
		volumes[engine] = pulumi.ToStringArray(names)
	}
	d.ctx.Export("dataVolumes", volumes)
	d.ctx.Export("teardown", pulumi.String(d.p.Teardown.Notice(d.ctx.Stack())))
}

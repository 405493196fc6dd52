package stack

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/jiucom/jiucom-infra/components/config"
	"github.com/jiucom/jiucom-infra/components/container"
)

// liveConfig is a home nginx's config, applied by a graceful reload on
// every change of the config or of an upstream container it resolves by
// name: one on its own engine. Upstreams on other hosts are reached at a
// fixed LAN address and port, which a replacement does not move.
func (d *deployment) liveConfig(in instance, path string, conf pulumi.StringInput, upstreams ...string) *container.LiveConfig {
	c := &container.LiveConfig{Path: path, Content: conf, Engine: d.cfg.EngineOf(in.role).Host.Docker}
	for _, service := range upstreams {
		for i, s := range d.p.Services[service] {
			if d.cfg.SameEngine(in.role, d.placed(service)[i].role) {
				c.Upstreams = append(c.Upstreams, s.Container.ID())
			}
		}
	}
	return c
}

// rollingStep is what the next replica of a service waits for: this one
// healthy and, when the gateway reaches the service by container name on
// the same engine, the gateway reloaded so it routes to the new container
// before the next one goes down.
func (d *deployment) rollingStep(in instance, svc *container.Service) ([]pulumi.Resource, error) {
	step := []pulumi.Resource{svc.Container}
	gateways := d.placed(config.Gateway)
	if !d.routedByGateway(in.service) || len(gateways) == 0 || !d.cfg.SameEngine(gateways[0].role, in.role) {
		return step, nil
	}
	reload, err := container.ReloadIfRunning(d.ctx, in.name+"-gateway-reload", d.cfg.EngineOf(in.role).Host.Docker,
		gateways[0].containerName, gatewayConfPath, svc)
	if err != nil {
		return nil, fmt.Errorf("stack: %w", err)
	}
	return append(step, reload), nil
}

func (d *deployment) routedByGateway(service string) bool {
	for _, s := range d.gatewayUpstreams() {
		if s == service {
			return true
		}
	}
	return false
}

package stack

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/jiucom/jiucom-infra/components/config"
	"github.com/jiucom/jiucom-infra/components/container"
	"github.com/jiucom/jiucom-infra/components/services"
)

// run registers a record's containers: once per engine for an agent (or
// per engine with data, for the backup), once beside each home nginx whose
// certificate is ACME's (the ACME client), else
// every replica where placement puts it. A record without a Spec (the
// edge) is registered by Deploy itself.
func run(env *services.Env, r services.Record) error {
	if r.Spec == nil {
		return nil
	}
	if r.BesideHome {
		for _, in := range env.ACMEClients() {
			if _, err := start(env, r, in, nil); err != nil {
				return err
			}
		}
		return nil
	}
	if r.PerHost || r.DataHosts {
		for _, e := range env.Cfg.Engines() {
			if r.DataHosts && !env.HoldsData(e) {
				continue
			}
			if _, err := start(env, r, services.AgentInstance(r.Name, e), nil); err != nil {
				return err
			}
		}
		return nil
	}
	return runReplicas(env, r)
}

// runReplicas runs every replica of a placed service. Replicas roll one at
// a time: each waits for the one before it (healthy, and announced to the
// gateway), so a new image never takes them all down at once and the
// gateway always has a healthy one to route to.
func runReplicas(env *services.Env, r services.Record) error {
	var previous []pulumi.Resource
	instances := env.Instances(r.Name)
	for i, in := range instances {
		svc, err := start(env, r, in, previous)
		if err != nil {
			return err
		}
		if i < len(instances)-1 {
			if previous, err = rollingStep(env, in, svc); err != nil {
				return err
			}
		}
	}
	return nil
}

// start registers one instance on its engine after every container of the
// services it waits for (and the replica before it).
func start(env *services.Env, r services.Record, in services.Instance, previous []pulumi.Resource) (*container.Service, error) {
	spec, err := env.ContainerSpec(r, in)
	if err != nil {
		return nil, fmt.Errorf("stack: %w", err)
	}
	host := env.HostFor(in.Role)
	svc, err := container.NewService(env.Ctx, in.Name, &container.Args{ContainerName: in.ContainerName, Spec: spec},
		host.On(), pulumi.DependsOn(append(env.StartsAfter(r, in), previous...)))
	if err != nil {
		return nil, fmt.Errorf("stack: %w", err)
	}
	env.Running[r.Name] = append(env.Running[r.Name], svc)
	return svc, nil
}

// rollingStep is what the next replica of a service waits for: this one
// healthy and, when the gateway reaches the service by container name on
// the same engine, the gateway reloaded so it routes to the new container
// before the next one goes down.
func rollingStep(env *services.Env, in services.Instance, svc *container.Service) ([]pulumi.Resource, error) {
	step := []pulumi.Resource{svc.Container}
	gateways := env.Instances(config.Gateway)
	if !env.Routed(in.Service) || !env.Cfg.SameEngine(gateways[0].Role, in.Role) {
		return step, nil
	}
	reload, err := container.ReloadIfRunning(env.Ctx, in.Name+"-gateway-reload", env.Cfg.EngineOf(in.Role).Host.Docker,
		gateways[0].ContainerName, services.GatewayConfPath, svc)
	if err != nil {
		return nil, fmt.Errorf("stack: %w", err)
	}
	return append(step, reload), nil
}

package stack

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/jiucom/jiucom-infra/components/config"
	"github.com/jiucom/jiucom-infra/components/container"
)

// containerPrefix namespaces every container name on a shared engine.
const containerPrefix = "jiucom-"

// instance is one container of a service.
type instance struct {
	service string
	// name is unique in the stack: the service, "app-2", or
	// "node-exporter-service" for per-host agents.
	name string
	// containerName is what docker and the network call it.
	containerName string
	role          config.Role
}

// placed returns the instances of a placed service, one per replica.
func (d *deployment) placed(service string) []instance {
	role := d.cfg.Placement[service]
	n := d.cfg.Replicas(service)
	if n == 1 && service != config.App {
		return []instance{{service: service, name: service, containerName: containerPrefix + service, role: role}}
	}
	out := make([]instance, n)
	for i := range out {
		name := fmt.Sprintf("%s-%d", service, i+1)
		out[i] = instance{service: service, name: name, containerName: containerPrefix + name, role: role}
	}
	return out
}

// run registers one instance on its engine with the stack's image, limits and
// network applied, after every instance of the services it waits for.
func (d *deployment) run(in instance, spec container.Spec, after ...string) error {
	_, err := d.start(in, spec, nil, after...)
	return err
}

// start is run that also waits for the resources in previous (the replica
// before it) and returns the service.
func (d *deployment) start(in instance, spec container.Spec, previous []pulumi.Resource, after ...string) (*container.Service, error) {
	host := d.hostFor(in.role)
	if spec.Image == "" {
		spec.Image = d.cfg.Images[in.service]
	}
	spec.Resources = d.cfg.Resources[in.service]
	spec.Network = host.NetworkName
	spec.Health.StartInterval = d.cfg.EngineOf(in.role).Host.StartInterval
	spec.Labels = map[string]string{"com.jiucom.service": in.service, "com.jiucom.role": string(in.role)}
	svc, err := container.NewService(d.ctx, in.name, &container.Args{ContainerName: in.containerName, Spec: spec},
		host.On(), pulumi.DependsOn(append(d.containersOf(after...), previous...)))
	if err != nil {
		return nil, fmt.Errorf("stack: %w", err)
	}
	d.p.Services[in.service] = append(d.p.Services[in.service], svc)
	return svc, nil
}

// runPlaced runs every replica of a placed service with the same spec.
// Replicas roll one at a time: each waits for the one before it (healthy,
// and announced to the gateway), so a new image never takes them all down
// at once and the gateway always has a healthy one to route to.
func (d *deployment) runPlaced(service string, spec func(instance) container.Spec, after ...string) error {
	var previous []pulumi.Resource
	instances := d.placed(service)
	for i, in := range instances {
		svc, err := d.start(in, spec(in), previous, after...)
		if err != nil {
			return err
		}
		if i < len(instances)-1 {
			if previous, err = d.rollingStep(in, svc); err != nil {
				return err
			}
		}
	}
	return nil
}

// containersOf returns the containers of services already registered.
// Dependents name the containers themselves, not their components: the SDK
// expands a component to the children registered so far, which races with
// the goroutines registering them.
func (d *deployment) containersOf(services ...string) []pulumi.Resource {
	var deps []pulumi.Resource
	for _, service := range services {
		for _, s := range d.p.Services[service] {
			deps = append(deps, s.Container)
		}
	}
	return deps
}

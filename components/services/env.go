package services

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/jiucom/jiucom-infra/components/config"
	"github.com/jiucom/jiucom-infra/components/container"
	"github.com/jiucom/jiucom-infra/components/dockerhost"
	"github.com/jiucom/jiucom-infra/components/edge"
)

// ContainerPrefix namespaces every container name on a shared engine.
const ContainerPrefix = "jiucom-"

// Env is the resolved environment a record builds its container from: the
// stack's configuration, the inventory, the docker hosts, the containers
// registered so far and the edge. The stack fills it as it goes.
type Env struct {
	Ctx     *pulumi.Context
	Cfg     *config.Stack
	Records []Record
	// Hosts are the docker hosts by engine name.
	Hosts map[string]*dockerhost.Host
	// Running are the containers registered so far, by service.
	Running map[string][]*container.Service
	// Edge is the registered edge (nil before it, or without one).
	Edge *edge.Edge
	// gcsKey is the backup bucket's key file, once the bucket exists.
	gcsKey *pulumi.StringOutput
}

// NewEnv starts an environment with no host or container registered yet.
func NewEnv(ctx *pulumi.Context, cfg *config.Stack) *Env {
	return &Env{Ctx: ctx, Cfg: cfg, Records: Inventory(cfg), Hosts: map[string]*dockerhost.Host{}, Running: map[string][]*container.Service{}}
}

// Ordered is the inventory in start order.
func (e *Env) Ordered() ([]Record, error) { return order(e.Records) }

// Record is the record of a service; every name the program uses has one.
func (e *Env) Record(service string) Record {
	for _, r := range e.Records {
		if r.Name == service {
			return r
		}
	}
	panic("services: no record for " + service) // a programming error: names come from the records
}

// Instance is one container of a service.
type Instance struct {
	Service string
	// Name is unique in the stack: the service, "app-2", or
	// "node-exporter-service" for per-host agents.
	Name string
	// ContainerName is what docker and the network call it.
	ContainerName string
	Role          config.Role
}

// Instances are the containers of a placed service, one per replica.
func (e *Env) Instances(service string) []Instance {
	role := e.Cfg.Placement[service]
	n := e.Cfg.Replicas(service)
	if n == 1 && service != config.App {
		return []Instance{{Service: service, Name: service, ContainerName: ContainerPrefix + service, Role: role}}
	}
	out := make([]Instance, n)
	for i := range out {
		name := fmt.Sprintf("%s-%d", service, i+1)
		out[i] = Instance{Service: service, Name: name, ContainerName: ContainerPrefix + name, Role: role}
	}
	return out
}

// instancesOn are a placed service's containers on a role's engine: its
// replicas where placement puts them, or (the ACME client) those beside
// the home nginx there.
func (e *Env) instancesOn(service string, role config.Role) []Instance {
	if e.Record(service).BesideHome {
		return e.onEngine(e.ACMEClients(), role)
	}
	return e.onEngine(e.Instances(service), role)
}

// onEngine keeps the instances on a role's engine.
func (e *Env) onEngine(instances []Instance, role config.Role) []Instance {
	return slices.DeleteFunc(instances, func(in Instance) bool { return !e.Cfg.SameEngine(in.Role, role) })
}

// AgentInstance is a per-host service's container on one engine.
func AgentInstance(service string, engine config.Engine) Instance {
	return Instance{Service: service, Name: service + "-" + engine.Name, ContainerName: ContainerPrefix + service, Role: engine.Roles[0]}
}

// HostFor is the docker host serving a role.
func (e *Env) HostFor(role config.Role) *dockerhost.Host {
	return e.Hosts[e.Cfg.EngineOf(role).Name]
}

// HostName is the host label of a target: the engine its role runs on.
func (e *Env) HostName(role config.Role) string { return e.Cfg.EngineOf(role).Name }

// DataVolume is the docker name of a service's data volume.
func DataVolume(service string) string { return ContainerPrefix + service + dataSuffix }

const dataSuffix = "-data"

// DataVolumeService is the service whose data volume has this docker name
// (the inverse of DataVolume), and false for any other volume.
func DataVolumeService(volume string) (string, bool) {
	service, ok := strings.CutPrefix(volume, ContainerPrefix)
	if !ok {
		return "", false
	}
	service, ok = strings.CutSuffix(service, dataSuffix)
	return service, ok && service != ""
}

// DataServices are the services that keep data, in inventory order.
func (e *Env) DataServices() []string {
	var out []string
	for _, r := range e.Records {
		if r.Data != "" {
			out = append(out, r.Name)
		}
	}
	return out
}

// volume is the data volume of the instance's service on its engine.
func (e *Env) volume(in Instance) pulumi.StringInput {
	return e.HostFor(in.Role).Volumes[DataVolume(in.Service)].Name
}

// ContainersOf returns the containers of services already registered.
// Dependents name the containers themselves, not their components: the SDK
// expands a component to the children registered so far, which races with
// the goroutines registering them.
func (e *Env) ContainersOf(services ...string) []pulumi.Resource {
	var deps []pulumi.Resource
	for _, service := range services {
		for _, s := range e.Running[service] {
			deps = append(deps, s.Container)
		}
	}
	return deps
}

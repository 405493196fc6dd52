package services

import (
	"fmt"
	"slices"

	"github.com/jiucom/jiucom-infra/components/container"
)

// ContainerSpec is the whole container of one instance: what the record's
// Spec builds, plus what the record and the stack decide for every service
// alike — image and limits (after the stack's overrides), the host's
// network, the healthcheck (with the host's start interval), the data
// volume, the LAN ports its consumers need, and the labels.
func (e *Env) ContainerSpec(r Record, in Instance) (container.Spec, error) {
	spec, err := r.Spec(e, in)
	if err != nil {
		return container.Spec{}, fmt.Errorf("%s: %w", in.Name, err)
	}
	if spec.Image == "" {
		spec.Image = e.Cfg.Images[r.Name]
	}
	spec.Resources = e.Cfg.Resources[r.Name]
	spec.Network = e.HostFor(in.Role).NetworkName
	spec.Health = r.healthcheck()
	spec.Health.StartInterval = e.Cfg.EngineOf(in.Role).Host.StartInterval
	if r.Data != "" {
		spec.Mounts = slices.Concat([]container.Mount{{Volume: e.volume(in), Target: r.Data}}, spec.Mounts)
	}
	if !r.Public {
		spec.Ports = e.lanPorts(in)
	}
	spec.Labels = map[string]string{"com.jiucom.service": r.Name, "com.jiucom.role": string(in.Role)}
	return spec, nil
}

// Routed reports whether the gateway proxies to a service (a rolling
// deploy of it reloads the gateway between replicas).
func (e *Env) Routed(service string) bool { return e.Record(service).Upstream }

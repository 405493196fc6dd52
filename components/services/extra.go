package services

import (
	"time"

	"github.com/jiucom/jiucom-infra/components/config"
	"github.com/jiucom/jiucom-infra/components/container"
)

// extraService is a record for an entry of extraServices: the same shape
// as the platform's own, behind the gateway by its path or host.
func extraService(x config.ExtraService) Record {
	return Record{
		Name:     x.Name,
		Port:     x.Port,
		Data:     x.Data,
		Health:   Health{Test: x.Health, StartPeriod: 120 * time.Second},
		Route:    &Route{Path: x.Path, Host: x.Host},
		Upstream: true,
		Spec: func(_ *Env, _ Instance) (container.Spec, error) {
			// Every capability is dropped: an extra image must run as its own
			// non-root user (Jenkins and n8n do).
			return container.Spec{Env: x.Env, WaitTimeout: 300 * time.Second}, nil
		},
	}
}

package services

import (
	"time"

	"github.com/jiucom/jiucom-infra/components/config"
	"github.com/jiucom/jiucom-infra/components/container"
)

// cadvisor reports every container on each docker host. It listens on 8080
// inside its container, where the app replicas' host ports start
// (8080-8089), so its LAN port is 8180.
var cadvisor = Record{
	Name: config.CAdvisor, PerHost: true,
	Image:     "gcr.io/cadvisor/cadvisor:v0.49.1",
	Resources: res(500, 100, 256, 128),
	Port:      8080, LANPort: 8180,
	Health: Health{Path: "/healthz", StartPeriod: 10 * time.Second},
	Scrape: &Scrape{Job: "cadvisor"},
	Spec: func(_ *Env, _ Instance) (container.Spec, error) {
		return container.Spec{
			Command: []string{"--docker_only=true", "--housekeeping_interval=15s"},
			Mounts: []container.Mount{
				{HostPath: "/", Target: "/rootfs", ReadOnly: true},
				{HostPath: "/var/run", Target: "/var/run", ReadOnly: true},
				{HostPath: "/sys", Target: "/sys", ReadOnly: true},
				{HostPath: "/var/lib/docker", Target: "/var/lib/docker", ReadOnly: true},
				{HostPath: "/dev/disk", Target: "/dev/disk", ReadOnly: true},
			},
			KeepDefaultCaps: true, // reads other containers' cgroups and the docker state as root
		}, nil
	},
}

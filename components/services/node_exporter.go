package services

import (
	"time"

	"github.com/jiucom/jiucom-infra/components/config"
	"github.com/jiucom/jiucom-infra/components/container"
)

// nodeExporter reports each docker host. Agents wait for nothing: they
// observe the host, not the platform.
var nodeExporter = Record{
	Name: config.NodeExporter, PerHost: true,
	Image:     "prom/node-exporter:v1.8.2",
	Resources: res(250, 100, 128, 64),
	Port:      9100,
	Health:    Health{Path: "/metrics", StartPeriod: 10 * time.Second},
	Scrape:    &Scrape{Job: "node"},
	Spec: func(e *Env, in Instance) (container.Spec, error) {
		command := []string{"--path.rootfs=/host", "--collector.filesystem.mount-points-exclude=^/(dev|proc|sys|run|var/lib/docker/.+)($|/)"}
		// The ACME clients' metrics (acme.go), on hosts that run one.
		if e.acmeOn(in.Role) {
			command = append(command, "--collector.textfile.directory=/host"+acmeTextfile)
		}
		return container.Spec{
			Command: command,
			// Host PID and a read-only view of / are what node-exporter needs
			// to report the host rather than its own container.
			PidMode: "host",
			Mounts:  []container.Mount{{HostPath: "/", Target: "/host", ReadOnly: true}},
		}, nil
	},
}

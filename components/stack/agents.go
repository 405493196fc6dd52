package stack

import (
	"time"

	"github.com/jiucom/jiucom-infra/components/config"
	"github.com/jiucom/jiucom-infra/components/container"
)

// hostAgents runs node-exporter and cAdvisor once on every engine. They wait
// for nothing: they observe the host, not the platform.
func hostAgents(d *deployment) error {
	for _, e := range d.cfg.Engines() {
		for _, agent := range []struct {
			service string
			spec    func() container.Spec
		}{{config.NodeExporter, nodeExporterSpec}, {config.CAdvisor, cadvisorSpec}} {
			in := instance{service: agent.service, name: agent.service + "-" + e.Name, containerName: containerPrefix + agent.service, role: e.Roles[0]}
			s := agent.spec()
			s.Ports = d.lanPorts(in)
			if err := d.run(in, s); err != nil {
				return err
			}
		}
	}
	return nil
}

func nodeExporterSpec() container.Spec {
	return container.Spec{
		Command: []string{"--path.rootfs=/host", "--collector.filesystem.mount-points-exclude=^/(dev|proc|sys|run|var/lib/docker/.+)($|/)"},
		// Host PID and a read-only view of / are what node-exporter needs to
		// report the host rather than its own container.
		PidMode: "host",
		Mounts:  []container.Mount{{HostPath: "/", Target: "/host", ReadOnly: true}},
		Health:  httpHealth("http://127.0.0.1:9100/metrics", 10*time.Second),
	}
}

func cadvisorSpec() container.Spec {
	return container.Spec{
		Command: []string{"--docker_only=true", "--housekeeping_interval=15s"},
		Mounts: []container.Mount{
			{HostPath: "/", Target: "/rootfs", ReadOnly: true},
			{HostPath: "/var/run", Target: "/var/run", ReadOnly: true},
			{HostPath: "/sys", Target: "/sys", ReadOnly: true},
			{HostPath: "/var/lib/docker", Target: "/var/lib/docker", ReadOnly: true},
			{HostPath: "/dev/disk", Target: "/dev/disk", ReadOnly: true},
		},
		Health:          httpHealth("http://127.0.0.1:8080/healthz", 10*time.Second),
		KeepDefaultCaps: true, // reads other containers' cgroups and the docker state as root
	}
}

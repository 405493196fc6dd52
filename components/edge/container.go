package edge

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/jiucom/jiucom-infra/components/container"
)

// containerName is the edge's docker name on the shared network.
const containerName = "jiucom-edge"

// containerSpec is the edge nginx as a platform service: the same building
// block, limits and hardening as every other container. nginx resolves the
// home nginx names when it loads its config, so a replaced home nginx
// reloads the edge rather than replacing it.
func containerSpec(c ContainerArgs, config string) container.Spec {
	return container.Spec{
		Image:   c.Image,
		Network: c.Network,
		LiveConfig: &container.LiveConfig{
			Path:      "/etc/nginx/nginx.conf",
			Content:   pulumi.String(config),
			Upstreams: c.Upstreams,
			Engine:    c.Engine,
		},
		// The edge is a public entry point: it listens on every address.
		Ports: []container.Port{
			{Internal: 443, External: c.HTTPSPort, HostIP: "0.0.0.0"},
			{Internal: 80, External: c.HTTPPort, HostIP: "0.0.0.0"},
		},
		// Host 127.0.0.1 falls to the default server, whose /healthz is the
		// endpoint monitoring probes on the real edge too.
		Health: container.Healthcheck{Test: []string{"CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1/healthz"},
			StartInterval: c.StartInterval},
		Resources: c.Resources,
		CapAdd:    container.NginxCaps,
		Labels:    map[string]string{"com.jiucom.service": "edge"},
	}
}

// deployContainer runs the rendered config in nginx on the docker host of the
// inherited provider. Its healthcheck (Wait) fails `pulumi up` if the
// container does not come up; a config nginx refuses fails the reload.
func (e *Edge) deployContainer(ctx *pulumi.Context, name string, c ContainerArgs, config string) error {
	_, err := container.NewService(ctx, name+"-nginx", &container.Args{ContainerName: containerName, Spec: containerSpec(c, config)}, pulumi.Parent(e))
	if err != nil {
		return fmt.Errorf("container: %w", err)
	}
	return nil
}

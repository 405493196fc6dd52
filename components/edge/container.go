package edge

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/jiucom/jiucom-infra/components/container"
)

// containerName is the edge's docker name on the shared network.
const containerName = "jiucom-edge"

// containerSpec is the edge nginx as a platform service: the same building
// block, limits and hardening as every other container.
func containerSpec(c ContainerArgs, config string) container.Spec {
	return container.Spec{
		Image:   c.Image,
		Network: c.Network,
		Files:   []container.File{{Path: "/etc/nginx/nginx.conf", Content: withUpstreamIDs(config, c.Upstreams)}},
		// The edge is a public entry point: it listens on every address.
		Ports: []container.Port{
			{Internal: 443, External: c.HTTPSPort, HostIP: "0.0.0.0"},
			{Internal: 80, External: c.HTTPPort, HostIP: "0.0.0.0"},
		},
		// Host 127.0.0.1 falls to the default server, whose /healthz is the
		// endpoint monitoring probes on the real edge too.
		Health:    container.Healthcheck{Test: []string{"CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1/healthz"}},
		Resources: c.Resources,
		CapAdd:    container.NginxCaps,
		Labels:    map[string]string{"com.jiucom.service": "edge"},
	}
}

// withUpstreamIDs appends the upstream containers' IDs to the config as a
// comment; the nginx config itself stays identical to the other modes.
func withUpstreamIDs(config string, ids []pulumi.IDOutput) pulumi.StringOutput {
	inputs := make([]any, len(ids))
	for i, id := range ids {
		inputs[i] = id
	}
	return pulumi.All(inputs...).ApplyT(func(v []any) string {
		for _, id := range v {
			config += fmt.Sprintf("# upstream container %s\n", id)
		}
		return config
	}).(pulumi.StringOutput)
}

// deployContainer runs the rendered config in nginx on the docker host of the
// inherited provider. A config change replaces the container; its healthcheck
// (Wait) fails `pulumi up` if the new one does not come up.
func (e *Edge) deployContainer(ctx *pulumi.Context, name string, c ContainerArgs, config string) error {
	_, err := container.NewService(ctx, name+"-nginx", &container.Args{ContainerName: containerName, Spec: containerSpec(c, config)}, pulumi.Parent(e))
	if err != nil {
		return fmt.Errorf("container: %w", err)
	}
	return nil
}

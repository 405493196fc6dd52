package edge

import (
	"fmt"
	"strconv"

	"github.com/pulumi/pulumi-docker/sdk/v4/go/docker"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// deployContainer runs the rendered config in nginx on the docker host of
// the inherited provider. A config change replaces the container; the
// health check (Wait) fails `pulumi up` if the new one does not come up.
func (e *Edge) deployContainer(ctx *pulumi.Context, name string, c ContainerArgs, config string) error {
	image, err := docker.NewRemoteImage(ctx, name+"-image", &docker.RemoteImageArgs{
		Name:        pulumi.String(c.Image),
		KeepLocally: pulumi.Bool(true),
	}, pulumi.Parent(e))
	if err != nil {
		return fmt.Errorf("image: %w", err)
	}
	memory := pulumi.Int(c.MemoryMB)
	_, err = docker.NewContainer(ctx, name+"-nginx", &docker.ContainerArgs{
		Image:   image.ImageId,
		Restart: pulumi.String("unless-stopped"),
		Uploads: docker.ContainerUploadArray{docker.ContainerUploadArgs{
			File:    pulumi.String("/etc/nginx/nginx.conf"),
			Content: pulumi.String(config),
		}},
		Ports: docker.ContainerPortArray{
			docker.ContainerPortArgs{Internal: pulumi.Int(443), External: pulumi.Int(c.HTTPSPort)},
			docker.ContainerPortArgs{Internal: pulumi.Int(80), External: pulumi.Int(c.HTTPPort)},
		},
		NetworksAdvanced: docker.ContainerNetworksAdvancedArray{docker.ContainerNetworksAdvancedArgs{Name: pulumi.String(c.Network)}},
		Cpus:             pulumi.String(strconv.FormatFloat(c.CPUs, 'f', -1, 64)),
		// Docker has no CPU reservation for a plain container: shares stand in.
		CpuShares:         pulumi.Int(int(1024 * c.CPUReservation)),
		Memory:            memory,
		MemorySwap:        memory, // no swap; also stops a perpetual diff
		MemoryReservation: pulumi.Int(c.MemoryReservationMB),
		SecurityOpts:      pulumi.StringArray{pulumi.String("no-new-privileges:true")},
		Healthcheck: docker.ContainerHealthcheckArgs{
			// Host 127.0.0.1 falls to the default server, whose /healthz is
			// the endpoint monitoring probes on the real edge too.
			Tests:    pulumi.ToStringArray([]string{"CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1/healthz"}),
			Interval: pulumi.String("10s"),
			Timeout:  pulumi.String("3s"),
			Retries:  pulumi.Int(3),
		},
		Wait:        pulumi.Bool(true),
		WaitTimeout: pulumi.Int(60),
	}, pulumi.Parent(e), pulumi.DeleteBeforeReplace(true)) // fixed host ports: the old one must go first
	if err != nil {
		return fmt.Errorf("container: %w", err)
	}
	return nil
}

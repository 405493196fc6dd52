package container

import (
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/pulumi/pulumi-command/sdk/go/command/local"
	"github.com/pulumi/pulumi-docker/sdk/v4/go/docker"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/jiucom/jiucom-infra/components/config"
)

// Service is one running container and the image it runs.
type Service struct {
	pulumi.ResourceState

	Container *docker.Container
	// Reload applies the live config to the running container (nil without one).
	Reload *local.Command
	// ContainerName is the name other containers on the network resolve.
	ContainerName pulumi.StringOutput `pulumi:"containerName"`
	ImageID       pulumi.StringOutput `pulumi:"imageId"`
}

// Args names the container and carries its spec.
type Args struct {
	// ContainerName is the docker name, e.g. "jiucom-mysql".
	ContainerName string
	Spec          Spec
}

const (
	defaultWait = 120 * time.Second
	logMaxSize  = "10m"
	logMaxFiles = "3"
)

// NewService registers the image and the container. The caller passes the
// host's docker provider in opts (pulumi.Provider); children inherit it.
func NewService(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*Service, error) {
	if args == nil || args.ContainerName == "" {
		return nil, fmt.Errorf("container %s: a container name is required", name)
	}
	if err := Validate(args.Spec); err != nil {
		return nil, fmt.Errorf("container %s: %w", name, err)
	}
	svc := &Service{}
	if err := ctx.RegisterComponentResource("jiucom:container:Service", name, svc, opts...); err != nil {
		return nil, fmt.Errorf("container %s: %w", name, err)
	}
	image, err := docker.NewRemoteImage(ctx, name+"-image", imageArgs(args.Spec), pulumi.Parent(svc))
	if err != nil {
		return nil, fmt.Errorf("container %s: image: %w", name, err)
	}
	spec := args.Spec
	containerOpts := []pulumi.ResourceOption{pulumi.Parent(svc),
		// Replacing a stateful container must stop the old one first: two
		// mysqld processes on one data volume corrupt it.
		pulumi.DeleteBeforeReplace(true)}
	if spec.LiveConfig != nil {
		spec.Files = append(liveConfigUploads(spec.LiveConfig), spec.Files...)
		containerOpts = append(containerOpts, liveConfigIgnore)
	}
	c, err := docker.NewContainer(ctx, name+"-container", containerArgs(args.ContainerName, spec, image.ImageId), containerOpts...)
	if err != nil {
		return nil, fmt.Errorf("container %s: %w", name, err)
	}
	svc.Container = c
	if spec.LiveConfig != nil {
		if svc.Reload, err = newReload(ctx, name, args.ContainerName, spec.LiveConfig, svc); err != nil {
			return nil, err
		}
	}
	svc.ContainerName = c.Name
	svc.ImageID = image.ImageId
	if err := ctx.RegisterResourceOutputs(svc, pulumi.Map{
		"containerName": c.Name,
		"imageId":       image.ImageId,
	}); err != nil {
		return nil, fmt.Errorf("container %s: %w", name, err)
	}
	return svc, nil
}

func imageArgs(s Spec) *docker.RemoteImageArgs {
	args := &docker.RemoteImageArgs{
		Name: pulumi.String(s.Image),
		// Keep images on destroy: a teardown should not force a re-pull.
		KeepLocally: pulumi.Bool(true),
	}
	if s.Build != nil {
		args.Build = &docker.RemoteImageBuildArgs{Context: pulumi.String(s.Build.Context)}
	}
	return args
}

func containerArgs(containerName string, s Spec, imageID pulumi.StringInput) *docker.ContainerArgs {
	r := s.Resources
	wait := s.WaitTimeout
	if wait == 0 {
		wait = defaultWait
	}
	args := &docker.ContainerArgs{
		Name:  pulumi.String(containerName),
		Image: imageID,
		// The engine restarts a crashed service, but not one an operator
		// stopped on purpose.
		Restart: pulumi.String("unless-stopped"),
		// Memory is the hard limit; MemorySwap equal to it means no swap (the
		// container is OOM-killed at its limit) and stops the provider from
		// reading back 2×Memory as a perpetual diff.
		Memory:            pulumi.Int(r.MemoryLimitMiB),
		MemorySwap:        pulumi.Int(r.MemoryLimitMiB),
		MemoryReservation: pulumi.Int(r.MemoryReservationMiB),
		Cpus:              pulumi.String(config.FormatMilliCPU(r.CPULimitMilli)),
		// Docker has no CPU reservation for a plain container; shares give the
		// reserved cores their weight under contention.
		CpuShares:    pulumi.Int(r.CPUReservationMilli * config.CPUSharesPerCore / 1000),
		SecurityOpts: pulumi.StringArray{pulumi.String("no-new-privileges:true")},
		LogDriver:    pulumi.String("json-file"),
		LogOpts:      pulumi.StringMap{"max-size": pulumi.String(logMaxSize), "max-file": pulumi.String(logMaxFiles)},
		Healthcheck:  healthcheck(s.Health),
		Wait:         pulumi.Bool(true),
		WaitTimeout:  pulumi.Int(int(wait.Seconds())),
		Labels:       labels(s.Labels),
		// The images write to their root filesystem (entrypoints, pid
		// files); sent explicitly, as the provider reads it back.
		ReadOnly: pulumi.Bool(false),
	}
	if s.StopGrace > 0 {
		args.DestroyGraceSeconds = pulumi.Int(int(s.StopGrace.Seconds()))
	}
	// Lists are sent only with real values: command and entrypoint are
	// optional-computed, and an empty one is read back as the image's own
	// CMD/ENTRYPOINT, which replaced the container on every up.
	if len(s.Env) > 0 {
		args.Envs = envs(s.Env)
	}
	if len(s.Ports) > 0 {
		args.Ports = ports(s.Ports)
	}
	if len(s.Mounts) > 0 {
		args.Volumes = mounts(s.Mounts)
	}
	if len(s.Files) > 0 {
		args.Uploads = uploads(s.Files)
	}
	if len(s.Command) > 0 {
		args.Command = pulumi.ToStringArray(s.Command)
	}
	if len(s.Entrypoint) > 0 {
		args.Entrypoints = pulumi.ToStringArray(s.Entrypoint)
	}
	if len(s.Ulimits) > 0 {
		var ulimits docker.ContainerUlimitArray
		for _, u := range s.Ulimits {
			ulimits = append(ulimits, docker.ContainerUlimitArgs{Name: pulumi.String(u.Name), Soft: pulumi.Int(u.Soft), Hard: pulumi.Int(u.Hard)})
		}
		args.Ulimits = ulimits
	}
	if s.PidMode != "" {
		args.PidMode = pulumi.String(s.PidMode)
	}
	if !s.KeepDefaultCaps {
		args.Capabilities = &docker.ContainerCapabilitiesArgs{
			Drops: pulumi.StringArray{pulumi.String("ALL")},
			Adds:  pulumi.ToStringArray(s.CapAdd),
		}
	}
	if s.Network != nil {
		args.NetworksAdvanced = docker.ContainerNetworksAdvancedArray{
			docker.ContainerNetworksAdvancedArgs{Name: s.Network},
		}
	}
	return args
}

// envs renders the variables in a stable order. Secrets never go here:
// they are uploaded as files (Spec.Files).
func envs(env map[string]string) pulumi.StringArray {
	var out pulumi.StringArray
	for _, k := range slices.Sorted(maps.Keys(env)) {
		out = append(out, pulumi.String(k+"="+env[k]))
	}
	return out
}

// The steady-state checks run for the container's whole life: every 10 s,
// 5 s to answer, unhealthy after 5 failures in a row.
const (
	healthInterval    = 10 * time.Second
	healthTimeout     = 5 * time.Second
	healthRetries     = 5
	defaultStartGrace = 30 * time.Second
)

func healthcheck(h Healthcheck) *docker.ContainerHealthcheckArgs {
	start := h.StartPeriod
	if start == 0 {
		start = defaultStartGrace
	}
	args := &docker.ContainerHealthcheckArgs{
		Tests:       pulumi.ToStringArray(h.Test),
		Interval:    pulumi.String(healthInterval.String()),
		Timeout:     pulumi.String(healthTimeout.String()),
		StartPeriod: pulumi.String(start.String()),
		Retries:     pulumi.Int(healthRetries),
	}
	// Unset unless given: an engine before API 1.44 drops it, and a value
	// sent but never read back would be a diff on every preview.
	if h.StartInterval > 0 {
		args.StartInterval = pulumi.String(h.StartInterval.String())
	}
	return args
}

func ports(ps []Port) docker.ContainerPortArray {
	var out docker.ContainerPortArray
	for _, p := range ps {
		out = append(out, docker.ContainerPortArgs{
			Internal: pulumi.Int(p.Internal),
			External: pulumi.Int(p.External),
			Ip:       pulumi.String(p.HostIP),
			Protocol: pulumi.String("tcp"),
		})
	}
	return out
}

func mounts(ms []Mount) docker.ContainerVolumeArray {
	var out docker.ContainerVolumeArray
	for _, m := range ms {
		v := docker.ContainerVolumeArgs{ContainerPath: pulumi.String(m.Target), ReadOnly: pulumi.Bool(m.ReadOnly)}
		if m.Volume != nil {
			v.VolumeName = m.Volume
		} else {
			v.HostPath = pulumi.String(m.HostPath)
		}
		out = append(out, v)
	}
	return out
}

func uploads(fs []File) docker.ContainerUploadArray {
	var out docker.ContainerUploadArray
	for _, f := range fs {
		mode := f.Mode
		if mode == "" {
			mode = "0444"
		}
		out = append(out, docker.ContainerUploadArgs{File: pulumi.String(f.Path), Content: f.Content, Permissions: pulumi.String(mode)})
	}
	return out
}

func labels(ls map[string]string) docker.ContainerLabelArray {
	var out docker.ContainerLabelArray
	for _, k := range slices.Sorted(maps.Keys(ls)) {
		out = append(out, docker.ContainerLabelArgs{Label: pulumi.String(k), Value: pulumi.String(ls[k])})
	}
	return out
}

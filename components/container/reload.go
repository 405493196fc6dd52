package container

import (
	"fmt"

	"github.com/pulumi/pulumi-command/sdk/go/command/local"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/jiucom/jiucom-infra/assets"
)

// LiveConfig is an nginx config that reaches the running container by a
// graceful reload instead of a replacement. The container is created with
// the config uploaded, so it starts serving; later changes of the config or
// of an upstream container go through a reload command that pushes the
// config on stdin, runs `nginx -t` and only then swaps and reloads it. A
// config nginx refuses fails `pulumi up` with nginx's message and leaves the
// running config serving.
type LiveConfig struct {
	// Path is the config's path inside the container.
	Path    string
	Content pulumi.StringInput
	// Upstreams are the containers nginx resolves by name when it loads its
	// config: a replaced one (a new ID) reloads nginx, which resolves again.
	Upstreams []pulumi.IDOutput
	// Engine is the docker endpoint (unix:// or ssh://) the docker CLI
	// reaches the container on, the same as the host's provider.
	Engine string
}

// applyScriptPath is where every nginx container carries apply-config.sh.
const applyScriptPath = "/usr/local/lib/jiucom/apply-config.sh"

// liveConfigUploads are the files a live-config container starts with: the
// config first (its position is what ignoreChanges names) and the script
// the reload runs.
func liveConfigUploads(c *LiveConfig) []File {
	return []File{
		{Path: c.Path, Content: c.Content},
		{Path: applyScriptPath, Content: pulumi.String(assets.NginxApplyConfig), Mode: "0555"},
	}
}

// liveConfigIgnore keeps the uploaded config out of the container's diff: a
// new config is pushed by the reload, not by a replacement. A container
// replaced for another reason starts with the config in the state and gets
// the current one pushed right after (the reload is triggered by its ID).
var liveConfigIgnore = pulumi.IgnoreChanges([]string{"uploads[0]"})

func reloadEnv(engine, containerName, confPath string) pulumi.StringMap {
	return pulumi.StringMap{
		"DOCKER_HOST":     pulumi.String(engine),
		"NGINX_CONTAINER": pulumi.String(containerName),
		"NGINX_CONF":      pulumi.String(confPath),
		"APPLY_SCRIPT":    pulumi.String(applyScriptPath),
	}
}

// newReload registers the command that applies c to the running container
// c after every change of the config, the container or an upstream.
func newReload(ctx *pulumi.Context, name, containerName string, c *LiveConfig, running *Service) (*local.Command, error) {
	triggers := pulumi.Array{running.Container.ID()}
	for _, id := range c.Upstreams {
		triggers = append(triggers, id)
	}
	cmd, err := local.NewCommand(ctx, name+"-reload", &local.CommandArgs{
		Create:      pulumi.String(assets.NginxReloadContainer),
		Stdin:       c.Content,
		Environment: reloadEnv(c.Engine, containerName, c.Path),
		Triggers:    triggers,
	}, pulumi.Parent(running), pulumi.DependsOn([]pulumi.Resource{running.Container}))
	if err != nil {
		return nil, fmt.Errorf("container %s: reload: %w", name, err)
	}
	return cmd, nil
}

// ReloadIfRunning reloads the nginx container nginxName on engine, if it is
// running, whenever the container upstream is replaced; nginx resolves the
// new address only on a reload. A rolling deploy puts it between replicas so
// the next one goes down only once nginx routes to the new one. Before the
// nginx container exists it does nothing: nginx resolves names at start.
// The command is a child of upstream.
func ReloadIfRunning(ctx *pulumi.Context, name, engine, nginxName, confPath string, upstream *Service) (*local.Command, error) {
	env := reloadEnv(engine, nginxName, confPath)
	env["RELOAD_IF_RUNNING"] = pulumi.String("1")
	cmd, err := local.NewCommand(ctx, name, &local.CommandArgs{
		Create:      pulumi.String(assets.NginxReloadContainer),
		Environment: env,
		Triggers:    pulumi.Array{upstream.Container.ID()},
	}, pulumi.Parent(upstream), pulumi.DependsOn([]pulumi.Resource{upstream.Container}))
	if err != nil {
		return nil, fmt.Errorf("container %s: %w", name, err)
	}
	return cmd, nil
}

package stack_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jiucom/jiucom-infra/tests/harness"
)

// Every nginx that resolves upstreams by name takes its config through a
// reload command on its own engine: the container starts with the config
// (ignored in later diffs), and the command pushes the same text on stdin.
func TestNginxConfigIsAppliedByReload(t *testing.T) {
	engines := map[string]map[string]string{
		"dev":  {"gateway": "unix:///var/run/docker.sock", "nginx-mon": "unix:///var/run/docker.sock", "edge-nginx": "unix:///var/run/docker.sock"},
		"prod": {"gateway": "ssh://jiu@192.168.0.30", "nginx-mon": "ssh://jiu@192.168.0.20"},
	}
	for stackName, want := range engines {
		rec := run(t, stackName)
		for name, engine := range want {
			c, ok := rec.Named(containerType, name+"-container")
			require.True(t, ok, name)
			reload, ok := rec.Named("command:local:Command", name+"-reload")
			require.True(t, ok, "%s: %s has a reload command", stackName, name)
			assert.Equal(t, []string{"uploads[0]"}, c.IgnoreChanges, "%s: the pushed config is not a replacement", name)
			first := harness.Obj(harness.Arr(c.Inputs["uploads"])[0])
			env := harness.Obj(reload.Inputs["environment"])
			assert.Equal(t, harness.Str(first["file"]), harness.Str(env["NGINX_CONF"]))
			assert.Equal(t, harness.Str(first["content"]), harness.Str(reload.Inputs["stdin"]), "%s: the same config", name)
			assert.Equal(t, harness.Str(c.Inputs["name"]), harness.Str(env["NGINX_CONTAINER"]))
			assert.Equal(t, engine, harness.Str(env["DOCKER_HOST"]), "%s: the reload reaches the container's own engine", name)
			assert.True(t, harness.DependsOn(reload, c), "%s: the reload runs once the container is up", name)
			assert.Equal(t, c.ID, harness.Str(harness.Arr(reload.Inputs["triggers"])[0]), "a new container gets the current config")
		}
	}
}

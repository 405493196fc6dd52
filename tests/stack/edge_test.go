package stack_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jiucom/jiucom-infra/components/config"
	"github.com/jiucom/jiucom-infra/tests/harness"
)

func gcpResources(rec *harness.Recording) []harness.Resource {
	var out []harness.Resource
	for _, r := range rec.Resources {
		if strings.HasPrefix(r.Type, "gcp:") {
			out = append(out, r)
		}
	}
	return out
}

func TestDevEdgeIsAContainerStartedAfterHomeNginx(t *testing.T) {
	rec := run(t, "dev")
	assert.Empty(t, gcpResources(rec))
	edge, ok := rec.Named(containerType, "edge-nginx-container")
	require.True(t, ok)
	edgeComponent, _ := rec.Named("jiucom:edge:Edge", "edge")
	for _, home := range []string{config.Gateway, config.NginxMon} {
		homeContainers, _ := containersOf(rec, home)
		require.Len(t, homeContainers, 1)
		assert.True(t, harness.DependsOn(edgeComponent, homeContainers[0]), "the edge resolves %s at start", home)
	}
	conf := harness.Str(harness.Obj(harness.Arr(edge.Inputs["uploads"])[0])["content"])
	assert.Contains(t, conf, "jiucom-nginx-mon:443", "monitoring names go to nginx_mon over the docker network")
	assert.Contains(t, conf, "jiucom-gateway:80")
	// nginx resolves upstream names when it loads its config: a replaced
	// home nginx reloads the edge, so their container IDs trigger its reload
	// (and nothing of them is in the container's own inputs).
	reload, ok := rec.Named("command:local:Command", "edge-nginx-reload")
	require.True(t, ok)
	assert.Equal(t, conf, harness.Str(reload.Inputs["stdin"]), "the reload pushes the same config")
	triggers := harness.Arr(reload.Inputs["triggers"])
	for _, home := range []string{config.Gateway, config.NginxMon} {
		homeContainers, _ := containersOf(rec, home)
		assert.Contains(t, triggers, resource.NewProperty(homeContainers[0].ID), "a replaced %s reloads the edge", home)
		assert.NotContains(t, fmt.Sprint(edge.Inputs), homeContainers[0].ID)
	}
	network, _ := rec.Named("docker:index/network:Network", "monitoring-service-network")
	assert.Equal(t, "172.31.250.0/24", harness.Str(harness.Obj(harness.Arr(network.Inputs["ipamConfigs"])[0])["subnet"]),
		"the shared network's range is what home nginx trusts")
	// The edge owns :80 on the shared engine; the gateway moves to the LAN address.
	gateways, _ := containersOf(rec, config.Gateway)
	port := harness.Obj(harness.Arr(gateways[0].Inputs["ports"])[0])
	assert.Equal(t, "127.0.0.1", harness.Str(port["ip"]))
}

func TestProdEdgeIsAGCPVMRelayingToTheRouter(t *testing.T) {
	rec := run(t, "prod")
	assert.NotEmpty(t, rec.OfType("gcp:compute/instance:Instance"))
	_, ok := rec.Named(containerType, "edge-nginx-container")
	assert.False(t, ok, "no edge container in prod")
	copyStep := rec.OfType("command:remote:CopyToRemote")
	require.NotEmpty(t, copyStep)
	source := copyStep[0].Inputs["source"]
	require.True(t, source.IsAsset(), "the config is copied as an asset")
	text := source.AssetValue().Text
	assert.Contains(t, text, "198.51.100.24:8888", "grafana's name goes to the router's monitoring port")
	assert.Contains(t, text, "198.51.100.24:8889")
	assert.Contains(t, text, "198.51.100.24:8880")
	// The gateway is the service host's public entry point.
	gateways, _ := containersOf(rec, config.Gateway)
	assert.Equal(t, "0.0.0.0", harness.Str(harness.Obj(harness.Arr(gateways[0].Inputs["ports"])[0])["ip"]))
}

func TestEdgeNoneCreatesNoEdgeResources(t *testing.T) {
	in, err := harness.StackInput("prod")
	require.NoError(t, err)
	in.Values[config.KeyEdge] = `{"mode": "none"}`
	delete(in.Values, config.KeyEdgeSSHPrivateKey)
	rec, err := harness.Run("prod", in)
	require.NoError(t, err)
	assert.Empty(t, gcpResources(rec))
	assert.Empty(t, rec.OfType("command:remote:Command"))
	_, ok := rec.Named(containerType, "edge-nginx-container")
	assert.False(t, ok)
}

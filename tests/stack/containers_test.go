package stack_test

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jiucom/jiucom-infra/components/config"
	"github.com/jiucom/jiucom-infra/components/services"
	"github.com/jiucom/jiucom-infra/tests/harness"
)

const (
	containerType = "docker:index/container:Container"
	serviceType   = "jiucom:container:Service"
	hostType      = "jiucom:dockerhost:Host"
	providerType  = "pulumi:providers:docker"
	volumeType    = "docker:index/volume:Volume"
)

func service(c harness.Resource) string { return harness.Label(c, "com.jiucom.service") }

func TestEveryContainerFollowsThePlatformRules(t *testing.T) {
	for _, stackName := range []string{"dev", "prod"} {
		t.Run(stackName, func(t *testing.T) {
			rec := run(t, stackName)
			for _, c := range rec.OfType(containerType) {
				in := c.Inputs
				svc := service(c)
				want := services.Catalog()[svc].Res
				t.Run(c.Name, func(t *testing.T) {
					require.NotEmpty(t, svc, "container carries its service label")
					assert.Equal(t, want.MemoryLimitMiB, harness.Num(in["memory"]), "memory limit per the seed table")
					assert.Equal(t, harness.Num(in["memory"]), harness.Num(in["memorySwap"]), "no swap: MemorySwap == Memory")
					assert.Equal(t, want.MemoryReservationMiB, harness.Num(in["memoryReservation"]))
					assert.Equal(t, config.FormatMilliCPU(want.CPULimitMilli), harness.Str(in["cpus"]))
					assert.Equal(t, want.CPUReservationMilli*1024/1000, harness.Num(in["cpuShares"]), "CPU reservation as shares")
					assert.NotEmpty(t, harness.Arr(harness.Obj(in["healthcheck"])["tests"]), "healthcheck")
					assert.True(t, harness.Bool(in["wait"]), "dependents wait for health")
					assert.Equal(t, "unless-stopped", harness.Str(in["restart"]))
					assert.Equal(t, "json-file", harness.Str(in["logDriver"]))
					assert.Equal(t, "10m", harness.Str(harness.Obj(in["logOpts"])["max-size"]), "log rotation")
					assert.Contains(t, harness.Arr(in["securityOpts"]), resource.NewProperty("no-new-privileges:true"))
					assert.True(t, strings.HasPrefix(harness.Str(in["name"]), "jiucom-"), "prefixed name")
					assert.False(t, harness.Bool(in["privileged"]), "not privileged")
				})
			}
		})
	}
}

func TestImagesArePinned(t *testing.T) {
	for _, stackName := range []string{"dev", "prod"} {
		rec := run(t, stackName)
		for _, img := range rec.OfType("docker:index/remoteImage:RemoteImage") {
			assert.NoError(t, config.CheckPinnedImage(harness.Str(img.Inputs["name"])), "%s %s", stackName, img.Name)
			assert.True(t, harness.Bool(img.Inputs["keepLocally"]))
		}
	}
}

func TestOnlyTheGatewayListensOnEveryAddress(t *testing.T) {
	for _, stackName := range []string{"dev", "prod"} {
		rec := run(t, stackName)
		for _, c := range rec.OfType(containerType) {
			for _, p := range harness.Arr(c.Inputs["ports"]) {
				ip := harness.Str(harness.Obj(p)["ip"])
				require.NotEmpty(t, ip, "%s %s: port bound to an explicit address", stackName, c.Name)
				if ip == "0.0.0.0" || ip == "::" {
					assert.Contains(t, []string{config.Gateway, config.EdgeProxy}, service(c), "%s %s publishes on a wildcard address", stackName, c.Name)
				}
			}
		}
	}
}

func TestContainersRunOnTheirHostsProvider(t *testing.T) {
	for _, stackName := range []string{"dev", "prod"} {
		rec := run(t, stackName)
		for _, typ := range []string{containerType, "docker:index/remoteImage:RemoteImage", volumeType, "docker:index/network:Network"} {
			for _, res := range rec.OfType(typ) {
				p, ok := rec.ProviderOf(res)
				require.True(t, ok, "%s %s uses the default docker provider", stackName, res.Name)
				assert.Equal(t, providerType, p.Type)
			}
		}
		// Each container's provider is the one its role's host declared.
		cfg := parsed(t, stackName)
		for _, c := range rec.OfType(containerType) {
			p, _ := rec.ProviderOf(c)
			role := config.Role(harness.Label(c, "com.jiucom.role"))
			if service(c) == config.EdgeProxy {
				role = cfg.Edge.ContainerHost
			}
			endpoint := cfg.Hosts[role].Docker
			assert.Equal(t, endpoint, harness.Str(p.Inputs["host"]), "%s %s runs on %s", stackName, c.Name, role)
		}
	}
}

func parsed(t *testing.T, stackName string) *config.Stack {
	in, err := harness.StackInput(stackName)
	require.NoError(t, err)
	cfg, err := config.Parse(in, services.Catalog())
	require.NoError(t, err)
	return cfg
}

func TestDevSharesOneEngineAndProdHasTwo(t *testing.T) {
	dev := run(t, "dev")
	assert.Len(t, dev.OfType(providerType), 1)
	assert.Len(t, dev.OfType("docker:index/network:Network"), 1)
	prod := run(t, "prod")
	assert.Len(t, prod.OfType(providerType), 2)
	assert.Len(t, prod.OfType("docker:index/network:Network"), 2)
	// node-exporter and cAdvisor run once per engine.
	for rec, engines := range map[*harness.Recording]int{dev: 1, prod: 2} {
		count := map[string]int{}
		for _, c := range rec.OfType(containerType) {
			count[service(c)]++
		}
		assert.Equal(t, engines, count[config.NodeExporter])
		assert.Equal(t, engines, count[config.CAdvisor])
	}
}

func TestNamesAreUniqueAndPrefixedByTheirComponent(t *testing.T) {
	rec := run(t, "prod")
	seen := map[string]bool{}
	for _, res := range rec.Resources {
		assert.False(t, seen[res.URN], "duplicate %s", res.URN)
		seen[res.URN] = true
		if res.Parent == "" || harness.IsRoot(res.Parent) {
			continue
		}
		parent, ok := rec.ByURN(res.Parent)
		require.True(t, ok, "%s has an unknown parent %s", res.Name, res.Parent)
		assert.True(t, strings.HasPrefix(res.Name, parent.Name+"-"), "%s is not prefixed by its parent %s", res.Name, parent.Name)
	}
	names := map[string]bool{}
	for _, c := range rec.OfType(containerType) {
		engine := providerOfName(rec, c)
		key := engine + "/" + harness.Str(c.Inputs["name"])
		assert.False(t, names[key], "two containers named %s on one engine", key)
		names[key] = true
	}
}

func providerOfName(rec *harness.Recording, c harness.Resource) string {
	p, _ := rec.ProviderOf(c)
	return p.Name
}

func TestAppReplicasScale(t *testing.T) {
	in, err := harness.StackInput("prod")
	require.NoError(t, err)
	in.Values[config.KeyApp] = `{"replicas": 3}`
	rec, err := harness.Run("prod", in)
	require.NoError(t, err)
	var apps []harness.Resource
	for _, c := range rec.OfType(containerType) {
		if service(c) == config.App {
			apps = append(apps, c)
		}
	}
	require.Len(t, apps, 3)
	// The mock records registrations as they arrive, which is not
	// necessarily program order.
	slices.SortFunc(apps, func(a, b harness.Resource) int {
		return strings.Compare(harness.Str(a.Inputs["name"]), harness.Str(b.Inputs["name"]))
	})
	for i, c := range apps {
		assert.Equal(t, "jiucom-app-"+strconv.Itoa(i+1), harness.Str(c.Inputs["name"]))
		assert.Equal(t, 1024, harness.Num(c.Inputs["memory"]), "each replica has the full limits")
	}
}

// Renamed component types keep answering to their former names, so an
// existing stack's hosts, certificates and every child under them are not
// replaced by the rename.
func TestRenamedComponentTypesKeepAliases(t *testing.T) {
	rec := run(t, "dev")
	for typ, former := range map[string]string{hostType: "jiucom:docker:Host", "jiucom:tlscert:SelfSigned": "jiucom:tls:SelfSigned"} {
		found := rec.OfType(typ)
		require.NotEmpty(t, found, typ)
		for _, r := range found {
			assert.Contains(t, r.AliasTypes, former, "%s %s", typ, r.Name)
		}
	}
}

package stack_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/jiucom/jiucom-infra/components/config"
	"github.com/jiucom/jiucom-infra/components/services"
	"github.com/jiucom/jiucom-infra/tests/harness"
)

// readmeThirdHost reads the README's three-host example (the "A third
// host" block) over the committed prod stack: the hosts as JSON and the
// extra services as JSON, so the example users copy is the one tested.
func readmeThirdHost(t *testing.T) (hosts, extras string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(harness.Root(), "README.md"))
	require.NoError(t, err)
	_, rest, ok := strings.Cut(string(data), "### A third host")
	require.True(t, ok, "README has the three-host example")
	_, rest, _ = strings.Cut(rest, "```yaml\n")
	block, _, ok := strings.Cut(rest, "```")
	require.True(t, ok)
	var example map[string]any
	require.NoError(t, yaml.Unmarshal([]byte(block), &example))
	in, err := harness.StackInput("prod")
	require.NoError(t, err)
	var all map[string]any
	require.NoError(t, json.Unmarshal([]byte(in.Values[config.KeyHosts]), &all))
	for name, h := range example[harness.Project+":"+config.KeyHosts].(map[string]any) {
		all[name] = h
	}
	h, err := json.Marshal(all)
	require.NoError(t, err)
	x, err := json.Marshal(example[harness.Project+":"+config.KeyExtraServices])
	require.NoError(t, err)
	return string(h), string(x)
}

// engineOf names the docker host (component) a container runs on.
func engineOf(t *testing.T, rec *harness.Recording, c harness.Resource) string {
	t.Helper()
	provider, ok := rec.ProviderOf(c)
	require.True(t, ok, "%s has an explicit provider", c.Name)
	return strings.TrimSuffix(provider.Name, "-docker")
}

func TestAThirdHostRunsItsServicesAndItsAgents(t *testing.T) {
	threeHosts, toolsExtras := readmeThirdHost(t)
	rec := runWith(t, "prod", routedExtras(t, "prod", toolsExtras, config.KeyHosts, threeHosts))
	hosts := rec.OfType(hostType)
	var names []string
	for _, h := range hosts {
		names = append(names, h.Name)
	}
	assert.ElementsMatch(t, []string{"monitoring", "service", "tools"}, names)
	on := map[string]string{}
	for _, c := range rec.OfType(containerType) {
		on[c.Name] = engineOf(t, rec, c)
	}
	assert.Equal(t, "tools", on["jenkins-container"])
	assert.Equal(t, "tools", on["n8n-container"])
	assert.Equal(t, "tools", on["node-exporter-tools-container"], "agents run on every host")
	assert.Equal(t, "tools", on["cadvisor-tools-container"])
	assert.Equal(t, "service", on["mysql-container"], "the defaults keep the two-host layout")
	assert.Equal(t, "monitoring", on["grafana-container"])

	// The gateway reaches Jenkins across hosts at the tools box's LAN
	// address, where Jenkins is published on that address only.
	gateways, _ := containersOf(rec, config.Gateway)
	conf := harness.Str(harness.Obj(harness.Arr(gateways[0].Inputs["uploads"])[0])["content"])
	assert.Contains(t, conf, "192.168.0.40:8080")
	jenkins, _ := rec.Named(containerType, "jenkins-container")
	port := harness.Obj(harness.Arr(jenkins.Inputs["ports"])[0])
	assert.Equal(t, "192.168.0.40", harness.Str(port["ip"]))
	// Its data volume is created on the tools engine.
	vol, ok := rec.Named("docker:index/volume:Volume", "tools-jiucom-jenkins-data")
	require.True(t, ok, "jenkins' volume on the tools host")
	assert.True(t, vol.Retain)
	// Prometheus scrapes the third host's agents.
	prom, _ := rec.Named(containerType, "prometheus-container")
	assert.Contains(t, uploadedText(prom), "192.168.0.40:9100")
}

func uploadedText(c harness.Resource) string {
	var b strings.Builder
	for _, u := range harness.Arr(c.Inputs["uploads"]) {
		b.WriteString(harness.Str(harness.Obj(u)["content"]))
	}
	return b.String()
}

// Moving mysql (with its exporter) to a third host moves its volume, its
// scrape target and the app's address, and touches nothing else; the
// capacity check follows it to the new host.
func TestMovingMySQLToAThirdHost(t *testing.T) {
	threeHosts, _ := readmeThirdHost(t)
	dbHosts := strings.Replace(threeHosts, `"tools":`, `"db":`, 1)
	twoPlus := runWith(t, "prod", map[string]string{config.KeyHosts: dbHosts})
	moved := runWith(t, "prod", map[string]string{config.KeyHosts: dbHosts,
		config.KeyPlacement: `{"mysql": "db", "mysql-exporter": "db"}`})
	got := touched(twoPlus, moved)
	assert.Equal(t, []string{
		"app-1-container", "app-1-gateway-reload", "app-2-container", // the app's database address
		"backup-db-container", "backup-db-image", "backup-service-container", // mysql's backup moves with it
		"db-jiucom-mysql-data",                                                               // the volume is created on db …
		"gateway-reload",                                                                     // the app replicas were replaced
		"mysql-container", "mysql-exporter-container", "mysql-exporter-image", "mysql-image", // on db's provider
		"prometheus-container",      // the exporter's target
		"service-jiucom-mysql-data", // … and leaves the service host's state
	}, got)
	app, _ := rec1(moved, "app-1-container")
	assert.Contains(t, strings.Join(strs(harness.Arr(app.Inputs["envs"])), " "), "jdbc:mysql://192.168.0.40:3306/jiucom")
	prom, _ := rec1(moved, "prometheus-container")
	assert.Contains(t, uploadedText(prom), "192.168.0.40:9104", "the exporter's target moves")

	// The capacity sum follows mysql: a db box too small for it is refused.
	small := strings.Replace(dbHosts, `"memory":"8GB"`, `"memory":"256MB"`, 1)
	require.NotEqual(t, dbHosts, small)
	in, err := harness.StackInput("prod")
	require.NoError(t, err)
	in.Values[config.KeyHosts] = small
	in.Values[config.KeyPlacement] = `{"mysql": "db", "mysql-exporter": "db"}`
	_, err = config.Parse(in, services.Catalog())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "hosts.db.memory")
}

func rec1(rec *harness.Recording, name string) (harness.Resource, bool) {
	return rec.Named(containerType, name)
}

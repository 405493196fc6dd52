package stack_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jiucom/jiucom-infra/components/config"
	"github.com/jiucom/jiucom-infra/tests/harness"
)

// threeHosts is the committed prod stack's two hosts plus a third box.
const threeHosts = `{
  "monitoring": {"docker": "ssh://jiu@192.168.0.20", "sshOpts": ["-o", "ServerAliveInterval=30"], "lan": "192.168.0.20", "cpus": 8, "memory": "16GB", "routerHttpsPort": 8888, "routerHttpPort": 8880},
  "service":    {"docker": "ssh://jiu@192.168.0.30", "sshOpts": ["-o", "ServerAliveInterval=30"], "lan": "192.168.0.30", "cpus": 8, "memory": "16GB", "routerHttpsPort": 8889, "routerHttpPort": 8881},
  "tools":      {"docker": "ssh://jiu@192.168.0.40", "lan": "192.168.0.40", "cpus": 4, "memory": "8GB"}}`

// toolsExtras puts the build log's Jenkins and n8n on the third box.
const toolsExtras = `[
 {"name": "jenkins", "image": "jenkins/jenkins:2.479.2-lts", "port": 8080, "path": "/jenkins/", "role": "tools",
  "resources": {"cpu": "1", "memory": "1GB"}, "data": "/var/jenkins_home",
  "health": ["CMD", "curl", "-fsS", "http://127.0.0.1:8080/jenkins/login"]},
 {"name": "n8n", "image": "n8nio/n8n:1.72.1", "port": 5678, "host": "n8n.jiucom.example", "role": "tools",
  "resources": {"cpu": "0.5", "memory": "512MB"},
  "health": ["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:5678/healthz"]}]`

// engineOf names the docker host (component) a container runs on.
func engineOf(t *testing.T, rec *harness.Recording, c harness.Resource) string {
	t.Helper()
	provider, ok := rec.ProviderOf(c)
	require.True(t, ok, "%s has an explicit provider", c.Name)
	return strings.TrimSuffix(provider.Name, "-docker")
}

func TestAThirdHostRunsItsServicesAndItsAgents(t *testing.T) {
	rec := runWith(t, "prod", map[string]string{config.KeyHosts: threeHosts, config.KeyExtraServices: toolsExtras})
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
	dbHosts := strings.Replace(threeHosts, `"tools":`, `"db":`, 1)
	twoPlus := runWith(t, "prod", map[string]string{config.KeyHosts: dbHosts})
	moved := runWith(t, "prod", map[string]string{config.KeyHosts: dbHosts,
		config.KeyPlacement: `{"mysql": "db", "mysql-exporter": "db"}`})
	got := touched(twoPlus, moved)
	assert.Equal(t, []string{
		"app-1-container", "app-1-gateway-reload", "app-2-container", // the app's database address
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
	small := strings.Replace(dbHosts, `"cpus": 4, "memory": "8GB"`, `"cpus": 4, "memory": "256MB"`, 1)
	in, err := harness.StackInput("prod")
	require.NoError(t, err)
	in.Values[config.KeyHosts] = small
	in.Values[config.KeyPlacement] = `{"mysql": "db", "mysql-exporter": "db"}`
	_, err = config.Parse(in)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "hosts.db.memory")
}

func rec1(rec *harness.Recording, name string) (harness.Resource, bool) {
	return rec.Named(containerType, name)
}

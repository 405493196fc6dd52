package config_test

import (
	"errors"
	"maps"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	. "github.com/jiucom/jiucom-infra/components/config"
	"github.com/jiucom/jiucom-infra/components/services"
)

// validInput is a complete prod-like configuration each case mutates once.
func validInput() Input {
	in := Input{Stack: "prod", Values: map[string]string{
		KeyHosts: `{
		  "monitoring": {"docker": "ssh://jiu@192.168.0.20", "lan": "192.168.0.20", "cpus": 8, "memory": "16GB", "routerHttpsPort": 8888, "routerHttpPort": 8880},
		  "service":    {"docker": "ssh://jiu@192.168.0.30:2222", "lan": "192.168.0.30", "cpus": "8", "memory": "16GiB", "routerHttpsPort": 8889, "routerHttpPort": 8881}}`,
		KeyEdge: `{"mode": "gcp", "gcp": {"project": "jiucom-prod", "region": "asia-northeast3", "zone": "asia-northeast3-a"}, "ssh": {"user": "jiu"},
		  "adminCidrs": ["203.0.113.7/32"], "homeAddress": "198.51.100.24",
		  "routes": [{"name": "grafana.example.com", "role": "monitoring"}, {"name": "api.example.com", "role": "service"}]}`,
		KeyImages:          `{"app": "ghcr.io/jiucom/api:1.0.0"}`,
		KeyApp:             `{"replicas": 2}`,
		KeyTracingSampling: "0.1",
	}, Secrets: map[string]bool{}}
	for _, k := range append(SecretKeys, OptionalSecretKeys...) {
		in.Values[k] = "s3cret-" + k
		in.Secrets[k] = true
	}
	in.Values[KeySlackWebhookURL] = "https://hooks.slack.com/services/T0000/B0000/XXXXXXXX"
	return in
}

func TestConfigAcceptsAValidStack(t *testing.T) {
	s, err := Parse(validInput(), services.Catalog())
	require.NoError(t, err)
	assert.Equal(t, 8000, s.Hosts[Monitoring].CPUMilli)
	assert.Equal(t, 16*1024, s.Hosts[Service].MemoryMiB)
	assert.Equal(t, 0.1, s.TracingSampling)
	assert.True(t, s.RetainData, "data is retained unless asked")
	assert.Equal(t, 2, s.App.Replicas)
	assert.Equal(t, services.Catalog()[MySQL].Res, s.Resources[MySQL], "seed table defaults")
	assert.Equal(t, Service, s.Placement[MySQL])
	assert.Len(t, s.Engines(), 2)
}

func TestConfigRejectsBadInputNamingTheKey(t *testing.T) {
	cases := []struct {
		name   string
		key    string // the config key the problem must name
		mutate func(in Input)
	}{
		{"bad CIDR", "edge.adminCidrs[0]", setJSON(KeyEdge, "adminCidrs", `["203.0.113.300/32"]`)},
		{"SSH open to the world", "edge.adminCidrs[0]", setJSON(KeyEdge, "adminCidrs", `["0.0.0.0/0"]`)},
		{"unknown role in placement", "placement.grafana", set(KeyPlacement, `{"grafana": "database"}`)},
		{"unknown service in placement", "placement.graphana", set(KeyPlacement, `{"graphana": "monitoring"}`)},
		{"exporter away from its database", "placement.mysql-exporter", set(KeyPlacement, `{"mysql-exporter": "monitoring"}`)},
		{"database moved without its exporter", "placement.redis-exporter", set(KeyPlacement, `{"redis": "monitoring"}`)},
		{"unparsable CPU", "resources.mysql.cpu", set(KeyResources, `{"mysql": {"cpu": "two"}}`)},
		{"unparsable memory", "resources.redis.memory", set(KeyResources, `{"redis": {"memory": "512 megs"}}`)},
		{"CPU reservation above limit", "resources.app.cpuReservation", set(KeyResources, `{"app": {"cpu": "1", "cpuReservation": "1.5"}}`)},
		{"memory reservation above limit", "resources.grafana.memoryReservation", set(KeyResources, `{"grafana": {"memoryReservation": "1GB"}}`)},
		{"reservations above host CPU", "hosts.service.cpus", setJSON(KeyHosts, "service", `{"docker": "ssh://jiu@192.168.0.30", "lan": "192.168.0.30", "cpus": 1, "memory": "16GB", "routerHttpsPort": 8889, "routerHttpPort": 8881}`)},
		{"reservations above host memory", "hosts.monitoring.memory", setJSON(KeyHosts, "monitoring", `{"docker": "ssh://jiu@192.168.0.20", "lan": "192.168.0.20", "cpus": 8, "memory": "512MB", "routerHttpsPort": 8888, "routerHttpPort": 8880}`)},
		{"latest image", "images.grafana", set(KeyImages, `{"app": "ghcr.io/jiucom/api:1.0.0", "grafana": "grafana/grafana:latest"}`)},
		{"untagged image", "images.redis", set(KeyImages, `{"app": "ghcr.io/jiucom/api:1.0.0", "redis": "registry:5000/redis"}`)},
		{"app without image", "images.app", set(KeyImages, `{}`)},
		{"tcp docker endpoint", "hosts.monitoring.docker", setJSON(KeyHosts, "monitoring", `{"docker": "tcp://192.168.0.20:2375", "lan": "192.168.0.20", "cpus": 8, "memory": "16GB"}`)},
		{"ssh endpoint without user", "hosts.service.docker", setJSON(KeyHosts, "service", `{"docker": "ssh://192.168.0.30", "lan": "192.168.0.30", "cpus": 8, "memory": "16GB"}`)},
		{"start interval not a duration", "hosts.service.startInterval", setJSON(KeyHosts, "service", `{"docker": "ssh://a@b", "lan": "192.168.0.30", "cpus": 8, "memory": "16GB", "startInterval": "soon"}`)},
		{"start interval above the interval", "hosts.service.startInterval", setJSON(KeyHosts, "service", `{"docker": "ssh://a@b", "lan": "192.168.0.30", "cpus": 8, "memory": "16GB", "startInterval": "30s"}`)},
		{"LAN is not an address", "hosts.service.lan", setJSON(KeyHosts, "service", `{"docker": "ssh://a@b", "lan": "0.0.0.0", "cpus": 8, "memory": "16GB"}`)},
		{"missing host", "hosts.service", set(KeyHosts, `{"monitoring": {"docker": "unix:///var/run/docker.sock", "lan": "127.0.0.1", "cpus": 8, "memory": "16GB"}}`)},
		{"host name not a label", "hosts.Data_Base", setJSON(KeyHosts, "Data_Base", `{}`)},
		{"route to a host without nginx", "edge.routes[0].role", both(set(KeyEdge, `{"mode": "container", "routes": [{"name": "jenkins.example.com", "role": "tools"}]}`),
			setJSON(KeyHosts, "tools", `{"docker": "ssh://jiu@192.168.0.40", "lan": "192.168.0.40", "cpus": 4, "memory": "8GB"}`))},
		{"placement on an unknown host", "placement.mysql", set(KeyPlacement, `{"mysql": "db", "mysql-exporter": "db"}`)},
		{"default host missing", "hosts.monitoring", set(KeyHosts, `{"service": {"docker": "unix:///var/run/docker.sock", "lan": "127.0.0.1", "cpus": 8, "memory": "16GB"}}`)},
		{"missing secret", KeyMySQLRootPassword, func(in Input) { delete(in.Values, KeyMySQLRootPassword) }},
		{"gcp edge without SSH key", KeyEdgeSSHPrivateKey, func(in Input) { delete(in.Values, KeyEdgeSSHPrivateKey) }},
		{"gcp edge without SSH user", "edge.ssh.user", setJSON(KeyEdge, "ssh", `{}`)},
		{"secret stored in plain text", KeyRedisPassword, func(in Input) { in.Secrets[KeyRedisPassword] = false }},
		{"unknown edge mode", "edge.mode", setJSON(KeyEdge, "mode", `"aws"`)},
		{"gcp edge without project", "edge.gcp.project", setJSON(KeyEdge, "gcp", `{"region": "r", "zone": "z"}`)},
		{"route to unknown role", "edge.routes[1].role", setJSON(KeyEdge, "routes", `[{"name": "a.example.com", "role": "monitoring"}, {"name": "b.example.com", "role": "db"}]`)},
		{"route name is not DNS", "edge.routes[0].name", setJSON(KeyEdge, "routes", `[{"name": "Grafana Site", "role": "monitoring"}]`)},
		{"sampling out of range", KeyTracingSampling, set(KeyTracingSampling, "1.5")},
		{"replicas out of range", "app.replicas", set(KeyApp, `{"replicas": 0}`)},
		{"typo in a field", "resources.mysql.cpus", set(KeyResources, `{"mysql": {"cpus": "2"}}`)},
		{"wrong JSON type", "app.replicas", set(KeyApp, `{"replicas": "three"}`)},
		{"retain is not a boolean", KeyRetainData, set(KeyRetainData, "maybe")},
	}
	cases = append(cases, serviceHostCases...)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := validInput()
			c.mutate(in)
			requireProblemAt(t, in, c.key)
		})
	}
}

func TestConfigReportsEveryProblemAtOnce(t *testing.T) {
	in := validInput()
	set(KeyResources, `{"mysql": {"cpu": "two"}, "redis": {"memory": "512 megs"}}`)(in)
	setJSON(KeyEdge, "adminCidrs", `["nonsense"]`)(in)
	delete(in.Values, KeyGrafanaAdminPassword)
	_, err := Parse(in, services.Catalog())
	var ps Problems
	require.True(t, errors.As(err, &ps))
	assert.Subset(t, ps.Keys(), []string{"resources.mysql.cpu", "resources.redis.memory", "edge.adminCidrs[0]", KeyGrafanaAdminPassword})
	assert.Contains(t, err.Error(), "pulumi config set --secret grafanaAdminPassword")
}

func TestConfigMissingSecretGivesTheExactCommand(t *testing.T) {
	in := validInput()
	delete(in.Values, KeyMySQLPassword)
	_, err := Parse(in, services.Catalog())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "mysqlPassword: missing secret (fix: pulumi config set --secret mysqlPassword <value> -s prod)")
}

func TestConfigOverridesMergeOverDefaults(t *testing.T) {
	in := validInput()
	set(KeyResources, `{"mysql": {"memory": "4GB"}}`)(in)
	set(KeyPlacement, `{"mysql": "monitoring", "mysql-exporter": "monitoring"}`)(in)
	s, err := Parse(in, services.Catalog())
	require.NoError(t, err)
	assert.Equal(t, 4096, s.Resources[MySQL].MemoryLimitMiB)
	assert.Equal(t, services.Catalog()[MySQL].Res.CPULimitMilli, s.Resources[MySQL].CPULimitMilli, "fields not named keep their default")
	assert.Equal(t, Monitoring, s.Placement[MySQL])
	assert.Equal(t, Service, s.Placement[Redis])
}

func TestConfigDevSharesOneEngine(t *testing.T) {
	in := validInput()
	set(KeyHosts, `{"monitoring": {"docker": "unix:///var/run/docker.sock", "lan": "127.0.0.1", "cpus": 4, "memory": "8GB"},
	                "service":    {"docker": "unix:///var/run/docker.sock", "lan": "127.0.0.1", "cpus": 6, "memory": "8GB"}}`)(in)
	set(KeyEdge, `{"mode": "container", "routes": [{"name": "api.jiucom.localhost", "role": "service"}]}`)(in)
	set(KeyZipkin, `{"storage": "mem"}`)(in) // as Pulumi.dev.yaml: no Elasticsearch on a laptop
	s, err := Parse(in, services.Catalog())
	require.NoError(t, err)
	engines := s.Engines()
	require.Len(t, engines, 1)
	assert.Equal(t, "monitoring-service", engines[0].Name)
	assert.Equal(t, 4000, engines[0].CPUMilli, "a shared engine has the smaller declared capacity")
}

func TestConfigQuantities(t *testing.T) {
	for text, want := range map[string]int{"2": 2000, "0.5": 500, "250m": 250, "1.25": 1250} {
		got, err := ParseMilliCPU(text)
		require.NoError(t, err, text)
		assert.Equal(t, want, got, text)
	}
	for text, want := range map[string]int{"512MB": 512, "2GB": 2048, "1.5GiB": 1536, "256Mi": 256, "1g": 1024, "16G": 16384} {
		got, err := ParseMemoryMiB(text)
		require.NoError(t, err, text)
		assert.Equal(t, want, got, text)
	}
	for _, bad := range []string{"two", "", "-1", "0", "NaN", "Inf", "1e9", "0.0001"} {
		_, err := ParseMilliCPU(bad)
		assert.Error(t, err, bad)
	}
	for _, bad := range []string{"512 megs", "", "1KB", "-5MB", "5", "1e3MB", "99999999TB"} {
		_, err := ParseMemoryMiB(bad)
		assert.Error(t, err, bad)
	}
}

func set(key, value string) func(Input) {
	return func(in Input) { in.Values[key] = value }
}

// both applies two changes.
func both(a, b func(Input)) func(Input) {
	return func(in Input) { a(in); b(in) }
}

// setJSON replaces one field of an object key.
func setJSON(key, field, value string) func(Input) {
	return func(in Input) {
		obj := strings.TrimSpace(in.Values[key])
		m := map[string]string{}
		maps.Copy(m, topLevelFields(obj))
		m[field] = value
		var parts []string
		for k, v := range m {
			parts = append(parts, `"`+k+`": `+v)
		}
		in.Values[key] = "{" + strings.Join(parts, ",") + "}"
	}
}

func TestConfigOptionalSecretIsOptionalOffTheVM(t *testing.T) {
	in := validInput()
	set(KeyEdge, `{"mode": "container", "routes": [{"name": "api.jiucom.localhost", "role": "service"}]}`)(in)
	delete(in.Values, KeyEdgeSSHPrivateKey)
	_, err := Parse(in, services.Catalog())
	require.NoError(t, err, "a container edge needs no SSH key")
	in.Values[KeyEdgeSSHPrivateKey] = "key"
	in.Secrets[KeyEdgeSSHPrivateKey] = false
	_, err = Parse(in, services.Catalog())
	require.Error(t, err, "but a key stored in plain text is refused")
}

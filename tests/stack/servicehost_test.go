package stack_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jiucom/jiucom-infra/components/config"
	"github.com/jiucom/jiucom-infra/tests/harness"
)

// extraServicesJSON is the build log's Jenkins and n8n, as a user would add them.
const extraServicesJSON = `[
 {"name": "jenkins", "image": "jenkins/jenkins:2.479.2-lts", "port": 8080, "path": "/jenkins/",
  "resources": {"cpu": "1", "memory": "1GB"}, "data": "/var/jenkins_home",
  "health": ["CMD", "curl", "-fsS", "http://127.0.0.1:8080/jenkins/login"], "env": {"JENKINS_OPTS": "--prefix=/jenkins"}},
 {"name": "n8n", "image": "n8nio/n8n:1.72.1", "port": 5678, "host": "n8n.jiucom.example", "role": "monitoring",
  "resources": {"cpu": "0.5", "memory": "512MB"},
  "health": ["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:5678/healthz"]}
]`

// routedExtras are the values that add extra services to a stack, with an
// edge route to the gateway's host for each host-routed one, as
// acme.enabled requires of them (extraServices[i].host).
func routedExtras(t *testing.T, stackName, extras string, more ...string) map[string]string {
	t.Helper()
	in, err := harness.StackInput(stackName)
	require.NoError(t, err)
	var edge map[string]any
	require.NoError(t, json.Unmarshal([]byte(in.Values[config.KeyEdge]), &edge))
	var list []map[string]any
	require.NoError(t, json.Unmarshal([]byte(extras), &list))
	routes, _ := edge["routes"].([]any)
	for _, e := range list {
		if host, ok := e["host"].(string); ok {
			routes = append(routes, map[string]any{"name": host, "role": string(config.Service)})
		}
	}
	edge["routes"] = routes
	text, err := json.Marshal(edge)
	require.NoError(t, err)
	values := map[string]string{config.KeyExtraServices: extras, config.KeyEdge: string(text)}
	for i := 0; i+1 < len(more); i += 2 {
		values[more[i]] = more[i+1]
	}
	return values
}

func runWith(t *testing.T, stackName string, values map[string]string) *harness.Recording {
	t.Helper()
	in, err := harness.StackInput(stackName)
	require.NoError(t, err)
	for k, v := range values {
		in.Values[k] = v
	}
	rec, err := harness.Run(stackName, in)
	require.NoError(t, err)
	return rec
}

// uploaded returns a container's uploaded file content by path.
func uploaded(c harness.Resource, path string) (string, bool) {
	for _, u := range harness.Arr(c.Inputs["uploads"]) {
		if harness.Str(harness.Obj(u)["file"]) == path {
			return harness.Str(harness.Obj(u)["content"]), true
		}
	}
	return "", false
}

func only(t *testing.T, rec *harness.Recording, service string) harness.Resource {
	t.Helper()
	cs, _ := containersOf(rec, service)
	require.Len(t, cs, 1, service)
	return cs[0]
}

func gatewayConf(t *testing.T, rec *harness.Recording) string {
	t.Helper()
	conf, ok := uploaded(only(t, rec, config.Gateway), "/etc/nginx/nginx.conf")
	require.True(t, ok, "the gateway's config is uploaded")
	return conf
}

func TestServiceHostStartOrder(t *testing.T) {
	rec := runWith(t, "prod", routedExtras(t, "prod", extraServicesJSON))
	order := map[string][]string{
		config.MySQLExporter:   {config.MySQL},
		config.RedisExporter:   {config.Redis},
		config.App:             {config.MySQL, config.Redis},
		config.Gateway:         {config.App, config.Grafana, config.Zipkin, config.GatewayExporter, "jenkins", "n8n"},
		config.GatewayExporter: {},
	}
	for svc, deps := range order {
		_, components := containersOf(rec, svc)
		require.NotEmpty(t, components, svc)
		for _, dep := range deps {
			depContainers, _ := containersOf(rec, dep)
			require.NotEmpty(t, depContainers, dep)
			for _, c := range components {
				for _, d := range depContainers {
					assert.True(t, harness.DependsOn(c, d), "%s starts after %s is healthy", c.Name, d.Name)
				}
			}
		}
	}
}

func TestEveryReplicaIsInTheGatewayUpstream(t *testing.T) {
	rec := runWith(t, "prod", map[string]string{config.KeyApp: `{"replicas": 3}`})
	conf := gatewayConf(t, rec)
	upstream := conf[strings.Index(conf, "upstream app {"):]
	upstream = upstream[:strings.Index(upstream, "}")]
	for _, name := range []string{"jiucom-app-1:8080", "jiucom-app-2:8080", "jiucom-app-3:8080"} {
		assert.Contains(t, upstream, "server "+name+" ", "replica on the gateway's engine, by name")
	}
	// Grafana and Zipkin sit on the monitoring host in prod: LAN address and port.
	assert.Contains(t, conf, "server 192.168.0.20:3000 ")
	assert.Contains(t, conf, "server 192.168.0.20:9411 ")
	// Behind the gcp edge: :80 trusts X-Real-IP, and :443 the PROXY header,
	// from the edge's static IP only.
	assert.Contains(t, conf, "set_real_ip_from 203.0.113.10;\n        real_ip_header X-Real-IP;")
	assert.Contains(t, conf, "set_real_ip_from 203.0.113.10;\n        real_ip_header proxy_protocol;")
	assert.Contains(t, conf, "access_log syslog:server=jiucom-gateway-exporter:5531")
}

func TestDevGatewayReachesEverythingByName(t *testing.T) {
	conf := gatewayConf(t, run(t, "dev"))
	for _, name := range []string{"jiucom-app-1:8080", "jiucom-grafana:3000", "jiucom-zipkin:9411"} {
		assert.Contains(t, conf, "server "+name+" ")
	}
	assert.Contains(t, conf, "set_real_ip_from 172.31.250.0/24;", "the dev edge container's network")
}

func TestGatewayTLSBehindTheEdge(t *testing.T) {
	// The operator's own files: the ACME client (acme_test.go) is off.
	rec := runWith(t, "prod", map[string]string{config.KeyACME: `{"enabled": false}`, config.KeyGateway: `{"tls": {
		"certificate": "/etc/letsencrypt/live/api.jiucom.example/fullchain.pem", "key": "/etc/letsencrypt/live/api.jiucom.example/privkey.pem"}}`})
	conf := gatewayConf(t, rec)
	assert.Contains(t, conf, "listen 443 ssl proxy_protocol;")
	assert.Contains(t, conf, "ssl_certificate /etc/letsencrypt/live/api.jiucom.example/fullchain.pem;")
	assert.Contains(t, conf, "set_real_ip_from 203.0.113.10;\n        real_ip_header proxy_protocol;")
	assert.Contains(t, conf, "return 301 https://$host$request_uri;", "plain HTTP redirects once the certificate is real")
	assert.Contains(t, conf, "location /.well-known/acme-challenge/ {")
	gw := only(t, rec, config.Gateway)
	mounts := map[string]string{}
	for _, v := range harness.Arr(gw.Inputs["volumes"]) {
		o := harness.Obj(v)
		assert.True(t, harness.Bool(o["readOnly"]), "the gateway only reads host directories")
		mounts[harness.Str(o["hostPath"])] = harness.Str(o["containerPath"])
	}
	assert.Equal(t, map[string]string{"/etc/letsencrypt": "/etc/letsencrypt", "/var/www/acme": "/var/www/acme"}, mounts,
		"certbot's whole directory, so live/ links into archive/ resolve")
	published := map[int]string{}
	for _, p := range harness.Arr(gw.Inputs["ports"]) {
		published[harness.Num(harness.Obj(p)["external"])] = harness.Str(harness.Obj(p)["ip"])
	}
	assert.Equal(t, map[int]string{80: "0.0.0.0", 443: "0.0.0.0"}, published)
}

// Without a configured certificate the gateway serves a generated one, like
// nginx_mon, and plain HTTP keeps serving the API.
func TestGatewayGeneratesACertificateByDefault(t *testing.T) {
	rec := run(t, "dev")
	gw := only(t, rec, config.Gateway)
	_, ok := uploaded(gw, "/etc/nginx/tls/key.pem")
	require.True(t, ok, "the generated key is uploaded")
	assert.Empty(t, harness.Arr(gw.Inputs["volumes"]), "nothing mounted from the host")
	conf := gatewayConf(t, rec)
	assert.Contains(t, conf, "ssl_certificate /etc/nginx/tls/cert.pem;")
	assert.NotContains(t, conf, "return 301")
	assert.NotContains(t, conf, "acme-challenge")
	var names []string
	for _, c := range rec.OfType("command:local:Command") {
		names = append(names, c.Name)
	}
	assert.Contains(t, strings.Join(names, " "), "gateway-tls", "generated once and kept in state")
}

func TestExtraServicesRunAndAreRouted(t *testing.T) {
	rec := runWith(t, "prod", routedExtras(t, "prod", extraServicesJSON))
	jenkins, n8n := only(t, rec, "jenkins"), only(t, rec, "n8n")
	assert.Equal(t, 1024, harness.Num(jenkins.Inputs["memory"]))
	assert.Equal(t, harness.Num(jenkins.Inputs["memory"]), harness.Num(jenkins.Inputs["memorySwap"]))
	assert.Equal(t, 256, harness.Num(jenkins.Inputs["memoryReservation"]), "a quarter of the limit by default")
	assert.Equal(t, "jiucom-jenkins-data", harness.Str(harness.Obj(harness.Arr(jenkins.Inputs["volumes"])[0])["volumeName"]))
	volume, ok := rec.Named(volumeType, "service-jiucom-jenkins-data")
	require.True(t, ok, "jenkins keeps its data on a volume of the service host")
	assert.True(t, volume.Retain)
	assert.Empty(t, harness.Arr(jenkins.Inputs["ports"]), "the gateway reaches jenkins by name: not published")
	// n8n runs on the monitoring host: published on its LAN address only.
	ports := harness.Arr(n8n.Inputs["ports"])
	require.Len(t, ports, 1)
	assert.Equal(t, "192.168.0.20", harness.Str(harness.Obj(ports[0])["ip"]))
	for _, c := range rec.OfType(containerType) {
		for _, p := range harness.Arr(c.Inputs["ports"]) {
			if ip := harness.Str(harness.Obj(p)["ip"]); ip == "0.0.0.0" || ip == "::" {
				assert.Equal(t, config.Gateway, service(c), "%s publishes on a wildcard address", c.Name)
			}
		}
	}
	conf := gatewayConf(t, rec)
	assert.Contains(t, conf, "location /jenkins/ {")
	assert.Contains(t, conf, "server jiucom-jenkins:8080 ")
	assert.Contains(t, conf, "server_name n8n.jiucom.example;")
	assert.Contains(t, conf, "server 192.168.0.20:5678 ")
}

func TestDatastoreCredentialsTravelAsFiles(t *testing.T) {
	rec := run(t, "prod")
	mysql := only(t, rec, config.MySQL)
	sql, ok := uploaded(mysql, "/docker-entrypoint-initdb.d/10-exporter-user.sql")
	require.True(t, ok)
	assert.Contains(t, sql, "GRANT PROCESS, REPLICATION CLIENT, SELECT ON *.* TO 'exporter'@'%'")
	assert.Contains(t, sql, "'"+harness.TestSecrets[config.KeyMySQLExporterPassword]+"'")
	health := strings.Join(strArr(harness.Obj(mysql.Inputs["healthcheck"])["tests"]), " ")
	assert.Contains(t, health, "--defaults-extra-file=")
	redis := only(t, rec, config.Redis)
	conf, _ := uploaded(redis, "/usr/local/etc/redis/redis.conf")
	assert.Contains(t, conf, "maxmemory 384mb", "75% of the 512MB limit")
	assert.Contains(t, conf, "appendonly yes")
	cnf, _ := uploaded(only(t, rec, config.MySQLExporter), "/run/secrets/mysqld-exporter.cnf")
	assert.Contains(t, cnf, "host=jiucom-mysql\nport=3306")
	// No password on any command line or in any environment variable.
	for _, c := range rec.OfType(containerType) {
		for _, field := range []resource.PropertyKey{"command", "envs"} {
			for _, s := range strArr(c.Inputs[field]) {
				for key, secret := range harness.TestSecrets {
					assert.NotContains(t, s, secret, "%s %s carries %s", c.Name, field, key)
				}
			}
		}
	}
}

// strArr reads an array of strings, secret or not.
func strArr(v resource.PropertyValue) []string {
	var out []string
	for _, e := range harness.Arr(v) {
		out = append(out, harness.Str(e))
	}
	return out
}

// envOf reads a container's plain environment into a map.
func envOf(c harness.Resource) map[string]string {
	env := map[string]string{}
	for _, kv := range strArr(c.Inputs["envs"]) {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	return env
}

func TestAppEnvironmentPerStack(t *testing.T) {
	want := map[string]struct{ sampling, zipkin, datasource string }{
		"dev":  {"1", "http://jiucom-zipkin:9411/api/v2/spans", "jdbc:mysql://jiucom-mysql:3306/jiucom"},
		"prod": {"0.1", "http://192.168.0.20:9411/api/v2/spans", "jdbc:mysql://jiucom-mysql:3306/jiucom"},
	}
	for stackName, w := range want {
		rec := run(t, stackName)
		apps, _ := containersOf(rec, config.App)
		require.NotEmpty(t, apps)
		for _, c := range apps {
			env := envOf(c)
			assert.Equal(t, w.sampling, env["MANAGEMENT_TRACING_SAMPLING_PROBABILITY"], "%s %s", stackName, c.Name)
			assert.Equal(t, w.zipkin, env["MANAGEMENT_ZIPKIN_TRACING_ENDPOINT"], "%s: spans cross to the monitoring host by LAN in prod", stackName)
			assert.Equal(t, w.datasource, env["SPRING_DATASOURCE_URL"])
			assert.Equal(t, "jiucom-redis", env["SPRING_DATA_REDIS_HOST"])
			assert.Equal(t, "optional:configtree:/run/secrets/spring/", env["SPRING_CONFIG_IMPORT"])
			_, hasPassword := uploaded(c, "/run/secrets/spring/spring.datasource.password")
			assert.True(t, hasPassword, "the datasource password is a file the config tree reads")
		}
		// The databases' only clients sit beside them: nothing is published.
		for _, db := range []string{config.MySQL, config.Redis} {
			assert.Empty(t, harness.Arr(only(t, rec, db).Inputs["ports"]), "%s: %s is not published", stackName, db)
		}
	}
}

// Two containers publishing the same address and port on one engine would
// fail at deploy time; mocks would not notice.
func TestPublishedPortsAreUniquePerEngine(t *testing.T) {
	for stackName, values := range map[string]map[string]string{
		"dev":  {config.KeyApp: `{"replicas": 2}`}, // the dev engine has room for no more
		"prod": routedExtras(t, "prod", extraServicesJSON, config.KeyApp, `{"replicas": 3}`),
	} {
		rec := runWith(t, stackName, values)
		seen := map[string]string{}
		for _, c := range rec.OfType(containerType) {
			for _, p := range harness.Arr(c.Inputs["ports"]) {
				key := fmt.Sprintf("%s/%s:%d", providerOfName(rec, c), harness.Str(harness.Obj(p)["ip"]), harness.Num(harness.Obj(p)["external"]))
				assert.Empty(t, seen[key], "%s: %s and %s both publish %s", stackName, seen[key], c.Name, key)
				seen[key] = c.Name
			}
		}
	}
}

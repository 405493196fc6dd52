package config_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	. "github.com/jiucom/jiucom-infra/components/config"
	"github.com/jiucom/jiucom-infra/components/services"
)

// checkCase is one mutation of validInput and the one problem it must cause:
// key names it as the user writes it; message is a part of its text. An
// empty key means the input is valid.
type checkCase struct {
	name    string
	key     string
	message string
	mutate  func(in Input)
}

// runCheckCases requires each case's problem, said once: no second problem
// (a follow-up) and no Go type or field names.
func runCheckCases(t *testing.T, cases []checkCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := validInput()
			c.mutate(in)
			_, err := Parse(in, services.Catalog())
			if c.key == "" {
				require.NoError(t, err)
				return
			}
			var ps Problems
			require.True(t, errors.As(err, &ps), "want Problems, got %v", err)
			require.Len(t, ps, 1, "exactly one problem, no follow-ups: %v", err)
			p := ps[0]
			assert.Equal(t, c.key, p.Key)
			assert.Contains(t, p.Message, c.message)
			assert.NotEmpty(t, p.Fix)
			for _, goWords := range []string{"json:", "Go struct", "rawEdge", "rawHost", "unmarshal", "int", "[]string"} {
				assert.NotContains(t, p.Message, goWords)
			}
			t.Log(p)
		})
	}
}

// all applies mutations in order.
func all(mutations ...func(Input)) func(Input) {
	return func(in Input) {
		for _, m := range mutations {
			m(in)
		}
	}
}

const twoExtras = `[
  {"name": "n8n", "image": "n8nio/n8n:1.70.1", "port": 9000, "path": "/n8n/", "role": "monitoring", "resources": {"cpu": "1", "memory": "1GB"}, "health": ["CMD", "true"]},
  {"name": "jenkins", "image": "jenkins/jenkins:2.479.2-lts", "port": 9000, "path": "/jenkins/", "role": "monitoring", "resources": {"cpu": "1", "memory": "1GB"}, "health": ["CMD", "true"]}]`

const devHosts = `{"monitoring": {"docker": "unix:///var/run/docker.sock", "lan": "127.0.0.1", "cpus": 8, "memory": "16GB"},
                  "service":    {"docker": "unix:///var/run/docker.sock", "lan": "127.0.0.1", "cpus": 8, "memory": "16GB"}}`

func TestConfigPublishedPortCollisions(t *testing.T) {
	dev := func(extra string) func(Input) {
		return func(in Input) {
			set(KeyHosts, devHosts)(in)
			set(KeyEdge, `{"mode": "container", "routes": [{"name": "api.jiucom.localhost", "role": "service"}]}`)(in)
			if extra != "" {
				extraService(extra)(in)
			}
		}
	}
	runCheckCases(t, []checkCase{
		{"extra beside the gateway is not published", "", "", extraService(`, "port": 3306`)},
		{"dev: one engine, extra on the app's port", "", "", dev(`, "port": 8080`)},
		{"dev: one engine, extra on monitoring on the gateway's port", "", "", dev(`, "port": 80, "role": "monitoring"`)},
		{"extra away from the gateway on a free port", "", "", extraService(`, "role": "monitoring", "port": 9000`)},
		{"extra on Grafana's port", "extraServices[0].port", `192.168.0.20:3000, which grafana already publishes`, extraService(`, "role": "monitoring", "port": 3000`)},
		{"extra on nginx_mon's port", "extraServices[0].port", `which nginx_mon already publishes`, extraService(`, "role": "monitoring", "port": 443`)},
		{"extra on node-exporter's port", "extraServices[0].port", `which node-exporter already publishes`, extraService(`, "role": "monitoring", "port": 9100`)},
		{"two extras on one port", "extraServices[1].port", `extra service "jenkins" would publish 192.168.0.20:9000, which extra service "n8n" already publishes`, set(KeyExtraServices, twoExtras)},
		{"nginx_mon moved beside the gateway", "placement.nginx-mon", `nginx_mon would publish 192.168.0.30:443, which the gateway already publishes`, set(KeyPlacement, `{"nginx-mon": "service"}`)},
		{"equal docker endpoints are one engine: 0.0.0.0 collides with any address", "placement.nginx-mon", `nginx_mon would publish 192.168.0.20:443, which the gateway already publishes`,
			setJSON(KeyHosts, "service", `{"docker": "ssh://jiu@192.168.0.20", "lan": "192.168.0.30", "cpus": 8, "memory": "16GB", "routerHttpsPort": 8889, "routerHttpPort": 8881}`)},
		{"container edge beside the gateway pushes it onto the published app's port", "app.replicas", `app replica 1 would publish 192.168.0.30:8080, which the gateway already publishes`,
			set(KeyEdge, `{"mode": "container", "containerHost": "service", "routes": [{"name": "api.example.com", "role": "service"}]}`)},
	})
}

func TestConfigGCPFields(t *testing.T) {
	gcp := func(fields string) func(Input) {
		return setJSON(KeyEdge, "gcp", `{"project": "jiucom-prod", "region": "asia-northeast3", "zone": "asia-northeast3-a"`+fields+`}`)
	}
	runCheckCases(t, []checkCase{
		{"valid with a machine type", "", "", gcp(`, "machineType": "n2-standard-4"`)},
		{"valid custom machine type", "", "", gcp(`, "machineType": "e2-custom-2-4096"`)},
		{"project too short", "edge.gcp.project", `"jiu" is not a GCP project ID`, gcp(`, "project": "jiu"`)},
		{"project too long", "edge.gcp.project", "not a GCP project ID", gcp(`, "project": "jiucom-production-infrastructure"`)},
		{"project upper case", "edge.gcp.project", "not a GCP project ID", gcp(`, "project": "Jiucom-Prod"`)},
		{"project starts with a digit", "edge.gcp.project", "not a GCP project ID", gcp(`, "project": "1jiucom"`)},
		{"project ends with a hyphen", "edge.gcp.project", "not a GCP project ID", gcp(`, "project": "jiucom-prod-"`)},
		{"project with underscore", "edge.gcp.project", "not a GCP project ID", gcp(`, "project": "jiucom_prod"`)},
		{"region is a zone", "edge.gcp.region", `"asia-northeast3-a" is not a GCP region`, gcp(`, "region": "asia-northeast3-a"`)},
		{"region misspelt", "edge.gcp.region", "not a GCP region", gcp(`, "region": "Seoul"`)},
		{"zone of another region", "edge.gcp.zone", `"us-central1-a" is not in region "asia-northeast3"`, gcp(`, "zone": "us-central1-a"`)},
		{"zone without its letter", "edge.gcp.zone", `"asia-northeast3" is not a GCP zone`, gcp(`, "zone": "asia-northeast3"`)},
		{"zone with two letters", "edge.gcp.zone", "not a GCP zone", gcp(`, "zone": "asia-northeast3-ab"`)},
		{"machine type with a space", "edge.gcp.machineType", `"e2 micro" is not a GCP machine type`, gcp(`, "machineType": "e2 micro"`)},
		{"machine type without family", "edge.gcp.machineType", "not a GCP machine type", gcp(`, "machineType": "micro"`)},
		{"machine type upper case", "edge.gcp.machineType", "not a GCP machine type", gcp(`, "machineType": "E2-MICRO"`)},
	})
}

func TestConfigExplicitEmptyIsNotADefault(t *testing.T) {
	containerEdge := func(field string) func(Input) {
		return set(KeyEdge, `{"mode": "container", "routes": [{"name": "api.example.com", "role": "service"}]`+field+`}`)
	}
	runCheckCases(t, []checkCase{
		{"absent keys take their defaults", "", "", set(KeyEdge, `{"mode": "gcp", "gcp": {"project": "jiucom-prod", "region": "asia-northeast3", "zone": "asia-northeast3-a", "machineType": null},
		  "ssh": {"user": "jiu"}, "adminCidrs": ["203.0.113.7/32"], "homeAddress": "198.51.100.24", "routes": [{"name": "api.example.com", "role": "service"}]}`)},
		{"machine type", "edge.gcp.machineType", `is set but empty ("")`, setJSON(KeyEdge, "gcp", `{"project": "jiucom-prod", "region": "asia-northeast3", "zone": "asia-northeast3-a", "machineType": ""}`)},
		{"ssh port", "edge.ssh.port", "is set but empty (0)", setJSON(KeyEdge, "ssh", `{"user": "jiu", "port": 0}`)},
		{"edge mode", "edge.mode", `is set but empty ("")`, setJSON(KeyEdge, "mode", `""`)},
		{"container host", "edge.containerHost", "is set but empty", containerEdge(`, "containerHost": ""`)},
		{"redis persistence", "redis.persistence", "is set but empty", set(KeyRedis, `{"persistence": ""}`)},
		{"tls certDir", "tls.certDir", "is set but empty", set(KeyTLS, `{"certDir": ""}`)},
		{"gateway webroot", "gateway.tls.acmeWebroot", "is set but empty", set(KeyGateway, `{"tls": {"acmeWebroot": ""}}`)},
		{"extra service role", "extraServices[0].role", "is set but empty", extraService(`, "role": ""`)},
		{"resource override", "resources.mysql.cpu", `"" is not a CPU amount`, set(KeyResources, `{"mysql": {"cpu": ""}}`)},
		{"extra reservation", "extraServices[0].resources.memoryReservation", `"" is not a memory size`, extraService(`, "resources": {"cpu": "1", "memory": "1GB", "memoryReservation": ""}`)},
		{"router port", "hosts.service.routerHttpsPort", "0 is not a port", setJSON(KeyHosts, "service", `{"docker": "ssh://jiu@192.168.0.30", "lan": "192.168.0.30", "cpus": 8, "memory": "16GB", "routerHttpsPort": 0, "routerHttpPort": 8881}`)},
		{"tracing sampling", KeyTracingSampling, `"" is not a number`, set(KeyTracingSampling, "")},
		{"retention", KeyPrometheusRetention, `"" is not a duration`, set(KeyPrometheusRetention, "")},
		{"retain data", KeyRetainData, `"" is not a boolean`, set(KeyRetainData, "")},
	})
}

func TestConfigURLsHostPortsEnumsAndNumbers(t *testing.T) {
	email := func(smarthost string) func(Input) {
		return set(KeyAlerting, `{"email": {"to": "ops@example.com", "from": "alerts@example.com", "smarthost": "`+smarthost+`", "username": "alerts@example.com"}}`)
	}
	runCheckCases(t, []checkCase{
		{"slack webhook over http", KeySlackWebhookURL, "it must be https://", set(KeySlackWebhookURL, "http://hooks.slack.com/services/T/B/x")},
		{"slack webhook without scheme", KeySlackWebhookURL, "scheme and a host", set(KeySlackWebhookURL, "hooks.slack.com/services/T/B/x")},
		{"slack webhook without host", KeySlackWebhookURL, "scheme and a host", set(KeySlackWebhookURL, "https:///services/T/B/x")},
		{"smarthost without port", "alerting.email.smarthost", "is not host:port", email("smtp.example.com")},
		{"smarthost with a named port", "alerting.email.smarthost", `the port "smtp" is not a number`, email("smtp.example.com:smtp")},
		{"smarthost port out of range", "alerting.email.smarthost", "between 1 and 65535", email("smtp.example.com:70000")},
		{"smarthost without host", "alerting.email.smarthost", "is not host:port", email(":587")},
		{"docker endpoint port out of range", "hosts.service.docker", "port outside 1..65535", setJSON(KeyHosts, "service", `{"docker": "ssh://jiu@192.168.0.30:99999", "lan": "192.168.0.30", "cpus": 8, "memory": "16GB", "routerHttpsPort": 8889, "routerHttpPort": 8881}`)},
		{"edge mode lists the modes", "edge.mode", `unknown edge mode "aws"`, setJSON(KeyEdge, "mode", `"aws"`)},
		{"ssh port out of range", "edge.ssh.port", "70000 is not a port", setJSON(KeyEdge, "ssh", `{"user": "jiu", "port": 70000}`)},
		{"router port out of range", "hosts.monitoring.routerHttpPort", "65536 is not a port", setJSON(KeyHosts, "monitoring", `{"docker": "ssh://jiu@192.168.0.20", "lan": "192.168.0.20", "cpus": 8, "memory": "16GB", "routerHttpsPort": 8888, "routerHttpPort": 65536}`)},
		{"extra port out of range", "extraServices[0].port", "70000 is not a port", extraService(`, "port": 70000`)},
		{"sampling NaN", KeyTracingSampling, `"NaN" is not a number`, set(KeyTracingSampling, "NaN")},
		{"sampling infinity", KeyTracingSampling, `"+Inf" is not a number`, set(KeyTracingSampling, "+Inf")},
		{"sampling negative", KeyTracingSampling, "outside 0..1", set(KeyTracingSampling, "-0.1")},
		{"replicas above the bound", "app.replicas", "11 replicas", set(KeyApp, `{"replicas": 11}`)},
		{"CPU infinity", "resources.mysql.cpu", `"Inf" is not a CPU amount`, set(KeyResources, `{"mysql": {"cpu": "Inf"}}`)},
		{"ssh edge named by DNS: home could not trust its address", "edge.ssh.host", `"vps.example.com" is not an IP address`,
			all(setJSON(KeyEdge, "mode", `"ssh"`), setJSON(KeyEdge, "ssh", `{"host": "vps.example.com", "user": "jiu"}`))},
		{"ssh edge by IP", "", "", all(setJSON(KeyEdge, "mode", `"ssh"`), setJSON(KeyEdge, "ssh", `{"host": "203.0.113.10", "user": "jiu"}`))},
		{"an edge without routes", "edge.routes", "required when edge.mode is gcp", setJSON(KeyEdge, "routes", `[]`)},
		{"home address not an address", "edge.homeAddress", "is not an address", setJSON(KeyEdge, "homeAddress", `"home"`)},
	})
	// Enumerated values list every allowed value in the fix.
	for key, mutate := range map[string]func(Input){
		"edge.mode":           setJSON(KeyEdge, "mode", `"aws"`),
		"redis.persistence":   set(KeyRedis, `{"persistence": "always"}`),
		"edge.routes[0].role": setJSON(KeyEdge, "routes", `[{"name": "api.example.com", "role": "db"}]`),
		"placement.mysql":     set(KeyPlacement, `{"mysql": "db", "mysql-exporter": "db"}`),
	} {
		in := validInput()
		mutate(in)
		_, err := Parse(in, services.Catalog())
		var ps Problems
		require.True(t, errors.As(err, &ps), key)
		for _, p := range ps {
			if p.Key == key {
				assert.Regexp(t, `gcp, ssh, container, none|aof .* rdb|use one of the hosts: monitoring, service`, p.Fix, key)
			}
		}
	}
}

func TestConfigInvisibleCharacters(t *testing.T) {
	runCheckCases(t, []checkCase{
		{"env values are content", "", "", extraService(`, "env": {"GREETING": "a\tb"}`)},
		{"zero-width space in a route name", "edge.routes[0].name", "an invisible character (U+200B)", setJSON(KeyEdge, "routes", `[{"name": "api.example.com\u200b", "role": "service"}]`)},
		{"zero-width joiner in a LAN address", "hosts.service.lan", "U+200D", setJSON(KeyHosts, "service", `{"docker": "ssh://jiu@192.168.0.30", "lan": "192.168.0.30\u200d", "cpus": 8, "memory": "16GB", "routerHttpsPort": 8889, "routerHttpPort": 8881}`)},
		{"byte-order mark in a docker endpoint", "hosts.monitoring.docker", "U+FEFF", setJSON(KeyHosts, "monitoring", `{"docker": "\ufeffssh://jiu@192.168.0.20", "lan": "192.168.0.20", "cpus": 8, "memory": "16GB", "routerHttpsPort": 8888, "routerHttpPort": 8880}`)},
		{"word joiner in the home address", "edge.homeAddress", "U+2060", setJSON(KeyEdge, "homeAddress", `"198.51.100.24\u2060"`)},
		{"bidi override in an extra name", "extraServices[0].name", "a bidirectional control character (U+202E)", extraService(`, "name": "jen\u202ekins"`)},
		{"control character in an image", "images.app", "a control character (U+0009)", set(KeyImages, `{"app": "ghcr.io/jiucom/api:1.0.0\t"}`)},
		{"newline in an admin CIDR", "edge.adminCidrs[0]", "a control character (U+000A)", setJSON(KeyEdge, "adminCidrs", `["203.0.113.7/32\n"]`)},
		{"zero-width non-joiner in a map key", "placement.gra\u200cfana", "U+200C", set(KeyPlacement, `{"gra\u200cfana": "monitoring"}`)},
		{"invisible character in an e-mail address", "alerting.email.to", "U+200B", set(KeyAlerting, `{"email": {"to": "ops\u200b@example.com", "from": "alerts@example.com", "smarthost": "smtp.example.com:587"}}`)},
		{"invisible character in a scalar key", KeyPrometheusRetention, "U+FEFF", set(KeyPrometheusRetention, "\ufeff15d")},
		{"invisible character in a number", KeyTracingSampling, "U+200B", set(KeyTracingSampling, "0.1\u200b")},
		{"invisible character in the webhook secret", KeySlackWebhookURL, "U+200B", set(KeySlackWebhookURL, "https://hooks.slack.com/services/T/B/x\u200b")},
	})
}

func TestConfigTypeMismatchIsReportedOnce(t *testing.T) {
	runCheckCases(t, []checkCase{
		{"text for a count", "app.replicas", `"three" is not a whole number`, set(KeyApp, `{"replicas": "three"}`)},
		{"fraction for a count", "app.replicas", "2.5 is not a whole number", set(KeyApp, `{"replicas": 2.5}`)},
		{"quoted router port, not then reported missing", "hosts.service.routerHttpsPort", `"8889" is not a whole number`,
			setJSON(KeyHosts, "service", `{"docker": "ssh://jiu@192.168.0.30", "lan": "192.168.0.30", "cpus": 8, "memory": "16GB", "routerHttpsPort": "8889", "routerHttpPort": 8881}`)},
		{"number for an address", "hosts.service.lan", "192 is not text", setJSON(KeyHosts, "service", `{"docker": "ssh://jiu@192.168.0.30", "lan": 192, "cpus": 8, "memory": "16GB", "routerHttpsPort": 8889, "routerHttpPort": 8881}`)},
		{"a host that is not an object", "hosts.service", `"ssh://jiu@192.168.0.30" is not an object`, setJSON(KeyHosts, "service", `"ssh://jiu@192.168.0.30"`)},
		{"one CIDR instead of a list", "edge.adminCidrs", `"203.0.113.7/32" is not a list of texts`, setJSON(KeyEdge, "adminCidrs", `"203.0.113.7/32"`)},
		{"a number in a route", "edge.routes[1].name", "5 is not text", setJSON(KeyEdge, "routes", `[{"name": "a.example.com", "role": "monitoring"}, {"name": 5, "role": "service"}]`)},
		{"quoted ssh port", "edge.ssh.port", `"22" is not a whole number`, setJSON(KeyEdge, "ssh", `{"user": "jiu", "port": "22"}`)},
		{"yes for a boolean", "edge.allowIap", `"yes" is not true or false`, setJSON(KeyEdge, "allowIap", `"yes"`)},
		{"gcp as text", "edge.gcp", `"asia-northeast3" is not an object`, setJSON(KeyEdge, "gcp", `"asia-northeast3"`)},
		{"quoted extra port, not then reported as port 0", "extraServices[0].port", `"8080" is not a whole number`, set(KeyExtraServices, `[{"name": "jenkins", "image": "jenkins/jenkins:2.479.2-lts", "port": "8080", "path": "/jenkins/", "resources": {"cpu": "1", "memory": "1GB"}, "health": ["CMD", "true"]}]`)},
		{"quoted replica count", "app.replicas", `"2" is not a whole number`, set(KeyApp, `{"replicas": "2"}`)},
		{"health as one string", "extraServices[0].health", `"wget -q localhost" is not a list of texts`, extraService(`, "health": "wget -q localhost"`)},
		{"a list for a CPU", "resources.mysql.cpu", `"[2]" is not a CPU amount`, set(KeyResources, `{"mysql": {"cpu": [2]}}`)},
		{"unknown field at its path", "hosts.service.lans", `unknown field "lans"`, setJSON(KeyHosts, "service", `{"docker": "ssh://jiu@192.168.0.30", "lans": "192.168.0.30", "lan": "192.168.0.30", "cpus": 8, "memory": "16GB", "routerHttpsPort": 8889, "routerHttpPort": 8881}`)},
		{"not JSON at all", KeyEdge, "is not valid JSON", set(KeyEdge, `{"mode": gcp}`)},
	})
}

func TestConfigEveryTypeMismatchAtOnce(t *testing.T) {
	in := validInput()
	set(KeyApp, `{"build": 5, "replicas": "three"}`)(in)
	extraService(`, "port": "8080", "data": 7`)(in)
	_, err := Parse(in, services.Catalog())
	var ps Problems
	require.True(t, errors.As(err, &ps))
	assert.ElementsMatch(t, []string{"app.build", "app.replicas", "extraServices[0].port", "extraServices[0].data"}, ps.Keys(), err.Error())
	assert.False(t, strings.Contains(err.Error(), "json:"), err.Error())
}

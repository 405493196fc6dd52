package gateway

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

func validArgs() Args {
	return Args{App: []string{"jiucom-app-1:8080"}, Grafana: "jiucom-grafana:3000", Zipkin: "jiucom-zipkin:9411"}
}

func TestValidateReportsEveryBadArgument(t *testing.T) {
	require.NoError(t, Validate(validArgs()))
	a := validArgs()
	a.App = nil
	a.Grafana = "grafana"
	a.Extras = []Extra{{Name: "Bad Name", Addr: "x:1", Path: "/x/", Host: "x.example.com"}}
	a.EdgeAddrs = []string{"not-an-address"}
	a.TLS = &TLS{Certificate: "c"}
	a.PublicStatus = "0123; return 200"
	err := Validate(a)
	require.Error(t, err)
	for _, want := range []string{"no app replica", `"grafana" is not host:port`, `"Bad Name"`, "exactly one of path or host", "not-an-address", "certificate and a key", "is not 32 hex digits"} {
		assert.Contains(t, err.Error(), want)
	}
}

func TestTLSListenerExpectsProxyProtocolOnlyBehindTheEdge(t *testing.T) {
	a := validArgs()
	a.TLS = &TLS{Certificate: "c.pem", Key: "k.pem"}
	direct, err := Render(a)
	require.NoError(t, err)
	assert.Contains(t, direct, "listen 443 ssl;")
	assert.NotContains(t, direct, "ssl proxy_protocol")

	a.BehindEdge, a.EdgeAddrs = true, []string{"203.0.113.10"}
	behind, err := Render(a)
	require.NoError(t, err)
	assert.Contains(t, behind, "listen 443 ssl proxy_protocol;")
	assert.Contains(t, behind, "set_real_ip_from 203.0.113.10;")
}

// A replaced upstream container changes the config, so the gateway (which
// resolves names only at start) is replaced too.
func TestExporterConfigParsesTheGatewayLogFormat(t *testing.T) {
	text, err := ExporterConfig()
	require.NoError(t, err)
	var c exporterConfig
	require.NoError(t, yaml.Unmarshal([]byte(text), &c))
	require.Len(t, c.Namespaces, 1)
	ns := c.Namespaces[0]
	assert.Equal(t, "nginx", ns.Name, "metrics are nginx_http_*")
	assert.Equal(t, LogFormat, ns.Format, "the exporter parses exactly what nginx writes")
	assert.Equal(t, []string{SyslogTag}, ns.Source.Syslog.Tags)
	assert.True(t, strings.HasSuffix(ns.Source.Syslog.ListenAddress, ":5531"))
	conf, err := Render(validArgs())
	require.NoError(t, err)
	assert.Contains(t, conf, "log_format gateway '"+LogFormat+"';")
}

package config_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	. "github.com/jiucom/jiucom-infra/components/config"
	"github.com/jiucom/jiucom-infra/components/services"
	"github.com/jiucom/jiucom-infra/tests/harness"
)

// acmeOff is for tests of the user's own certificate files, which the ACME
// client (on by default with a gcp edge) would otherwise keep.
var acmeOff = set(KeyACME, `{"enabled": false}`)

func TestACMEDefaultsFollowTheEdge(t *testing.T) {
	prod, err := Parse(validInput(), services.Catalog())
	require.NoError(t, err)
	assert.Equal(t, ACME{Enabled: true, Directory: ACMEProduction}, prod.ACME, "a gcp edge: certificates from Let's Encrypt")
	assert.True(t, prod.Monitoring.TLS.ACME && prod.Gateway.TLS.ACME, "both hosts have routed names")
	assert.False(t, prod.Monitoring.TLS.SelfSigned(), "the blackbox probe verifies, the gateway redirects to https")

	in := validInput()
	set(KeyEdge, `{"mode": "container", "routes": [{"name": "grafana.jiucom.localhost", "role": "monitoring"}]}`)(in)
	dev, err := Parse(in, services.Catalog())
	require.NoError(t, err)
	assert.False(t, dev.ACME.Enabled, "a container edge (dev): generated certificates")
	assert.True(t, dev.Monitoring.TLS.SelfSigned())

	set(KeyACME, `{"enabled": true, "directory": "https://ca.lan:14000/dir"}`)(in)
	dev, err = Parse(in, services.Catalog())
	require.NoError(t, err)
	assert.True(t, dev.Monitoring.TLS.ACME)
	assert.False(t, dev.Gateway.TLS.ACME, "no name is routed to the service host: nothing to validate")
	assert.True(t, dev.Gateway.TLS.SelfSigned())
}

func TestACMESettingsParse(t *testing.T) {
	in := validInput()
	bundle := harness.CABundle(t)
	raw, err := json.Marshal(map[string]any{"email": "ops@example.com", "directory": "staging", "caBundle": bundle})
	require.NoError(t, err)
	set(KeyACME, string(raw))(in)
	s, err := Parse(in, services.Catalog())
	require.NoError(t, err)
	assert.Equal(t, ACME{Enabled: true, Email: "ops@example.com", Directory: ACMEStaging, CABundle: bundle}, s.ACME)
}

func TestACMEOffKeepsTheUsersCertificate(t *testing.T) {
	in := validInput()
	acmeOff(in)
	set(KeyTLS, `{"certificate": "/etc/letsencrypt/live/g/fullchain.pem", "key": "/etc/letsencrypt/live/g/privkey.pem"}`)(in)
	s, err := Parse(in, services.Catalog())
	require.NoError(t, err)
	assert.False(t, s.Monitoring.TLS.ACME)
	assert.False(t, s.Monitoring.TLS.SelfSigned())
}

func TestACMERejectsBadInputNamingTheKey(t *testing.T) {
	runCheckCases(t, []checkCase{
		{"email without a domain", "acme.email", "not an e-mail address", set(KeyACME, `{"email": "ops"}`)},
		{"email with a display name", "acme.email", "not an e-mail address", set(KeyACME, `{"email": "Ops <ops@example.com>"}`)},
		{"empty email", "acme.email", "set but empty", set(KeyACME, `{"email": ""}`)},
		{"directory over plain http", "acme.directory", "https://", set(KeyACME, `{"directory": "http://ca.lan/dir"}`)},
		{"directory that is no word or URL", "acme.directory", "not an absolute URL", set(KeyACME, `{"directory": "prod"}`)},
		{"CA bundle that is a path", "acme.caBundle", "not PEM", set(KeyACME, `{"caBundle": "/etc/ssl/ca.pem"}`)},
		{"CA bundle with a key", "acme.caBundle", "not a certificate", set(KeyACME, `{"caBundle": "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"}`)},
		{"enabled as text", "acme.enabled", "not true or false", set(KeyACME, `{"enabled": "yes"}`)},
		{"typo", "acme.emial", "unknown field", set(KeyACME, `{"emial": "ops@example.com"}`)},
		{"enabled without an edge", "acme.enabled", "edge.mode is none", all(
			set(KeyEdge, `{"mode": "none"}`), set(KeyACME, `{"enabled": true}`))},
		{"own gateway certDir", "gateway.tls.certDir", "conflicts with acme.enabled",
			set(KeyGateway, `{"tls": {"certDir": "/srv/certs"}}`)},
		{"own certificate, acme off", "", "", all(acmeOff,
			set(KeyGateway, `{"tls": {"certificate": "/etc/letsencrypt/live/a/fullchain.pem", "key": "/etc/letsencrypt/live/a/privkey.pem"}}`))},
		{"webroot with acme", "", "", set(KeyTLS, `{"acmeWebroot": "/srv/acme"}`)},
	})
}

// Every conflicting field is named at once, with the way out.
func TestACMEConflictsAreReportedTogether(t *testing.T) {
	in := validInput()
	set(KeyTLS, `{"certDir": "/srv/certs", "certificate": "/srv/certs/a.pem", "key": "/srv/certs/k.pem"}`)(in)
	requireProblemAt(t, in, "tls.certDir")
	requireProblemAt(t, in, "tls.certificate")
	requireProblemAt(t, in, "tls.key")
}

// A host-routed extra service needs an edge route to the gateway's host:
// its name goes on the gateway's certificate, and the CA's challenge for it
// reaches home only through the edge. With the route it parses.
func TestACMERequiresARouteForEveryExtraServiceHost(t *testing.T) {
	const n8n = `[{"name": "n8n", "image": "n8nio/n8n:1.72.1", "port": 5678, "host": "n8n.example.com", "resources": {"cpu": "0.5", "memory": "512MB"},
	  "health": ["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:5678/healthz"]}]`
	in := validInput()
	set(KeyExtraServices, n8n)(in)
	requireProblemAt(t, in, "extraServices[0].host")

	in = validInput()
	set(KeyExtraServices, n8n)(in)
	set(KeyACME, `{"enabled": false}`)(in)
	_, err := Parse(in, services.Catalog())
	require.NoError(t, err, "without acme the user's own certificate may cover it")

	in = validInput()
	set(KeyExtraServices, n8n)(in)
	set(KeyEdge, `{"mode": "gcp", "gcp": {"project": "jiucom-prod", "region": "asia-northeast3", "zone": "asia-northeast3-a"}, "ssh": {"user": "jiu"},
	  "adminCidrs": ["203.0.113.7/32"], "homeAddress": "198.51.100.24",
	  "routes": [{"name": "grafana.example.com", "role": "monitoring"}, {"name": "api.example.com", "role": "service"}, {"name": "n8n.example.com", "role": "service"}]}`)(in)
	_, err = Parse(in, services.Catalog())
	require.NoError(t, err)
}

// One ACME client runs beside each home nginx whose certificate it keeps:
// each of prod's engines counts one, dev's single engine two, and none
// without acme.
func TestACMEClientsCountOncePerNginxAgainstCapacity(t *testing.T) {
	clients := func(in Input) []int {
		s, err := Parse(in, services.Catalog())
		require.NoError(t, err)
		var out []int
		for _, e := range s.Engines() {
			out = append(out, s.InstancesOn(ACMEClient, e))
		}
		return out
	}
	assert.Equal(t, []int{1, 1}, clients(validInput()))
	dev := func(acme string) Input {
		in, err := harness.StackInput("dev")
		require.NoError(t, err)
		in.Values[KeyACME] = acme
		return in
	}
	assert.Equal(t, []int{2}, clients(dev(`{"enabled": true}`)))
	assert.Equal(t, []int{0}, clients(dev(`{}`)))
}

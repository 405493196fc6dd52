package config_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	. "github.com/jiucom/jiucom-infra/components/config"
	"github.com/jiucom/jiucom-infra/components/services"
)

const validEmail = `{"email": {"to": "ops@example.com", "from": "alerts@example.com", "smarthost": "smtp.example.com:587", "username": "alerts@example.com"}}`

func TestMonitoringDefaults(t *testing.T) {
	in := validInput()
	delete(in.Values, KeySlackWebhookURL)
	delete(in.Values, KeySMTPPassword)
	s, err := Parse(in, services.Catalog())
	require.NoError(t, err)
	assert.Equal(t, "15d", s.Monitoring.Retention, "the manual's 15 days")
	assert.Nil(t, s.Monitoring.Alerting.Slack, "no webhook, no Slack receiver")
	assert.Nil(t, s.Monitoring.Alerting.Email)
	assert.True(t, s.Monitoring.TLS.ACME, "the ACME client keeps the certificate behind a gcp edge")
	assert.Equal(t, "/var/www/acme", s.Monitoring.TLS.ACMEWebroot)
}

func TestMonitoringReceiversFromConfig(t *testing.T) {
	in := validInput()
	set(KeyPrometheusRetention, "4w")(in)
	set(KeyAlerting, `{"slack": {"channel": "#jiucom-alerts"}, "email": {"to": "ops@example.com", "from": "alerts@example.com", "smarthost": "smtp.example.com:587", "username": "alerts@example.com"}}`)(in)
	set(KeyTLS, `{"certificate": "/etc/letsencrypt/live/g.example.com/fullchain.pem", "key": "/etc/letsencrypt/live/g.example.com/privkey.pem"}`)(in)
	acmeOff(in)
	s, err := Parse(in, services.Catalog())
	require.NoError(t, err)
	m := s.Monitoring
	assert.Equal(t, "4w", m.Retention)
	require.NotNil(t, m.Alerting.Slack)
	assert.Equal(t, "#jiucom-alerts", m.Alerting.Slack.Channel)
	require.NotNil(t, m.Alerting.Email)
	assert.Equal(t, "smtp.example.com:587", m.Alerting.Email.Smarthost)
	assert.False(t, m.TLS.SelfSigned())
}

func TestMonitoringRejectsBadInputNamingTheKey(t *testing.T) {
	cases := []struct {
		name, key string
		mutate    func(Input)
	}{
		{"retention is not a duration", KeyPrometheusRetention, set(KeyPrometheusRetention, "15 days")},
		{"retention of zero", KeyPrometheusRetention, set(KeyPrometheusRetention, "0d")},
		{"slack channel without a hash", "alerting.slack.channel", set(KeyAlerting, `{"slack": {"channel": "alerts"}}`)},
		{"slack configured without the webhook", KeySlackWebhookURL, func(in Input) {
			set(KeyAlerting, `{"slack": {"channel": "#alerts"}}`)(in)
			delete(in.Values, KeySlackWebhookURL)
		}},
		{"webhook stored in plain text", KeySlackWebhookURL, func(in Input) { in.Secrets[KeySlackWebhookURL] = false }},
		{"email without recipient", "alerting.email.to", set(KeyAlerting, `{"email": {"from": "a@example.com", "smarthost": "smtp.example.com:587"}}`)},
		{"email relay without port", "alerting.email.smarthost", set(KeyAlerting, `{"email": {"to": "o@example.com", "from": "a@example.com", "smarthost": "smtp.example.com"}}`)},
		{"smtp user without password", KeySMTPPassword, func(in Input) {
			set(KeyAlerting, validEmail)(in)
			delete(in.Values, KeySMTPPassword)
		}},
		{"typo in alerting", "alerting.slak", set(KeyAlerting, `{"slak": {}}`)},
		{"certificate without key", "tls", set(KeyTLS, `{"certificate": "/etc/letsencrypt/live/x/fullchain.pem"}`)},
		{"certificate outside certDir", "tls.key", set(KeyTLS, `{"certificate": "/etc/letsencrypt/live/x/fullchain.pem", "key": "/home/jiu/privkey.pem"}`)},
		{"relative webroot", "tls.acmeWebroot", set(KeyTLS, `{"acmeWebroot": "www/acme"}`)},
		{"relative certDir", "tls.certDir", set(KeyTLS, `{"certDir": "letsencrypt", "certificate": "letsencrypt/a.pem", "key": "letsencrypt/b.pem"}`)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := validInput()
			c.mutate(in)
			requireProblemAt(t, in, c.key)
		})
	}
}

func TestMonitoringRelayWithoutLoginNeedsNoPassword(t *testing.T) {
	in := validInput()
	set(KeyAlerting, `{"email": {"to": "ops@example.com", "from": "alerts@example.com", "smarthost": "relay.lan:25"}}`)(in)
	delete(in.Values, KeySMTPPassword)
	s, err := Parse(in, services.Catalog())
	require.NoError(t, err)
	assert.Empty(t, s.Monitoring.Alerting.Email.Username)
}

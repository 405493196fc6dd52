package config_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	. "github.com/jiucom/jiucom-infra/components/config"
	"github.com/jiucom/jiucom-infra/components/services"
)

func TestGrafanaMailAndPublicStatusAreOffByDefault(t *testing.T) {
	in := validInput()
	delete(in.Values, KeyGrafanaSMTPPassword)
	s, err := Parse(in, services.Catalog())
	require.NoError(t, err)
	assert.Nil(t, s.Grafana.SMTP)
	assert.False(t, s.PublicStatus.Enabled)
}

func TestGrafanaMailReusesAlertmanagersRelay(t *testing.T) {
	in := validInput()
	set(KeyAlerting, validEmail)(in)
	set(KeyGrafana, `{"smtp": {"fromAlerting": true}}`)(in)
	s, err := Parse(in, services.Catalog())
	require.NoError(t, err)
	require.NotNil(t, s.Grafana.SMTP)
	assert.Equal(t, GrafanaSMTP{Host: "smtp.example.com:587", From: "alerts@example.com", User: "alerts@example.com", Password: s.Monitoring.Alerting.Email.Password}, *s.Grafana.SMTP)
}

// A relay without a login needs no password.
func TestGrafanaMailWithoutLoginNeedsNoPassword(t *testing.T) {
	in := validInput()
	delete(in.Values, KeyGrafanaSMTPPassword)
	set(KeyGrafana, `{"smtp": {"host": "relay.lan:25", "from": "grafana@example.com"}}`)(in)
	s, err := Parse(in, services.Catalog())
	require.NoError(t, err)
	assert.Equal(t, "relay.lan:25", s.Grafana.SMTP.Host)
	assert.Empty(t, s.Grafana.SMTP.User)
}

func TestGrafanaAndPublicStatusRejectBadInputNamingTheKey(t *testing.T) {
	cases := []struct {
		name, key string
		mutate    func(Input)
	}{
		{"no relay", "grafana.smtp.host", set(KeyGrafana, `{"smtp": {"from": "g@example.com"}}`)},
		{"relay without port", "grafana.smtp.host", set(KeyGrafana, `{"smtp": {"host": "smtp.example.com", "from": "g@example.com"}}`)},
		{"no sender", "grafana.smtp.from", set(KeyGrafana, `{"smtp": {"host": "smtp.example.com:587"}}`)},
		{"sender not an address", "grafana.smtp.from", set(KeyGrafana, `{"smtp": {"host": "smtp.example.com:587", "from": "grafana"}}`)},
		{"user without password", KeyGrafanaSMTPPassword, func(in Input) {
			set(KeyGrafana, `{"smtp": {"host": "smtp.example.com:587", "from": "g@example.com", "user": "g@example.com"}}`)(in)
			delete(in.Values, KeyGrafanaSMTPPassword)
		}},
		{"password in plain text", KeyGrafanaSMTPPassword, func(in Input) { in.Secrets[KeyGrafanaSMTPPassword] = false }},
		{"reuse without alerting.email", "grafana.smtp.fromAlerting", set(KeyGrafana, `{"smtp": {"fromAlerting": true}}`)},
		{"reuse and a relay", "grafana.smtp", func(in Input) {
			set(KeyAlerting, validEmail)(in)
			set(KeyGrafana, `{"smtp": {"fromAlerting": true, "host": "smtp.example.com:587"}}`)(in)
		}},
		{"typo in grafana", "grafana.smpt", set(KeyGrafana, `{"smpt": {}}`)},
		{"typo in publicStatus", "publicStatus.enable", set(KeyPublicStatus, `{"enable": true}`)},
		{"publicStatus.enabled not a bool", "publicStatus.enabled", set(KeyPublicStatus, `{"enabled": "yes"}`)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := validInput()
			c.mutate(in)
			requireProblemAt(t, in, c.key)
		})
	}
}

package stack_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jiucom/jiucom-infra/assets"
	"github.com/jiucom/jiucom-infra/components/config"
	"github.com/jiucom/jiucom-infra/components/dashboards"
	gf "github.com/jiucom/jiucom-infra/components/grafana"
	"github.com/jiucom/jiucom-infra/tests/harness"
)

// By default Grafana sends no mail and shares nothing: public dashboards
// are off, and the gateway has no /status/.
func TestGrafanaSharesNothingAndSendsNoMailByDefault(t *testing.T) {
	for _, stackName := range []string{"dev", "prod"} {
		rec := run(t, stackName)
		env := envOf(only(t, rec, config.Grafana))
		assert.Equal(t, "false", env["GF_PUBLIC_DASHBOARDS_ENABLED"], stackName)
		for k := range env {
			assert.False(t, strings.HasPrefix(k, "GF_SMTP_"), "%s: %s", stackName, k)
		}
		conf, _ := uploaded(only(t, rec, config.Gateway), "/etc/nginx/nginx.conf")
		assert.NotContains(t, conf, "/status/", stackName)
		assert.NotContains(t, conf, "public-dashboards/", stackName)
	}
}

// publicStatus shares the status dashboard with a token that is the same
// on every run, and the gateway's /status/ leads to it.
func TestPublicStatusSharesTheStatusDashboardThroughTheGateway(t *testing.T) {
	on := map[string]string{config.KeyPublicStatus: `{"enabled": true}`}
	rec := runWith(t, "prod", on)
	env := envOf(only(t, rec, config.Grafana))
	assert.Equal(t, "true", env["GF_PUBLIC_DASHBOARDS_ENABLED"])
	uid, token, ok := strings.Cut(env["JIUCOM_PUBLIC_DASHBOARD"], ":")
	require.True(t, ok)
	assert.Equal(t, dashboards.StatusUID, uid)
	assert.Regexp(t, `^[0-9a-f]{32}$`, token)
	board, ok := uploaded(only(t, rec, config.Grafana), gf.DashboardsDir+"/"+dashboards.StatusUID+".json")
	require.True(t, ok, "the shared dashboard is provisioned")
	assert.Contains(t, board, `"title": "JIUCOM / Status"`)
	share, _ := uploaded(only(t, rec, config.Grafana), gf.ShareScriptPath)
	want, err := assets.Grafana.ReadFile("grafana/share-status.sh")
	require.NoError(t, err)
	assert.Equal(t, string(want), share, "the script the start wrapper runs is uploaded beside it")

	conf, _ := uploaded(only(t, rec, config.Gateway), "/etc/nginx/nginx.conf")
	assert.Contains(t, conf, "location = /status/")
	assert.Contains(t, conf, "return 302 /grafana/public-dashboards/"+token+";")

	again := envOf(only(t, runWith(t, "prod", on), config.Grafana))
	assert.Equal(t, env["JIUCOM_PUBLIC_DASHBOARD"], again["JIUCOM_PUBLIC_DASHBOARD"], "the same share on every up")
	dev := envOf(only(t, runWith(t, "dev", on), config.Grafana))
	assert.NotEqual(t, env["JIUCOM_PUBLIC_DASHBOARD"], dev["JIUCOM_PUBLIC_DASHBOARD"], "one token per stack")
	assert.Empty(t, drift(rec), "a second up changes nothing")
}

// grafana.smtp turns Grafana's mail on; the password is a file, never env.
func TestGrafanaMailFromItsOwnRelayOrAlertmanagers(t *testing.T) {
	own := runWith(t, "prod", map[string]string{
		config.KeyGrafana: `{"smtp": {"host": "smtp.example.com:587", "from": "grafana@example.com", "user": "grafana@example.com"}}`,
	})
	g := only(t, own, config.Grafana)
	env := envOf(g)
	assert.Equal(t, map[string]string{"GF_SMTP_ENABLED": "true", "GF_SMTP_HOST": "smtp.example.com:587", "GF_SMTP_FROM_ADDRESS": "grafana@example.com",
		"GF_SMTP_FROM_NAME": "JIUCOM Grafana", "GF_SMTP_USER": "grafana@example.com", "GF_SMTP_PASSWORD__FILE": gf.SMTPPasswordPath}, smtpEnv(env))
	password, ok := uploaded(g, gf.SMTPPasswordPath)
	require.True(t, ok)
	assert.Equal(t, harness.TestSecrets[config.KeyGrafanaSMTPPassword], password)
	for k, v := range env {
		assert.NotContains(t, v, password, k)
	}
	assert.Empty(t, drift(own), "a second up changes nothing")

	reused := runWith(t, "prod", map[string]string{
		config.KeyAlerting: `{"email": {"to": "ops@example.com", "from": "alerts@example.com", "smarthost": "smtp.example.com:587", "username": "alerts@example.com"}}`,
		config.KeyGrafana:  `{"smtp": {"fromAlerting": true}}`,
	})
	g = only(t, reused, config.Grafana)
	assert.Equal(t, map[string]string{"GF_SMTP_ENABLED": "true", "GF_SMTP_HOST": "smtp.example.com:587", "GF_SMTP_FROM_ADDRESS": "alerts@example.com",
		"GF_SMTP_FROM_NAME": "JIUCOM Grafana", "GF_SMTP_USER": "alerts@example.com", "GF_SMTP_PASSWORD__FILE": gf.SMTPPasswordPath}, smtpEnv(envOf(g)))
	password, _ = uploaded(g, gf.SMTPPasswordPath)
	assert.Equal(t, harness.TestSecrets[config.KeySMTPPassword], password, "Alertmanager's smtpPassword, not asked twice")
}

func smtpEnv(env map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range env {
		if strings.HasPrefix(k, "GF_SMTP_") {
			out[k] = v
		}
	}
	return out
}

package monitoring_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/jiucom/jiucom-infra/components/config"
	"github.com/jiucom/jiucom-infra/tests/harness"
)

// changed lists the containers a `pulumi up` from before to after would
// replace (harness.Changed: inputs, including the IDs they carry, differ).
// Uploaded files are replace-on-change inputs of the docker provider, so a
// changed file restarts its container.
func changed(before, after *harness.Recording) []string {
	var out []string
	for _, urn := range harness.Changed(before, after) {
		if r, ok := after.ByURN(urn); ok && r.Type == containerType {
			out = append(out, r.Name)
		}
	}
	return out
}

func TestAConfigChangeReplacesOnlyItsContainer(t *testing.T) {
	base := runStack(t, "prod", nil)
	assert.Empty(t, changed(base, runStack(t, "prod", nil)), "an unchanged stack changes nothing")
	cases := []struct {
		name   string
		mutate func(config.Input)
		want   []string
	}{
		{"slack channel", func(in config.Input) {
			in.Values[config.KeyAlerting] = `{"slack": {"channel": "#ops"}}`
		}, []string{"alertmanager-container"}},
		{"retention", func(in config.Input) { in.Values[config.KeyPrometheusRetention] = "30d" }, []string{"prometheus-container"}},
		{"grafana admin password", func(in config.Input) {
			in.Values[config.KeyGrafanaAdminPassword] = "rotated-Secret"
		}, []string{"grafana-container"}},
		{"a route name", func(in config.Input) {
			in.Values[config.KeyEdge] = `{"mode": "gcp", "gcp": {"project": "jiucom-prod", "region": "asia-northeast3", "zone": "asia-northeast3-a"},
			  "ssh": {"user": "jiu_example_com"}, "adminCidrs": ["203.0.113.7/32"], "homeAddress": "198.51.100.24",
			  "routes": [{"name": "dash.jiucom.example", "role": "monitoring"}, {"name": "api.jiucom.example", "role": "service"}]}`
			// nginx_mon takes its new server names by reload, not replacement;
			// its ACME client restarts with the new name list (its state and
			// the certificate nginx serves meanwhile are in volumes).
		}, []string{"prometheus-container", "acme-nginx-mon-container"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := changed(base, runStack(t, "prod", c.mutate))
			assert.ElementsMatch(t, c.want, got)
		})
	}
}

// The Grafana admin password reaches a running Grafana through its start
// wrapper, which runs when the container is replaced: that happens when, and
// only when, the secret changes (TestAConfigChangeReplacesOnlyItsContainer
// shows no other change touches Grafana; here the same secret leaves it alone).
func TestGrafanaPasswordRotationTriggersOnlyOnASecretChange(t *testing.T) {
	set := func(pw string) func(config.Input) {
		return func(in config.Input) { in.Values[config.KeyGrafanaAdminPassword] = pw }
	}
	first := runStack(t, "dev", set("first-Secret"))
	assert.Empty(t, changed(first, runStack(t, "dev", set("first-Secret"))), "same secret: Grafana is not replaced")
	assert.Equal(t, []string{"grafana-container"}, changed(first, runStack(t, "dev", set("second-Secret"))))
	// The trigger is the secret file itself, kept secret in the inputs.
	for _, u := range harness.Arr(containerOf(t, first, config.Grafana).Inputs["uploads"]) {
		content := harness.Obj(u)["content"]
		if harness.Str(harness.Obj(u)["file"]) == "/run/secrets/grafana-admin-password" {
			assert.True(t, content.IsSecret(), "the password upload is secret")
			return
		}
	}
	t.Fatal("no password file uploaded to Grafana")
}

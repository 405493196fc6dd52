package stack_test

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/stretchr/testify/assert"

	"github.com/jiucom/jiucom-infra/components/config"
	"github.com/jiucom/jiucom-infra/tests/harness"
)

// plainLeaks returns the paths of non-secret strings that contain a secret.
func plainLeaks(v resource.PropertyValue, path string, secrets map[string]string) []string {
	switch {
	case v.IsSecret():
		return nil
	case v.IsString():
		var leaks []string
		for key, s := range secrets {
			if strings.Contains(v.StringValue(), s) {
				leaks = append(leaks, path+" carries "+key)
			}
		}
		return leaks
	case v.IsArray():
		var leaks []string
		for i, e := range v.ArrayValue() {
			leaks = append(leaks, plainLeaks(e, path+"["+string(rune('0'+i%10))+"]", secrets)...)
		}
		return leaks
	case v.IsObject():
		var leaks []string
		for k, e := range v.ObjectValue() {
			leaks = append(leaks, plainLeaks(e, path+"."+string(k), secrets)...)
		}
		return leaks
	}
	return nil
}

// carriesSecret reports whether a secret value holds the string anywhere.
func carriesSecret(v resource.PropertyValue, s string, inSecret bool) bool {
	switch {
	case v.IsSecret():
		return carriesSecret(v.SecretValue().Element, s, true)
	case v.IsString():
		return inSecret && strings.Contains(v.StringValue(), s)
	case v.IsArray():
		for _, e := range v.ArrayValue() {
			if carriesSecret(e, s, inSecret) {
				return true
			}
		}
	case v.IsObject():
		for _, e := range v.ObjectValue() {
			if carriesSecret(e, s, inSecret) {
				return true
			}
		}
	}
	return false
}

func TestSecretsNeverAppearInPlainInputs(t *testing.T) {
	for _, stackName := range []string{"dev", "prod"} {
		rec := run(t, stackName)
		delivered := map[string]bool{}
		for _, res := range rec.Resources {
			obj := resource.NewProperty(res.Inputs)
			assert.Empty(t, plainLeaks(obj, res.Name, harness.TestSecrets), "%s: %s", stackName, res.Name)
			for key, s := range harness.TestSecrets {
				if carriesSecret(obj, s, false) {
					delivered[key] = true
				}
			}
		}
		// Every secret the stack needs reaches its consumer, as a secret; the
		// edge's SSH key only where an edge VM is pushed to, the SMTP password
		// only where an e-mail receiver logs in (prod).
		// Backups (their restic and MySQL passwords) are off in dev, and
		// its traces stay in memory (no Elasticsearch logins).
		prodOnly := map[string]bool{config.KeyEdgeSSHPrivateKey: true, config.KeySMTPPassword: true,
			config.KeyResticPassword: true, config.KeyMySQLBackupPassword: true,
			config.KeyElasticPassword: true, config.KeyZipkinElasticPassword: true, config.KeyElasticExporterPassword: true}
		// Grafana's SMTP password only with grafana.smtp, which no committed
		// stack sets (TestGrafanaMailFromItsOwnRelayOrAlertmanagers).
		for key := range harness.TestSecrets {
			needed := (!prodOnly[key] || stackName == "prod") && key != config.KeyGrafanaSMTPPassword
			assert.Equal(t, needed, delivered[key], "%s: %s delivered", stackName, key)
		}
	}
}

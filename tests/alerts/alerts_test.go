// Package alerts checks the Prometheus rule files in assets/alerts: their
// conventions, and (with Debian's promtool) that they load and that their unit
// tests in testdata/ pass, with every alert tested firing and staying quiet.
package alerts

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/jiucom/jiucom-infra/tests/promqltest"
	"github.com/jiucom/jiucom-infra/tests/tooltest"
)

// minimumAlerts is what the issue asks for: at least 30 rules that matter.
const minimumAlerts = 30

var severities = map[string]bool{"critical": true, "warning": true, "info": true}

func alertRules(t *testing.T) map[string]string {
	t.Helper()
	files, err := promqltest.RuleFiles()
	require.NoError(t, err)
	alerts := map[string]string{} // alert name -> rule file
	for file, groups := range files {
		for _, group := range groups.Groups {
			for _, rule := range group.Rules {
				if rule.Alert == "" {
					continue
				}
				require.NotContains(t, alerts, rule.Alert, "alert names must be unique")
				alerts[rule.Alert] = file
				require.True(t, severities[rule.Labels["severity"]], "%s: severity %q", rule.Alert, rule.Labels["severity"])
				require.NotEmpty(t, rule.Annotations["summary"], "%s: summary", rule.Alert)
				description := rule.Annotations["description"]
				require.Contains(t, description, "$value", "%s: description must show the value", rule.Alert)
				require.Contains(t, description, "$labels.instance", "%s: description must name the instance", rule.Alert)
			}
		}
	}
	return alerts
}

func TestAlertConventions(t *testing.T) {
	require.GreaterOrEqual(t, len(alertRules(t)), minimumAlerts)
}

// testFile is the part of a promtool test file this check reads.
type testFile struct {
	RuleFiles []string `yaml:"rule_files"`
	Tests     []struct {
		AlertRuleTests []struct {
			Alertname string `yaml:"alertname"`
			ExpAlerts []any  `yaml:"exp_alerts"`
		} `yaml:"alert_rule_test"`
	} `yaml:"tests"`
}

func testFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("testdata/*.test.yml")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	return files
}

func TestEveryAlertIsTestedFiringAndQuiet(t *testing.T) {
	fires, quiet := map[string]bool{}, map[string]bool{}
	covered := map[string]bool{}
	for _, path := range testFiles(t) {
		content, err := os.ReadFile(path)
		require.NoError(t, err)
		var file testFile
		require.NoError(t, yaml.Unmarshal(content, &file), path)
		for _, rf := range file.RuleFiles {
			covered[filepath.Base(rf)] = true
		}
		for _, group := range file.Tests {
			for _, check := range group.AlertRuleTests {
				if len(check.ExpAlerts) > 0 {
					fires[check.Alertname] = true
				} else {
					quiet[check.Alertname] = true
				}
			}
		}
	}
	for alert, file := range alertRules(t) {
		require.True(t, covered[filepath.Base(file)], "%s is not loaded by any test file", file)
		require.True(t, fires[alert], "%s has no test that fires it", alert)
		require.True(t, quiet[alert], "%s has no test where it stays quiet", alert)
	}
}

func TestRuleFilesLoadInPromtool(t *testing.T) {
	promtool := tooltest.Require(t, "promtool")
	files, err := filepath.Glob("../../assets/alerts/*.yml")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	out, err := exec.Command(promtool, append([]string{"check", "rules"}, files...)...).CombinedOutput()
	require.NoError(t, err, "%s", out)
}

func TestPromtoolUnitTests(t *testing.T) {
	promtool := tooltest.Require(t, "promtool")
	for _, path := range testFiles(t) {
		out, err := exec.Command(promtool, "test", "rules", path).CombinedOutput()
		require.NoError(t, err, "%s", out)
		require.True(t, strings.Contains(string(out), "SUCCESS"), "%s: %s", path, out)
	}
}

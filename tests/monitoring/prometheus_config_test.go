package monitoring_test

import (
	"io/fs"
	"log/slog"
	"strings"
	"testing"

	"github.com/prometheus/common/model"
	promconfig "github.com/prometheus/prometheus/config"
	"github.com/prometheus/prometheus/discovery"
	"github.com/prometheus/prometheus/model/rulefmt"
	"github.com/prometheus/prometheus/promql/parser"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jiucom/jiucom-infra/assets"
	"github.com/jiucom/jiucom-infra/components/config"
	prom "github.com/jiucom/jiucom-infra/components/prometheus"
	"github.com/jiucom/jiucom-infra/tests/harness"
)

// loadPrometheus loads the config the stack uploads with Prometheus's own loader.
func loadPrometheus(t *testing.T, rec *harness.Recording) *promconfig.Config {
	t.Helper()
	text := uploaded(t, rec, config.Prometheus, prom.ConfigPath)
	cfg, err := promconfig.Load(text, slog.New(slog.DiscardHandler))
	require.NoError(t, err, "Prometheus rejects:\n%s", text)
	return cfg
}

// targets maps each job to its target addresses and their host labels.
func targets(cfg *promconfig.Config) map[string]map[string]string {
	out := map[string]map[string]string{}
	for _, sc := range cfg.ScrapeConfigs {
		out[sc.JobName] = map[string]string{}
		for _, sd := range sc.ServiceDiscoveryConfigs {
			static, _ := sd.(discovery.StaticConfig)
			for _, g := range static {
				for _, tg := range g.Targets {
					out[sc.JobName][string(tg[model.AddressLabel])] = string(g.Labels[prom.HostLabel])
				}
			}
		}
	}
	return out
}

func TestPrometheusConfigLoadsForDevAndProd(t *testing.T) {
	for _, stackName := range []string{"dev", "prod"} {
		t.Run(stackName, func(t *testing.T) {
			rec := runStack(t, stackName, nil)
			cfg := loadPrometheus(t, rec)
			assert.Equal(t, "15s", cfg.GlobalConfig.ScrapeInterval.String())
			var jobs []string
			for _, sc := range cfg.ScrapeConfigs {
				jobs = append(jobs, sc.JobName)
			}
			want := []string{"prometheus", "jiucom-api", "mysql", "redis", "alertmanager", "gateway", "pushgateway", "node", "cadvisor", "blackbox"}
			if stackName == "prod" {
				want = append(want, "elasticsearch") // traces kept in Elasticsearch
			}
			assert.ElementsMatch(t, want, jobs, "the job names the dashboards and alerts use")
			assert.Equal(t, []string{prom.RulesDir + "app.yml", prom.RulesDir + "backups.yml", prom.RulesDir + "certificates.yml", prom.RulesDir + "containers.yml", prom.RulesDir + "datastores.yml",
				prom.RulesDir + "edge.yml", prom.RulesDir + "elasticsearch.yml", prom.RulesDir + "hosts.yml", prom.RulesDir + "monitoring.yml", prom.RulesDir + "recording.yml"}, cfg.RuleFiles)
			require.Len(t, cfg.AlertingConfig.AlertmanagerConfigs, 1)
		})
	}
}

// Every uploaded rule file parses with Prometheus's rule parser.
func TestUploadedRuleFilesParse(t *testing.T) {
	rec := runStack(t, "prod", nil)
	files := uploads(containerOf(t, rec, config.Prometheus))
	var rules int
	for path, content := range files {
		if !strings.HasPrefix(path, prom.RulesDir) {
			continue
		}
		rules++
		_, errs := rulefmt.Parse([]byte(content), false, model.LegacyValidation, parser.NewParser(parser.Options{}), slog.New(slog.DiscardHandler))
		assert.Empty(t, errs, path)
	}
	shipped, err := fs.Glob(assets.Alerts, "alerts/*.yml")
	require.NoError(t, err)
	assert.Equal(t, len(shipped), rules, "every file of assets/alerts is uploaded")
}

// Targets follow placement: same engine by container name, the other engine
// by its LAN address and a published port; every target has a host label.
func TestScrapeTargetsFollowPlacement(t *testing.T) {
	prod := targets(loadPrometheus(t, runStack(t, "prod", nil)))
	assert.Equal(t, map[string]string{"192.168.0.30:8080": "service", "192.168.0.30:8081": "service"}, prod["jiucom-api"], "every app replica")
	assert.Equal(t, map[string]string{"192.168.0.30:9104": "service"}, prod["mysql"])
	assert.Equal(t, map[string]string{"192.168.0.30:9121": "service"}, prod["redis"])
	assert.Equal(t, map[string]string{"jiucom-node-exporter:9100": "monitoring", "192.168.0.30:9100": "service"}, prod["node"])
	assert.Equal(t, map[string]string{"jiucom-cadvisor:8080": "monitoring", "192.168.0.30:8180": "service"}, prod["cadvisor"])
	assert.Equal(t, map[string]string{"jiucom-alertmanager:9093": "monitoring"}, prod["alertmanager"])
	assert.Equal(t, map[string]string{"localhost:9090": "monitoring"}, prod["prometheus"])
	assert.Equal(t, map[string]string{"https://grafana.jiucom.example/grafana/api/health": "monitoring", "https://api.jiucom.example/health": "service"}, prod["blackbox"])

	moved := targets(loadPrometheus(t, runStack(t, "prod", func(in config.Input) {
		in.Values[config.KeyPlacement] = `{"mysql": "monitoring", "mysql-exporter": "monitoring"}`
	})))
	assert.Equal(t, map[string]string{"jiucom-mysql-exporter:9104": "monitoring"}, moved["mysql"], "the job follows mysql to the monitoring host")
	assert.Equal(t, prod["redis"], moved["redis"])

	dev := targets(loadPrometheus(t, runStack(t, "dev", nil)))
	assert.Equal(t, map[string]string{"jiucom-app-1:8080": "monitoring-service"}, dev["jiucom-api"], "one engine: by container name")
	assert.Equal(t, map[string]string{"jiucom-node-exporter:9100": "monitoring-service"}, dev["node"], "one node-exporter per engine")
}

// The published side of a cross-host target: the exporter's port is bound
// to its host's LAN address and nothing else.
func TestCrossHostTargetsArePublishedOnTheLANOnly(t *testing.T) {
	rec := runStack(t, "prod", nil)
	for _, service := range []string{config.MySQLExporter, config.RedisExporter} {
		ports := harness.Arr(containerOf(t, rec, service).Inputs["ports"])
		require.Len(t, ports, 1, service)
		assert.Equal(t, "192.168.0.30", harness.Str(harness.Obj(ports[0])["ip"]), service)
	}
	// On one engine nothing needs publishing for Prometheus.
	dev := runStack(t, "dev", nil)
	assert.Empty(t, harness.Arr(containerOf(t, dev, config.MySQLExporter).Inputs["ports"]))
}

// The probe job sends the public URL as the instance and, in dev, connects
// through the edge container with the name as SNI (a module per name).
func TestBlackboxProbesGoThroughTheEdge(t *testing.T) {
	cfg := loadPrometheus(t, runStack(t, "dev", nil))
	for _, sc := range cfg.ScrapeConfigs {
		if sc.JobName != prom.BlackboxJob {
			continue
		}
		assert.Equal(t, "/probe", sc.MetricsPath)
		for _, sd := range sc.ServiceDiscoveryConfigs {
			for _, g := range sd.(discovery.StaticConfig) {
				assert.True(t, strings.HasPrefix(string(g.Labels["__param_target"]), "https://jiucom-edge:443/"), "dev probes connect to the edge container")
				assert.True(t, strings.HasPrefix(string(g.Labels["__param_module"]), prom.HTTPSModule+"_via_"))
			}
		}
		return
	}
	t.Fatal("no blackbox job")
}

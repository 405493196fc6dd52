package services

import (
	"fmt"
	"io/fs"
	"path"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/jiucom/jiucom-infra/assets"
	"github.com/jiucom/jiucom-infra/components/config"
	"github.com/jiucom/jiucom-infra/components/container"
	prom "github.com/jiucom/jiucom-infra/components/prometheus"
)

// scrapeInterval is the manual's 15 s.
const scrapeInterval = "15s"

// prometheus scrapes every record with a Scrape job, probes the public
// names through blackbox_exporter and evaluates the rules in assets/alerts.
var prometheus = Record{
	Name: config.Prometheus, Host: config.Monitoring,
	Image:      "prom/prometheus:v3.0.1",
	Resources:  res(500, 250, 512, 256),
	Port:       9090,
	Data:       "/prometheus",
	Health:     Health{Path: "/-/healthy", StartPeriod: 30 * time.Second},
	Consumes:   []string{config.Alertmanager, config.BlackboxExporter},
	After:      []string{config.App},
	OperatorUI: true,
	Spec: func(e *Env, in Instance) (container.Spec, error) {
		rules, err := alertRules()
		if err != nil {
			return container.Spec{}, err
		}
		conf, err := prom.Render(e.scrapeConfig(in.Role, prom.RuleFileNames(rules)))
		if err != nil {
			return container.Spec{}, fmt.Errorf("prometheus: %w", err)
		}
		// Each file is its own upload: a changed rule or target replaces only
		// the Prometheus container.
		files := []container.File{{Path: prom.ConfigPath, Content: pulumi.String(conf)}}
		for _, name := range prom.RuleFileNames(rules) {
			files = append(files, container.File{Path: prom.RulesDir + name, Content: pulumi.String(rules[name])})
		}
		command := []string{
			"--config.file=" + prom.ConfigPath,
			"--storage.tsdb.path=/prometheus",
			"--storage.tsdb.retention.time=" + e.Cfg.Monitoring.Retention,
			"--web.enable-lifecycle",
		}
		if e.Cfg.Backup.Enabled {
			// The backup takes TSDB snapshots through the admin API.
			// Prometheus listens on the docker network and the LAN address
			// only, never a public one.
			command = append(command, "--web.enable-admin-api")
		}
		return container.Spec{Command: command, Files: files}, nil
	},
}

// scraped are the services with a Prometheus job.
func (e *Env) scraped() []string {
	var out []string
	for _, r := range e.Records {
		if r.Scrape != nil {
			out = append(out, r.Name)
		}
	}
	return out
}

// scrapeConfig is Prometheus's view of the platform from its own host: a
// job per scraped record, placed services where placement puts each
// replica and agents once per engine, plus the blackbox probes.
func (e *Env) scrapeConfig(from config.Role, ruleFiles []string) prom.Config {
	c := prom.Config{
		ScrapeInterval: scrapeInterval,
		RuleFiles:      ruleFiles,
		Alertmanagers:  e.Endpoints(from, config.Alertmanager),
		Jobs:           []prom.Job{{Name: "prometheus", Targets: []prom.Target{{Address: fmt.Sprintf("localhost:%d", e.Record(config.Prometheus).Port), Host: e.HostName(from)}}}},
	}
	var agents []prom.Job
	for _, r := range e.Records {
		if r.Scrape == nil {
			continue
		}
		job := prom.Job{Name: r.Scrape.Job, MetricsPath: r.Scrape.Path, HonorLabels: r.Scrape.HonorLabels}
		if r.PerHost {
			for _, engine := range e.Cfg.Engines() {
				job.Targets = append(job.Targets, prom.Target{Address: e.agentEndpoint(from, engine, r.Name), Host: engine.Name})
			}
			agents = append(agents, job)
			continue
		}
		addrs := e.Endpoints(from, r.Name)
		for i, in := range e.Instances(r.Name) {
			job.Targets = append(job.Targets, prom.Target{Address: addrs[i], Host: e.HostName(in.Role)})
		}
		c.Jobs = append(c.Jobs, job)
	}
	c.Jobs = append(c.Jobs, agents...)
	if b := e.blackbox(from); len(b.Probes) > 0 {
		c.Blackbox = &b
	}
	return c
}

// alertRules are the rule files shipped in assets/alerts, by file name.
func alertRules() (map[string]string, error) {
	names, err := fs.Glob(assets.Alerts, "alerts/*.yml")
	if err != nil {
		return nil, fmt.Errorf("alert rules: %w", err)
	}
	rules := map[string]string{}
	for _, name := range names {
		content, err := fs.ReadFile(assets.Alerts, name)
		if err != nil {
			return nil, fmt.Errorf("alert rules: %w", err)
		}
		rules[path.Base(name)] = string(content)
	}
	return rules, nil
}

package stack

import (
	"fmt"
	"io/fs"
	"maps"
	"path"
	"slices"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/jiucom/jiucom-infra/assets"
	"github.com/jiucom/jiucom-infra/components/config"
	"github.com/jiucom/jiucom-infra/components/container"
	prom "github.com/jiucom/jiucom-infra/components/prometheus"
)

// scrapeInterval is the manual's 15 s.
const scrapeInterval = "15s"

// scrapeJob is a service Prometheus scrapes. Job names are a contract with
// the dashboards and alert rules: do not rename them.
type scrapeJob struct {
	job, service, path string
}

// placedJobs are scraped wherever placement puts each replica.
var placedJobs = []scrapeJob{
	{"jiucom-api", config.App, "/api/v1/actuator/prometheus"},
	{"mysql", config.MySQLExporter, ""},
	{"redis", config.RedisExporter, ""},
	{"alertmanager", config.Alertmanager, ""},
	{"gateway", config.GatewayExporter, ""},
}

// agentJobs are scraped once per docker engine.
var agentJobs = []scrapeJob{
	{"node", config.NodeExporter, ""},
	{"cadvisor", config.CAdvisor, ""},
}

// hostName is the host label of a target: the machine (engine) its role runs
// on, "monitoring" or "service" in prod; the one dev machine is
// "monitoring-service", the same for all its targets.
func (d *deployment) hostName(role config.Role) string { return d.cfg.EngineOf(role).Name }

// scrapeConfig is Prometheus's view of the platform from its own role: same
// engine by container name, other engine by LAN address (d.endpoints).
func (d *deployment) scrapeConfig(from config.Role, ruleFiles []string) prom.Config {
	c := prom.Config{
		ScrapeInterval: scrapeInterval,
		RuleFiles:      ruleFiles,
		Alertmanagers:  d.endpoints(from, config.Alertmanager),
		Jobs:           []prom.Job{{Name: "prometheus", Targets: []prom.Target{{Address: fmt.Sprintf("localhost:%d", ports[config.Prometheus]), Host: d.hostName(from)}}}},
	}
	for _, j := range placedJobs {
		job := prom.Job{Name: j.job, MetricsPath: j.path}
		addrs := d.endpoints(from, j.service)
		for i, in := range d.placed(j.service) {
			job.Targets = append(job.Targets, prom.Target{Address: addrs[i], Host: d.hostName(in.role)})
		}
		c.Jobs = append(c.Jobs, job)
	}
	for _, j := range agentJobs {
		job := prom.Job{Name: j.job, MetricsPath: j.path}
		for _, e := range d.cfg.Engines() {
			job.Targets = append(job.Targets, prom.Target{Address: d.agentEndpoint(from, e, j.service), Host: e.Name})
		}
		c.Jobs = append(c.Jobs, job)
	}
	if b := d.blackbox(from); len(b.Probes) > 0 {
		c.Blackbox = &b
	}
	return c
}

// agentEndpoint reaches a per-engine agent the way d.endpoints reaches a
// placed service.
func (d *deployment) agentEndpoint(from config.Role, e config.Engine, service string) string {
	if d.cfg.SameEngine(from, e.Roles[0]) {
		return fmt.Sprintf("%s%s:%d", containerPrefix, service, ports[service])
	}
	return fmt.Sprintf("%s:%d", e.Host.LAN, d.hostPort(service, 0))
}

// probePaths answer 200 without a login on each home nginx: Grafana's
// health API behind nginx_mon, the gateway's own /health.
var probePaths = map[string]string{config.NginxMon: "/grafana/api/health", config.Gateway: "/health"}

// blackbox probes every public name through the edge. With a container edge
// the names do not resolve on the docker network, so the probe connects to
// the edge container and sends the name as SNI and Host, as a client would.
func (d *deployment) blackbox(from config.Role) prom.Blackbox {
	e := d.cfg.Edge
	b := prom.Blackbox{
		Exporter:    d.endpoint(from, config.BlackboxExporter),
		InsecureTLS: d.cfg.Monitoring.TLS.SelfSigned(),
	}
	if e.Mode == config.EdgeNone {
		return b
	}
	via := ""
	if e.Mode == config.EdgeContainer {
		via = fmt.Sprintf("%s:%d", d.cfg.Hosts[e.ContainerHost].LAN, edgeHTTPS)
		if d.cfg.SameEngine(d.cfg.RoleOf(config.BlackboxExporter), e.ContainerHost) {
			via = fmt.Sprintf("%s%s:%d", containerPrefix, config.EdgeProxy, edgeHTTPS)
		}
	}
	for _, r := range e.Routes {
		b.Probes = append(b.Probes, prom.Probe{URL: "https://" + r.Name + probePaths[d.homeNginx(r.Role)], Host: d.hostName(r.Role), Via: via})
	}
	return b
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

// plainFiles turns rendered files (path → content) into uploads, in path
// order so the container's inputs are stable.
func plainFiles(files map[string]string) []container.File {
	var out []container.File
	for _, p := range slices.Sorted(maps.Keys(files)) {
		out = append(out, container.File{Path: p, Content: pulumi.String(files[p])})
	}
	return out
}

// Package prometheus renders the monitoring host's Prometheus configuration
// (and the blackbox exporter's, whose modules the probe job names) from Go
// structs marshalled to YAML. It is a pure renderer: the stack decides the
// targets from placement and delivers the files into the containers.
package prometheus

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/jiucom/jiucom-infra/components/validate"
)

// Paths inside the Prometheus container.
const (
	ConfigPath = "/etc/prometheus/prometheus.yml"
	RulesDir   = "/etc/prometheus/rules/"
)

// HostLabel names the machine a target runs on; dashboards and alerts
// filter and group by it.
const HostLabel = "host"

// Target is one scrape address and the machine it runs on.
type Target struct {
	Address string // host:port
	Host    string
}

// Job is one scrape job.
type Job struct {
	Name        string
	MetricsPath string // default /metrics
	// HonorLabels keeps the job and instance labels a target reports, for a
	// Pushgateway relaying other jobs' metrics.
	HonorLabels bool
	Targets     []Target
}

// Config is everything the rendered prometheus.yml depends on.
type Config struct {
	ScrapeInterval string // e.g. "15s"
	Jobs           []Job
	// Alertmanagers are host:port addresses alerts are sent to.
	Alertmanagers []string
	// RuleFiles are the rule file names (under RulesDir) Prometheus loads.
	RuleFiles []string
	// Blackbox is the probe job; nil when there is nothing to probe.
	Blackbox *Blackbox
}

// Validate reports every problem at once.
func (c Config) Validate() error {
	var errs []error
	if c.ScrapeInterval == "" {
		errs = append(errs, errors.New("scrape interval is required"))
	}
	seen := map[string]bool{}
	for _, j := range c.Jobs {
		if j.Name == "" || seen[j.Name] {
			errs = append(errs, fmt.Errorf("job name %q is empty or repeated", j.Name))
		}
		seen[j.Name] = true
		for _, t := range j.Targets {
			errs = append(errs, checkAddress("job "+j.Name, t.Address))
			if t.Host == "" {
				errs = append(errs, fmt.Errorf("job %s: target %s has no host", j.Name, t.Address))
			}
		}
	}
	for _, a := range c.Alertmanagers {
		errs = append(errs, checkAddress("alertmanager", a))
	}
	if c.Blackbox != nil {
		if seen[BlackboxJob] {
			errs = append(errs, fmt.Errorf("job name %q is reserved for the probes", BlackboxJob))
		}
		errs = append(errs, c.Blackbox.validate())
	}
	return errors.Join(errs...)
}

func checkAddress(what, addr string) error {
	if _, _, err := validate.HostPort(addr); err != nil {
		return fmt.Errorf("%s: %q is not host:port", what, addr)
	}
	return nil
}

// The YAML shape of prometheus.yml (the subset this platform uses).
type (
	file struct {
		Global        global         `yaml:"global"`
		RuleFiles     []string       `yaml:"rule_files,omitempty"`
		Alerting      *alerting      `yaml:"alerting,omitempty"`
		ScrapeConfigs []scrapeConfig `yaml:"scrape_configs"`
	}
	global struct {
		ScrapeInterval     string `yaml:"scrape_interval"`
		EvaluationInterval string `yaml:"evaluation_interval"`
	}
	alerting struct {
		Alertmanagers []alertmanagerConfig `yaml:"alertmanagers"`
	}
	alertmanagerConfig struct {
		StaticConfigs []staticConfig `yaml:"static_configs"`
	}
	scrapeConfig struct {
		JobName        string              `yaml:"job_name"`
		MetricsPath    string              `yaml:"metrics_path,omitempty"`
		HonorLabels    bool                `yaml:"honor_labels,omitempty"`
		Params         map[string][]string `yaml:"params,omitempty"`
		StaticConfigs  []staticConfig      `yaml:"static_configs"`
		RelabelConfigs []relabelConfig     `yaml:"relabel_configs,omitempty"`
	}
	staticConfig struct {
		Targets []string          `yaml:"targets"`
		Labels  map[string]string `yaml:"labels,omitempty"`
	}
	relabelConfig struct {
		SourceLabels []string `yaml:"source_labels,omitempty"`
		TargetLabel  string   `yaml:"target_label"`
		Replacement  string   `yaml:"replacement,omitempty"`
	}
)

// Render produces prometheus.yml. Jobs and targets keep their given order,
// so the same placement always renders the same bytes (and an unchanged
// config never restarts Prometheus).
func Render(c Config) (string, error) {
	if err := c.Validate(); err != nil {
		return "", fmt.Errorf("prometheus: %w", err)
	}
	f := file{Global: global{ScrapeInterval: c.ScrapeInterval, EvaluationInterval: c.ScrapeInterval}}
	for _, name := range c.RuleFiles {
		f.RuleFiles = append(f.RuleFiles, RulesDir+name)
	}
	if len(c.Alertmanagers) > 0 {
		f.Alerting = &alerting{Alertmanagers: []alertmanagerConfig{{StaticConfigs: []staticConfig{{Targets: c.Alertmanagers}}}}}
	}
	for _, j := range c.Jobs {
		f.ScrapeConfigs = append(f.ScrapeConfigs, scrapeConfig{JobName: j.Name, MetricsPath: j.MetricsPath, HonorLabels: j.HonorLabels, StaticConfigs: byHost(j.Targets)})
	}
	if c.Blackbox != nil {
		f.ScrapeConfigs = append(f.ScrapeConfigs, c.Blackbox.scrapeConfig())
	}
	out, err := yaml.Marshal(f)
	if err != nil {
		return "", fmt.Errorf("prometheus: %w", err)
	}
	return string(out), nil
}

// byHost groups targets into one static config per host label, in order of
// first appearance.
func byHost(targets []Target) []staticConfig {
	var out []staticConfig
	index := map[string]int{}
	for _, t := range targets {
		i, ok := index[t.Host]
		if !ok {
			i = len(out)
			index[t.Host] = i
			out = append(out, staticConfig{Labels: map[string]string{HostLabel: t.Host}})
		}
		out[i].Targets = append(out[i].Targets, t.Address)
	}
	return out
}

// RuleFileNames returns the names of rule files in a stable order.
func RuleFileNames(rules map[string]string) []string {
	return slices.Sorted(maps.Keys(rules))
}

// sanitize turns a DNS name into a module-name fragment.
func sanitize(name string) string {
	return strings.NewReplacer(".", "_", "-", "_").Replace(name)
}

package stack

import (
	"fmt"
	"slices"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	am "github.com/jiucom/jiucom-infra/components/alertmanager"
	"github.com/jiucom/jiucom-infra/components/config"
	"github.com/jiucom/jiucom-infra/components/container"
	"github.com/jiucom/jiucom-infra/components/dashboards"
	gf "github.com/jiucom/jiucom-infra/components/grafana"
	prom "github.com/jiucom/jiucom-infra/components/prometheus"
)

func prometheus(d *deployment) error {
	rules, err := alertRules()
	if err != nil {
		return fmt.Errorf("stack: %w", err)
	}
	conf, err := prom.Render(d.scrapeConfig(d.cfg.RoleOf(config.Prometheus), prom.RuleFileNames(rules)))
	if err != nil {
		return fmt.Errorf("stack: %w", err)
	}
	// Each file is its own upload: a changed rule or target replaces only
	// the Prometheus container.
	files := []container.File{{Path: prom.ConfigPath, Content: pulumi.String(conf)}}
	for _, name := range prom.RuleFileNames(rules) {
		files = append(files, container.File{Path: prom.RulesDir + name, Content: pulumi.String(rules[name])})
	}
	return d.runPlaced(config.Prometheus, func(in instance) container.Spec {
		return container.Spec{
			Command: []string{
				"--config.file=" + prom.ConfigPath,
				"--storage.tsdb.path=/prometheus",
				"--storage.tsdb.retention.time=" + d.cfg.Monitoring.Retention,
				"--web.enable-lifecycle",
			},
			Files:  files,
			Mounts: []container.Mount{{Volume: d.volume(in, config.Prometheus), Target: "/prometheus"}},
			Ports:  d.lanPorts(in),
			Health: httpHealth("http://127.0.0.1:9090/-/healthy", 30*time.Second),
		}
	}, config.App)
}

func alertmanager(d *deployment) error {
	a := d.cfg.Monitoring.Alerting
	args := am.Args{}
	var secrets []container.File
	if a.Slack != nil {
		args.Slack = &am.Slack{Channel: a.Slack.Channel}
		secrets = append(secrets, container.File{Path: am.SlackWebhookPath, Content: a.Slack.WebhookURL})
	}
	if e := a.Email; e != nil {
		args.Email = &am.Email{To: e.To, From: e.From, Smarthost: e.Smarthost, Username: e.Username}
		if e.Username != "" {
			secrets = append(secrets, container.File{Path: am.SMTPPasswordPath, Content: e.Password})
		}
	}
	conf, err := am.Render(args)
	if err != nil {
		return fmt.Errorf("stack: %w", err)
	}
	return d.runPlaced(config.Alertmanager, func(in instance) container.Spec {
		return container.Spec{
			Command: []string{"--config.file=" + am.ConfigPath, "--storage.path=/alertmanager"},
			Files:   append([]container.File{{Path: am.ConfigPath, Content: pulumi.String(conf)}}, secrets...),
			Ports:   d.lanPorts(in),
			Health:  httpHealth("http://127.0.0.1:9093/-/healthy", 10*time.Second),
		}
	}) // the manual does not order it: it starts at once
}

func zipkin(d *deployment) error {
	return d.runPlaced(config.Zipkin, func(in instance) container.Spec {
		heap := d.cfg.Resources[config.Zipkin].MemoryLimitMiB * 3 / 4
		return container.Spec{
			Env: map[string]string{
				"STORAGE_TYPE": "mem",
				// Keep the JVM heap inside the container limit, with room for metaspace.
				"JAVA_OPTS": fmt.Sprintf("-Xms%dm -Xmx%dm", heap/2, heap),
			},
			Ports:  d.lanPorts(in),
			Health: container.Healthcheck{Test: []string{"CMD", "docker-healthcheck"}, StartPeriod: 60 * time.Second},
		}
	}, config.App)
}

func grafana(d *deployment) error {
	boards, err := dashboards.Files()
	if err != nil {
		return fmt.Errorf("stack: %w", err)
	}
	role := d.cfg.RoleOf(config.Grafana)
	provisioned, err := gf.Files(gf.Args{
		PrometheusURL:  "http://" + d.endpoint(role, config.Prometheus),
		ZipkinURL:      "http://" + d.endpoint(role, config.Zipkin),
		ScrapeInterval: scrapeInterval,
		Dashboards:     boards,
	})
	if err != nil {
		return fmt.Errorf("stack: %w", err)
	}
	// The password file is the only secret upload; when it changes the
	// container is replaced and the start wrapper applies the new password.
	files := append(plainFiles(provisioned), container.File{Path: gf.AdminPasswordPath, Content: d.cfg.Secrets.GrafanaAdminPassword})
	return d.runPlaced(config.Grafana, func(in instance) container.Spec {
		return container.Spec{
			Entrypoint: gf.Entrypoint(),
			Env:        gf.Env(),
			Files:      files,
			Mounts:     []container.Mount{{Volume: d.volume(in, config.Grafana), Target: "/var/lib/grafana"}},
			Ports:      d.lanPorts(in),
			Health:     httpHealth("http://127.0.0.1:3000/api/health", 30*time.Second),
		}
	}, config.Prometheus, config.Zipkin)
}

func blackboxExporter(d *deployment) error {
	// The exporter's modules come from the same probe list as the
	// Prometheus job, so every module a probe names exists.
	conf, err := prom.RenderBlackbox(d.blackbox(d.cfg.RoleOf(config.Prometheus)))
	if err != nil {
		return fmt.Errorf("stack: %w", err)
	}
	return d.runPlaced(config.BlackboxExporter, func(in instance) container.Spec {
		return container.Spec{
			Command: []string{"--config.file=" + prom.BlackboxConfigPath},
			Files:   []container.File{{Path: prom.BlackboxConfigPath, Content: pulumi.String(conf)}},
			Ports:   d.lanPorts(in),
			Health:  httpHealth("http://127.0.0.1:9115/-/healthy", 10*time.Second),
		}
	}) // probes the edge and the app from outside: needs nothing to start
}

// dataServices own a named volume each; it outlives `pulumi destroy` unless
// retainDataOnDestroy is false.
var dataServices = []string{config.MySQL, config.Redis, config.Prometheus, config.Grafana}

// dataServices adds the extra services that keep data.
func (d *deployment) dataServices() []string {
	out := slices.Clone(dataServices)
	for _, e := range d.cfg.Extras {
		if e.Data != "" {
			out = append(out, e.Name)
		}
	}
	return out
}

func dataVolume(service string) string { return containerPrefix + service + "-data" }

// volume is the data volume of a service on the instance's engine.
func (d *deployment) volume(in instance, service string) pulumi.StringInput {
	return d.hostFor(in.role).Volumes[dataVolume(service)].Name
}

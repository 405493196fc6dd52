package stack

import (
	"fmt"
	"slices"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/jiucom/jiucom-infra/components/config"
	"github.com/jiucom/jiucom-infra/components/container"
)

// prometheusRetention is the manual's 15 days of history.
const prometheusRetention = "15d"

func prometheus(d *deployment) error {
	return d.runPlaced(config.Prometheus, func(in instance) container.Spec {
		return container.Spec{
			Command: []string{
				"--config.file=/etc/prometheus/prometheus.yml",
				"--storage.tsdb.path=/prometheus",
				"--storage.tsdb.retention.time=" + prometheusRetention,
				"--web.enable-lifecycle",
			},
			Mounts: []container.Mount{{Volume: d.volume(in, config.Prometheus), Target: "/prometheus"}},
			Ports:  d.lanPorts(in),
			Health: httpHealth("http://127.0.0.1:9090/-/healthy", 30*time.Second),
		}
	}, config.App)
}

func alertmanager(d *deployment) error {
	return d.runPlaced(config.Alertmanager, func(in instance) container.Spec {
		return container.Spec{
			Command: []string{"--config.file=/etc/alertmanager/alertmanager.yml", "--storage.path=/alertmanager"},
			Ports:   d.lanPorts(in),
			Health:  httpHealth("http://127.0.0.1:9093/-/healthy", 10*time.Second),
		}
	}, config.App)
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
	return d.runPlaced(config.Grafana, func(in instance) container.Spec {
		return container.Spec{
			Env: map[string]string{
				"GF_SECURITY_ADMIN_PASSWORD__FILE": secretDir + "grafana-admin-password",
				"GF_AUTH_ANONYMOUS_ENABLED":        "false",
				"GF_USERS_ALLOW_SIGN_UP":           "false",
				"GF_SERVER_ROOT_URL":               "%(protocol)s://%(domain)s:%(http_port)s/grafana/",
				"GF_SERVER_SERVE_FROM_SUB_PATH":    "true",
			},
			Files:  []container.File{{Path: secretDir + "grafana-admin-password", Content: d.cfg.Secrets.GrafanaAdminPassword}},
			Mounts: []container.Mount{{Volume: d.volume(in, config.Grafana), Target: "/var/lib/grafana"}},
			Ports:  d.lanPorts(in),
			Health: httpHealth("http://127.0.0.1:3000/api/health", 30*time.Second),
		}
	}, config.Prometheus, config.Zipkin)
}

func blackboxExporter(d *deployment) error {
	return d.runPlaced(config.BlackboxExporter, func(in instance) container.Spec {
		return container.Spec{
			Ports:  d.lanPorts(in),
			Health: httpHealth("http://127.0.0.1:9115/-/healthy", 10*time.Second),
		}
	}, config.App)
}

func nginxMon(d *deployment) error {
	return d.runPlaced(config.NginxMon, func(in instance) container.Spec {
		return container.Spec{
			Health: httpHealth("http://127.0.0.1/", 10*time.Second),
			CapAdd: container.NginxCaps,
		}
	}, config.Grafana)
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

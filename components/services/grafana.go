package services

import (
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/jiucom/jiucom-infra/components/config"
	"github.com/jiucom/jiucom-infra/components/container"
	"github.com/jiucom/jiucom-infra/components/dashboards"
	gf "github.com/jiucom/jiucom-infra/components/grafana"
)

// grafana shows the provisioned dashboards over Prometheus and Zipkin.
var grafana = Record{
	Name: config.Grafana, Host: config.Monitoring,
	Image:      "grafana/grafana:11.4.0",
	Resources:  res(500, 250, 512, 256),
	Port:       3000,
	Data:       "/var/lib/grafana",
	Health:     Health{Path: "/api/health", StartPeriod: 30 * time.Second},
	Consumes:   []string{config.Prometheus, config.Zipkin},
	After:      []string{config.Prometheus, config.Zipkin},
	Upstream:   true,
	OperatorUI: true,
	Spec: func(e *Env, in Instance) (container.Spec, error) {
		boards, err := dashboards.Files()
		if err != nil {
			return container.Spec{}, fmt.Errorf("grafana: %w", err)
		}
		provisioned, err := gf.Files(gf.Args{
			PrometheusURL:  "http://" + e.Endpoint(in.Role, config.Prometheus),
			ZipkinURL:      "http://" + e.Endpoint(in.Role, config.Zipkin),
			ScrapeInterval: scrapeInterval,
			Dashboards:     boards,
		})
		if err != nil {
			return container.Spec{}, fmt.Errorf("grafana: %w", err)
		}
		// The password file is the only secret upload; when it changes the
		// container is replaced and the start wrapper applies the new password.
		files := append(plainFiles(provisioned), container.File{Path: gf.AdminPasswordPath, Content: e.Cfg.Secrets.GrafanaAdminPassword})
		env := gf.Env()
		if s := e.Cfg.Grafana.SMTP; s != nil {
			maps.Copy(env, gf.MailEnv(gf.SMTP{Host: s.Host, From: s.From, User: s.User}))
			if s.User != "" {
				files = append(files, container.File{Path: gf.SMTPPasswordPath, Content: s.Password})
			}
		}
		if p := e.Cfg.PublicStatus; p.Enabled {
			maps.Copy(env, gf.PublicStatusEnv(dashboards.StatusUID, p.AccessToken))
		}
		return container.Spec{Entrypoint: gf.Entrypoint(), Env: env, Files: files}, nil
	},
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

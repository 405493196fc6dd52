package services

import (
	"fmt"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/jiucom/jiucom-infra/components/config"
	"github.com/jiucom/jiucom-infra/components/container"
	prom "github.com/jiucom/jiucom-infra/components/prometheus"
)

// blackboxExporter probes the edge and the app from outside, so it needs
// nothing to start.
var blackboxExporter = Record{
	Name: config.BlackboxExporter, Host: config.Monitoring,
	Image:     "prom/blackbox-exporter:v0.25.0",
	Resources: res(250, 100, 128, 64),
	Port:      9115,
	Health:    Health{Path: "/-/healthy", StartPeriod: 10 * time.Second},
	Spec: func(e *Env, _ Instance) (container.Spec, error) {
		// The exporter's modules come from the same probe list as the
		// Prometheus job, so every module a probe names exists.
		conf, err := prom.RenderBlackbox(e.blackbox(e.Cfg.RoleOf(config.Prometheus)))
		if err != nil {
			return container.Spec{}, fmt.Errorf("blackbox: %w", err)
		}
		return container.Spec{
			Command: []string{"--config.file=" + prom.BlackboxConfigPath},
			Files:   []container.File{{Path: prom.BlackboxConfigPath, Content: pulumi.String(conf)}},
		}, nil
	},
}

// blackbox probes every public name through the edge, at the health path
// of the home nginx that serves it. With a container edge the names do not
// resolve on the docker network, so the probe connects to the edge
// container and sends the name as SNI and Host, as a client would.
func (e *Env) blackbox(from config.Role) prom.Blackbox {
	edge := e.Cfg.Edge
	b := prom.Blackbox{
		Exporter:    e.Endpoint(from, config.BlackboxExporter),
		InsecureTLS: e.Cfg.Monitoring.TLS.SelfSigned(),
	}
	if edge.Mode == config.EdgeNone {
		return b
	}
	via := ""
	if edge.Mode == config.EdgeContainer {
		via = fmt.Sprintf("%s:%d", e.Cfg.Hosts[edge.ContainerHost].LAN, config.PublicHTTPS)
		if e.Cfg.SameEngine(e.Cfg.RoleOf(config.BlackboxExporter), edge.ContainerHost) {
			via = fmt.Sprintf("%s%s:%d", ContainerPrefix, config.EdgeProxy, config.PublicHTTPS)
		}
	}
	for _, r := range edge.Routes {
		b.Probes = append(b.Probes, prom.Probe{URL: "https://" + r.Name + e.homeNginx(r.Role).Home.ProbePath, Host: e.HostName(r.Role), Via: via})
	}
	return b
}

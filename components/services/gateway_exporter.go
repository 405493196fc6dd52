package services

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/jiucom/jiucom-infra/components/config"
	"github.com/jiucom/jiucom-infra/components/container"
	gatewayconf "github.com/jiucom/jiucom-infra/components/gateway"
)

const gatewayExporterConf = "/etc/prometheus-nginxlog-exporter.yml"

// gatewayExporter turns the gateway's access log (sent over syslog, by
// container name on the gateway's network) into the metrics the "gateway
// 429 rate" alert reads.
var gatewayExporter = Record{
	Name: config.GatewayExporter, Host: config.Service,
	Image:     "quay.io/martinhelmich/prometheus-nginxlog-exporter:v1.11.0",
	Resources: res(250, 100, 128, 64),
	Port:      gatewayconf.ExporterPort,
	// The image is FROM scratch: no shell or HTTP client to probe with. The
	// check proves the binary and its config load; a dead exporter exits
	// and is restarted by the engine.
	Health: Health{Test: []string{"CMD", "/prometheus-nginxlog-exporter", "-config-file", gatewayExporterConf, "-verify-config"}},
	Scrape: &Scrape{Job: "gateway"},
	Beside: config.Gateway,
	Spec: func(_ *Env, _ Instance) (container.Spec, error) {
		conf, err := gatewayconf.ExporterConfig()
		if err != nil {
			return container.Spec{}, fmt.Errorf("gateway exporter: %w", err)
		}
		return container.Spec{
			Command: []string{"-config-file", gatewayExporterConf},
			Files:   []container.File{{Path: gatewayExporterConf, Content: pulumi.String(conf)}},
		}, nil
	},
}

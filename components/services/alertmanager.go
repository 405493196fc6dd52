package services

import (
	"fmt"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	am "github.com/jiucom/jiucom-infra/components/alertmanager"
	"github.com/jiucom/jiucom-infra/components/config"
	"github.com/jiucom/jiucom-infra/components/container"
)

// alertmanager routes Prometheus's alerts to Slack and e-mail. The manual
// does not order it: it starts at once.
var alertmanager = Record{
	Name: config.Alertmanager, Host: config.Monitoring,
	Image:      "prom/alertmanager:v0.27.0",
	Resources:  res(250, 100, 128, 64),
	Port:       9093,
	Health:     Health{Path: "/-/healthy", StartPeriod: 10 * time.Second},
	Scrape:     &Scrape{Job: "alertmanager"},
	OperatorUI: true,
	Spec: func(e *Env, _ Instance) (container.Spec, error) {
		a := e.Cfg.Monitoring.Alerting
		args := am.Args{}
		var secrets []container.File
		if a.Slack != nil {
			args.Slack = &am.Slack{Channel: a.Slack.Channel}
			secrets = append(secrets, container.File{Path: am.SlackWebhookPath, Content: a.Slack.WebhookURL})
		}
		if m := a.Email; m != nil {
			args.Email = &am.Email{To: m.To, From: m.From, Smarthost: m.Smarthost, Username: m.Username}
			if m.Username != "" {
				secrets = append(secrets, container.File{Path: am.SMTPPasswordPath, Content: m.Password})
			}
		}
		conf, err := am.Render(args)
		if err != nil {
			return container.Spec{}, fmt.Errorf("alertmanager: %w", err)
		}
		return container.Spec{
			Command: []string{"--config.file=" + am.ConfigPath, "--storage.path=/alertmanager"},
			Files:   append([]container.File{{Path: am.ConfigPath, Content: pulumi.String(conf)}}, secrets...),
		}, nil
	},
}

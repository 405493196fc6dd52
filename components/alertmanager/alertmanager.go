// Package alertmanager renders Alertmanager's configuration from the stack's
// alerting settings: a default receiver that always exists, and optional
// Slack and e-mail receivers whose credentials are read from files, so the
// rendered config itself holds no secret.
package alertmanager

import (
	"errors"
	"fmt"

	"gopkg.in/yaml.v3"
)

// Paths inside the Alertmanager container. The secret files are uploaded
// from secret outputs next to the config.
const (
	ConfigPath        = "/etc/alertmanager/alertmanager.yml"
	SlackWebhookPath  = "/etc/alertmanager/secrets/slack-webhook-url"
	SMTPPasswordPath  = "/etc/alertmanager/secrets/smtp-password"
	DefaultReceiver   = "default"
	SlackReceiverName = "slack"
	EmailReceiverName = "email"
	hostDownAlert     = "HostDown"
	hostLabel         = "host"
	criticalSeverity  = `severity="critical"`
)

// Slack posts every alert to a channel (empty: the webhook's own).
type Slack struct {
	Channel string
}

// Email mails critical alerts through an SMTP relay.
type Email struct {
	To, From, Smarthost string
	// Username logs in to the relay with the password file; empty for a
	// relay that takes mail without authentication.
	Username string
}

// Args are the receivers besides the default one.
type Args struct {
	Slack *Slack
	Email *Email
}

// The YAML shape of alertmanager.yml (the subset this platform uses).
type (
	file struct {
		Global       *global       `yaml:"global,omitempty"`
		Route        route         `yaml:"route"`
		InhibitRules []inhibitRule `yaml:"inhibit_rules"`
		Receivers    []receiver    `yaml:"receivers"`
	}
	global struct {
		SMTPSmarthost        string `yaml:"smtp_smarthost"`
		SMTPFrom             string `yaml:"smtp_from"`
		SMTPAuthUsername     string `yaml:"smtp_auth_username,omitempty"`
		SMTPAuthPasswordFile string `yaml:"smtp_auth_password_file,omitempty"`
		SMTPRequireTLS       bool   `yaml:"smtp_require_tls"`
	}
	route struct {
		Receiver       string   `yaml:"receiver"`
		GroupBy        []string `yaml:"group_by,omitempty"`
		GroupWait      string   `yaml:"group_wait,omitempty"`
		GroupInterval  string   `yaml:"group_interval,omitempty"`
		RepeatInterval string   `yaml:"repeat_interval,omitempty"`
		Matchers       []string `yaml:"matchers,omitempty"`
		Continue       bool     `yaml:"continue,omitempty"`
		Routes         []route  `yaml:"routes,omitempty"`
	}
	inhibitRule struct {
		SourceMatchers []string `yaml:"source_matchers"`
		TargetMatchers []string `yaml:"target_matchers"`
		Equal          []string `yaml:"equal"`
	}
	receiver struct {
		Name         string        `yaml:"name"`
		SlackConfigs []slackConfig `yaml:"slack_configs,omitempty"`
		EmailConfigs []emailConfig `yaml:"email_configs,omitempty"`
	}
	slackConfig struct {
		APIURLFile   string `yaml:"api_url_file"`
		Channel      string `yaml:"channel,omitempty"`
		SendResolved bool   `yaml:"send_resolved"`
		Title        string `yaml:"title"`
		Text         string `yaml:"text"`
	}
	emailConfig struct {
		To           string `yaml:"to"`
		SendResolved bool   `yaml:"send_resolved"`
	}
)

// Validate reports every missing field at once.
func (a Args) Validate() error {
	var errs []error
	if e := a.Email; e != nil {
		for field, v := range map[string]string{"to": e.To, "from": e.From, "smarthost": e.Smarthost} {
			if v == "" {
				errs = append(errs, fmt.Errorf("email: %s is required", field))
			}
		}
	}
	return errors.Join(errs...)
}

// Render produces alertmanager.yml.
//
// Grouping: one notification per alert name and host, so a lab with two
// machines gets "3 containers down on service", not three messages. A host
// that is down inhibits every other alert carrying its host label (its
// containers, exporters and targets are down because it is), and a critical
// alert inhibits the warning of the same name on the same host.
func Render(a Args) (string, error) {
	if err := a.Validate(); err != nil {
		return "", fmt.Errorf("alertmanager: %w", err)
	}
	f := file{
		Route: route{
			Receiver: DefaultReceiver, GroupBy: []string{"alertname", hostLabel},
			GroupWait: "30s", GroupInterval: "5m", RepeatInterval: "4h",
		},
		InhibitRules: []inhibitRule{
			{SourceMatchers: []string{`alertname="` + hostDownAlert + `"`}, TargetMatchers: []string{`alertname!="` + hostDownAlert + `"`}, Equal: []string{hostLabel}},
			{SourceMatchers: []string{criticalSeverity}, TargetMatchers: []string{`severity="warning"`}, Equal: []string{"alertname", hostLabel}},
		},
		// The default receiver notifies nobody: every alert is still visible
		// in Alertmanager and Grafana when no receiver is configured.
		Receivers: []receiver{{Name: DefaultReceiver}},
	}
	if s := a.Slack; s != nil {
		f.Route.Routes = append(f.Route.Routes, route{Receiver: SlackReceiverName, Continue: true})
		f.Receivers = append(f.Receivers, receiver{Name: SlackReceiverName, SlackConfigs: []slackConfig{{
			APIURLFile: SlackWebhookPath, Channel: s.Channel, SendResolved: true,
			Title: `[{{ .Status | toUpper }}] {{ .CommonLabels.alertname }} on {{ .CommonLabels.host }}`,
			Text:  `{{ range .Alerts }}{{ .Annotations.summary }}: {{ .Annotations.description }}{{ "\n" }}{{ end }}`,
		}}})
	}
	if e := a.Email; e != nil {
		g := &global{SMTPSmarthost: e.Smarthost, SMTPFrom: e.From}
		if e.Username != "" {
			// A password never crosses the network in clear text.
			g.SMTPAuthUsername, g.SMTPAuthPasswordFile, g.SMTPRequireTLS = e.Username, SMTPPasswordPath, true
		}
		f.Global = g
		// Mail only what needs a person now; Slack carries the warnings.
		f.Route.Routes = append(f.Route.Routes, route{Receiver: EmailReceiverName, Matchers: []string{criticalSeverity}, Continue: true})
		f.Receivers = append(f.Receivers, receiver{Name: EmailReceiverName, EmailConfigs: []emailConfig{{To: e.To, SendResolved: true}}})
	}
	out, err := yaml.Marshal(f)
	if err != nil {
		return "", fmt.Errorf("alertmanager: %w", err)
	}
	return string(out), nil
}

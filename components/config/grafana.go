package config

import (
	"crypto/sha256"
	"encoding/hex"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Grafana and public status keys.
const (
	KeyGrafana             = "grafana"
	KeyGrafanaSMTPPassword = "grafanaSmtpPassword"
	KeyPublicStatus        = "publicStatus"
)

// GrafanaSettings are Grafana's own options beyond its dashboards.
type GrafanaSettings struct {
	// SMTP is how Grafana sends mail (alert notifications, invitations,
	// password resets); nil leaves mail off.
	SMTP *GrafanaSMTP
}

// GrafanaSMTP is Grafana's relay.
type GrafanaSMTP struct {
	Host     string // host:port
	From     string
	User     string // empty: the relay needs no authentication
	Password pulumi.StringOutput
}

// PublicStatus is the read-only status dashboard anyone may see.
type PublicStatus struct {
	Enabled bool
	// AccessToken is the public dashboard's token, the last part of its
	// URL: derived from the stack so every up asks Grafana for the same
	// one. It is no secret: the gateway's /status/ redirects to it.
	AccessToken string
}

type rawGrafana struct {
	SMTP *struct {
		Host *string `json:"host"`
		From *string `json:"from"`
		User string  `json:"user"`
		// FromAlerting reuses alerting.email's relay, sender and login.
		FromAlerting bool `json:"fromAlerting"`
	} `json:"smtp"`
}

type rawPublicStatus struct {
	Enabled bool `json:"enabled"`
}

func parseGrafana(in Input, alerting *EmailReceiver, ps *Problems) GrafanaSettings {
	var r rawGrafana
	decode(in.Values, KeyGrafana, &r, ps)
	secret := secretGetter(in, ps)
	if r.SMTP == nil {
		secret(KeyGrafanaSMTPPassword, false)
		return GrafanaSettings{}
	}
	s := r.SMTP
	if s.FromAlerting {
		if s.Host != nil || s.From != nil || s.User != "" {
			ps.add(KeyGrafana+".smtp", "give either fromAlerting: true or host/from/user, not both", "fromAlerting reuses alerting.email's relay")
		}
		if alerting == nil {
			ps.add(KeyGrafana+".smtp.fromAlerting", "set alerting.email first, or give grafana.smtp.host and grafana.smtp.from", "there is no alerting.email to reuse")
			return GrafanaSettings{}
		}
		secret(KeyGrafanaSMTPPassword, false)
		return GrafanaSettings{SMTP: &GrafanaSMTP{Host: alerting.Smarthost, From: alerting.From, User: alerting.Username, Password: alerting.Password}}
	}
	out := &GrafanaSMTP{User: s.User, Password: secret(KeyGrafanaSMTPPassword, s.User != "")}
	out.Host = required(ps, KeyGrafana+".smtp.host", s.Host, "name the relay as host:port, e.g. smtp.gmail.com:587")
	out.From = required(ps, KeyGrafana+".smtp.from", s.From, "give the sender address, e.g. grafana@example.com")
	if out.Host != "" {
		checkRelay(KeyGrafana+".smtp.host", out.Host, ps)
	}
	if out.From != "" {
		checkAddress(KeyGrafana+".smtp.from", out.From, "grafana@example.com", ps)
	}
	return GrafanaSettings{SMTP: out}
}

// required is a string key without a default.
func required(ps *Problems, key string, p *string, fix string) string {
	if p == nil || *p == "" {
		ps.add(key, fix, "is required")
		return ""
	}
	return *p
}

func parsePublicStatus(in Input, ps *Problems) PublicStatus {
	var r rawPublicStatus
	decode(in.Values, KeyPublicStatus, &r, ps)
	sum := sha256.Sum256([]byte("jiucom-public-status/" + in.Stack))
	return PublicStatus{Enabled: r.Enabled, AccessToken: hex.EncodeToString(sum[:16])}
}

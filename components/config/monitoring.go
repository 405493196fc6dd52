package config

import (
	"fmt"
	"net/mail"
	"path"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/jiucom/jiucom-infra/components/validate"
)

// MonitoringConfig is the monitoring host's own configuration: how long Prometheus
// keeps data, where Alertmanager sends alerts, and nginx_mon's certificate.
type MonitoringConfig struct {
	// Retention is Prometheus's --storage.tsdb.retention.time, e.g. "15d".
	Retention string
	Alerting  Alerting
	TLS       TLS
}

// Alerting lists the optional receivers; Alertmanager always has a default
// receiver, so an empty Alerting still routes (and shows) every alert.
type Alerting struct {
	Slack *SlackReceiver
	Email *EmailReceiver
}

// SlackReceiver posts to an incoming webhook; the URL is the credential.
type SlackReceiver struct {
	Channel    string // empty: the webhook's own channel
	WebhookURL pulumi.StringOutput
}

// EmailReceiver sends through an SMTP relay.
type EmailReceiver struct {
	To, From  string
	Smarthost string // host:port
	Username  string // empty: the relay needs no authentication
	Password  pulumi.StringOutput
}

// TLS is nginx_mon's certificate. With ACME its ACME client keeps it;
// without Certificate the stack generates a self-signed one (dev); with it,
// CertDir is mounted read-only at the same path so certbot's relative
// live/ → archive/ symlinks resolve.
type TLS struct {
	CertDir     string
	Certificate string
	Key         string
	// ACMEWebroot is the host directory certbot --webroot writes challenges
	// to; nginx_mon serves it read-only on :80 (real certificates only).
	ACMEWebroot string
	// ACME is set when acme.enabled and the edge routes names to the host:
	// the ACME client beside nginx keeps the certificate (acme.go).
	ACME bool
	// certDirSet records a certDir given by the user, which ACME refuses.
	certDirSet bool
}

// SelfSigned reports whether nginx_mon uses a generated certificate.
func (t TLS) SelfSigned() bool { return t.Certificate == "" && !t.ACME }

// Monitoring keys.
const (
	KeyPrometheusRetention = "prometheusRetention"
	KeyAlerting            = "alerting"
	KeyTLS                 = "tls"
	KeySlackWebhookURL     = "slackWebhookUrl"
	KeySMTPPassword        = "smtpPassword"
)

const (
	defaultRetention = "15d"
	defaultCertDir   = "/etc/letsencrypt"
	defaultWebroot   = "/var/www/acme"
)

type rawAlerting struct {
	Slack *struct {
		Channel string `json:"channel"`
	} `json:"slack"`
	Email *struct {
		To        string `json:"to"`
		From      string `json:"from"`
		Smarthost string `json:"smarthost"`
		Username  string `json:"username"`
	} `json:"email"`
}

type rawTLS struct {
	CertDir     *string `json:"certDir"`
	Certificate string  `json:"certificate"`
	Key         string  `json:"key"`
	ACMEWebroot *string `json:"acmeWebroot"`
}

func parseMonitoring(in Input, ps *Problems) MonitoringConfig {
	m := MonitoringConfig{Retention: defaultRetention}
	if v, ok := in.Values[KeyPrometheusRetention]; ok {
		m.Retention = strings.TrimSpace(v)
		if err := validate.Duration(m.Retention); err != nil {
			ps.add(KeyPrometheusRetention, "use a Prometheus duration such as 15d or 4w (units y, w, d, h, m, s, ms), or remove the key for 15d", "%v", err)
		}
	}
	var ra rawAlerting
	decode(in.Values, KeyAlerting, &ra, ps)
	secret := secretGetter(in, ps)
	m.Alerting.Slack = parseSlack(ra, secret(KeySlackWebhookURL, ra.Slack != nil), in.Values[KeySlackWebhookURL], ps)
	m.Alerting.Email = parseEmail(ra, secret, ps)
	var rt rawTLS
	decode(in.Values, KeyTLS, &rt, ps)
	m.TLS = parseTLS(KeyTLS, Monitoring, rt, ps)
	return m
}

// parseSlack enables Slack when the webhook secret is set; a channel without
// a webhook is reported by the secret getter as a missing secret.
func parseSlack(ra rawAlerting, webhook pulumi.StringOutput, webhookText string, ps *Problems) *SlackReceiver {
	if webhookText == "" {
		return nil
	}
	r := &SlackReceiver{WebhookURL: webhook}
	// The webhook URL is the credential: it must travel over TLS, and the
	// message never repeats it.
	if err := validate.Visible(webhookText); err != nil {
		ps.addRoot(KeySlackWebhookURL, "copy the URL again from the Slack app's Incoming Webhooks page; pasted text often carries characters that do not show", "%v", err)
	} else if _, err := validate.URL(webhookText, true); err != nil {
		ps.add(KeySlackWebhookURL, "copy the https://hooks.slack.com/services/… URL from the Slack app's Incoming Webhooks page", "%v", err)
	}
	if ra.Slack != nil {
		r.Channel = ra.Slack.Channel
	}
	if r.Channel != "" && !strings.HasPrefix(r.Channel, "#") && !strings.HasPrefix(r.Channel, "@") {
		ps.add("alerting.slack.channel", `name a channel ("#alerts") or a user ("@jiu")`, "%q is not a Slack channel", r.Channel)
	}
	return r
}

func parseEmail(ra rawAlerting, secret func(string, bool) pulumi.StringOutput, ps *Problems) *EmailReceiver {
	if ra.Email == nil {
		return nil
	}
	e := ra.Email
	r := &EmailReceiver{To: e.To, From: e.From, Smarthost: e.Smarthost, Username: e.Username,
		// A relay that authenticates needs the password; one that does not
		// (a LAN relay) must not be sent one.
		Password: secret(KeySMTPPassword, e.Username != "")}
	checkAddress("alerting.email.to", e.To, "ops@example.com", ps)
	checkAddress("alerting.email.from", e.From, "alerts@example.com", ps)
	checkRelay("alerting.email.smarthost", e.Smarthost, ps)
	return r
}

// checkAddress wants an e-mail address at key.
func checkAddress(key, value, example string, ps *Problems) {
	if _, err := mail.ParseAddress(value); err != nil {
		ps.add(key, "use an e-mail address such as "+example, "%q is not an e-mail address", value)
	}
}

// checkRelay wants an SMTP relay as host:port at key.
func checkRelay(key, hostport string, ps *Problems) {
	if _, _, err := validate.HostPort(hostport); err != nil {
		ps.add(key, "use the SMTP relay as host:port with a numeric port 1-65535, e.g. smtp.gmail.com:587", "%v", err)
	}
}

// parseTLS reads a home nginx's certificate settings under key (tls for
// nginx_mon, gateway.tls for the API gateway) on the role's host.
func parseTLS(key string, host Role, rt rawTLS, ps *Problems) TLS {
	t := TLS{Certificate: rt.Certificate, Key: rt.Key, certDirSet: rt.CertDir != nil,
		CertDir:     withDefault(ps, key+".certDir", rt.CertDir, defaultCertDir),
		ACMEWebroot: withDefault(ps, key+".acmeWebroot", rt.ACMEWebroot, defaultWebroot)}
	if !path.IsAbs(t.ACMEWebroot) {
		ps.add(key+".acmeWebroot", fmt.Sprintf("use an absolute directory on the %s host, e.g. /var/www/acme", host), "%q is not absolute", t.ACMEWebroot)
	}
	if (t.Certificate == "") != (t.Key == "") {
		ps.add(key, fmt.Sprintf("set both %[1]s.certificate and %[1]s.key, or neither for a generated self-signed certificate", key), "only one of certificate and key is set")
		return t
	}
	if !path.IsAbs(t.CertDir) {
		ps.add(key+".certDir", fmt.Sprintf("use an absolute directory on the %s host, e.g. /etc/letsencrypt", host), "%q is not absolute", t.CertDir)
	}
	for _, f := range []struct{ key, value string }{{key + ".certificate", t.Certificate}, {key + ".key", t.Key}} {
		if f.value != "" && !strings.HasPrefix(path.Clean(f.value), path.Clean(t.CertDir)+"/") {
			ps.add(f.key, fmt.Sprintf("give an absolute path inside %s.certDir (%s), e.g. %s/live/<name>/fullchain.pem", key, t.CertDir, t.CertDir),
				"%q is not inside %s", f.value, t.CertDir)
		}
	}
	return t
}

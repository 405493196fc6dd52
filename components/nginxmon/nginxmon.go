// Package nginxmon renders the monitoring host's nginx: TLS termination for
// Grafana under its public names, the PROXY-protocol listener when the edge
// is in front, and the ACME webroot on :80.
package nginxmon

import (
	"errors"
	"fmt"
	"path"
	"strings"
	"text/template"

	"github.com/jiucom/jiucom-infra/assets"
	"github.com/jiucom/jiucom-infra/components/homenginx"
	"github.com/jiucom/jiucom-infra/components/validate"
)

// Paths inside the nginx_mon container.
const (
	ConfigPath  = "/etc/nginx/nginx.conf"
	ACMEWebroot = "/var/www/acme"
	// GeneratedCertPath and GeneratedKeyPath hold an uploaded self-signed
	// certificate (dev); a real one is mounted from the host instead.
	GeneratedCertPath = "/etc/nginx/tls/cert.pem"
	GeneratedKeyPath  = "/etc/nginx/tls/key.pem"
)

// Listen is where nginx_mon accepts traffic: "443" and "80" in a container,
// loopback ports in tests.
type Listen struct {
	HTTPS, HTTP string
	// BehindEdge makes the TLS listener expect the edge's PROXY header.
	BehindEdge bool
}

// DefaultListen is the container's ports.
var DefaultListen = Listen{HTTPS: "443", HTTP: "80"}

// TLSDirective is the TLS listen directive; the edge package owns its form
// behind the edge, so both ends agree on the PROXY header.
func (l Listen) TLSDirective() string {
	if l.BehindEdge {
		return homenginx.TLSListen(l.HTTPS)
	}
	return fmt.Sprintf("listen %s ssl;", l.HTTPS)
}

// Args is everything the config depends on.
type Args struct {
	// Names are the public names routed to this host (homenginx.NamesFor).
	Names  []string
	Listen Listen
	// RealIP and HTTPRealIP are the edge package's trust snippets for the
	// TLS and plain-HTTP servers (homenginx.RealIPSnippet, HTTPRealIPSnippet).
	RealIP, HTTPRealIP string
	// Grafana is host:port of Grafana as nginx_mon reaches it.
	Grafana           string
	CertPath, KeyPath string
	// ACMEWebroot defaults to the container's webroot mount.
	ACMEWebroot string
}

// Validate reports every problem at once.
func (a Args) Validate() error {
	var errs []error
	if _, _, err := validate.HostPort(a.Grafana); err != nil {
		errs = append(errs, fmt.Errorf("grafana upstream %q is not host:port", a.Grafana))
	}
	for _, p := range []string{a.CertPath, a.KeyPath} {
		if !path.IsAbs(p) {
			errs = append(errs, fmt.Errorf("certificate path %q is not absolute", p))
		}
	}
	for _, n := range a.Names {
		if n == "" || strings.ContainsAny(n, " ;{}") {
			errs = append(errs, fmt.Errorf("server name %q is not a DNS name", n))
		}
	}
	if a.Listen.HTTPS == "" || a.Listen.HTTP == "" {
		errs = append(errs, errors.New("both listen addresses are required"))
	}
	return errors.Join(errs...)
}

var confTemplate = template.Must(template.New("nginx.conf.tmpl").Funcs(template.FuncMap{"indent": homenginx.Indent}).
	ParseFS(assets.NginxMon, "nginxmon/nginx.conf.tmpl"))

// Render produces nginx_mon's complete nginx.conf.
func Render(a Args) (string, error) {
	if a.ACMEWebroot == "" {
		a.ACMEWebroot = ACMEWebroot
	}
	if err := a.Validate(); err != nil {
		return "", fmt.Errorf("nginxmon: %w", err)
	}
	data := struct {
		Args
		DefaultListen string
	}{a, strings.TrimSuffix(a.Listen.TLSDirective(), ";") + " default_server;"}
	var b strings.Builder
	if err := confTemplate.Execute(&b, data); err != nil {
		return "", fmt.Errorf("nginxmon: %w", err)
	}
	return b.String(), nil
}

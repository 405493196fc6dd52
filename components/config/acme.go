package config

import (
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net/mail"
	"strings"

	"github.com/jiucom/jiucom-infra/components/validate"
)

// KeyACME configures the ACME clients of the home nginx.
const KeyACME = "acme"

// The Let's Encrypt directories acme.directory names by word.
const (
	ACMEProduction = "production"
	ACMEStaging    = "staging"
)

// ACME is the certificate automation of the home nginx: one ACME client
// beside each nginx that terminates TLS for names the edge routes to its
// host (docs/certificates.md).
type ACME struct {
	Enabled bool
	// Email is the account contact; empty registers without one.
	Email string
	// Directory is production, staging or an https:// directory URL.
	Directory string
	// CABundle is PEM the client trusts for a private CA's directory (empty:
	// the image's roots); it is uploaded as a file.
	CABundle string
}

type rawACME struct {
	Enabled   *bool   `json:"enabled"`
	Email     *string `json:"email"`
	Directory *string `json:"directory"`
	CABundle  *string `json:"caBundle"`
}

// parseACME reads acme.* and hands each home nginx's certificate to its
// ACME client (TLS.ACME) when the edge routes names to its host: a host
// without a public name has nothing an ACME CA could validate, and keeps
// a generated or configured certificate.
func parseACME(in Input, s *Stack, ps *Problems) ACME {
	var r rawACME
	decode(in.Values, KeyACME, &r, ps)
	// Only a public edge relays the CA's HTTP-01 requests from the internet;
	// dev's names (.localhost) cannot be validated by a public CA.
	public := s.Edge.Mode == EdgeGCP || s.Edge.Mode == EdgeSSH
	a := ACME{
		Enabled:   valueOr(r.Enabled, public),
		Email:     withDefault(ps, KeyACME+".email", r.Email, ""),
		Directory: withDefault(ps, KeyACME+".directory", r.Directory, ACMEProduction),
		CABundle:  withDefault(ps, KeyACME+".caBundle", r.CABundle, ""),
	}
	if a.Email != "" {
		if addr, err := mail.ParseAddress(a.Email); err != nil || addr.Address != a.Email {
			ps.add(KeyACME+".email", "use a bare e-mail address such as ops@example.com (or remove the key to register without one)", "%q is not an e-mail address", a.Email)
		}
	}
	switch a.Directory {
	case ACMEProduction, ACMEStaging:
	default:
		if _, err := validate.URL(a.Directory, true); err != nil {
			ps.add(KeyACME+".directory", "use production, staging (Let's Encrypt) or the https:// directory URL of another ACME CA", "%q %v", a.Directory, err)
		}
	}
	if a.CABundle != "" {
		checkCABundle(a.CABundle, ps)
	}
	if !a.Enabled {
		return a
	}
	if s.Edge.Mode == EdgeNone {
		ps.add(KeyACME+".enabled", "put an edge in front (edge.mode and edge.routes), or set acme.enabled false", "edge.mode is none: the CA's HTTP-01 challenge reaches home only through the edge's :80")
	}
	for _, home := range s.homeNginx() {
		home.tls.ACME = routesTo(s.Edge.Routes, s.Placement[home.service])
		// A certificate setting already refused is not refused again.
		if home.tls.ACME && !ps.hasUnder(home.key) {
			checkNoOwnCertificate(home.key, home.service, *home.tls, ps)
		}
	}
	checkExtraHostsRouted(s, ps)
	return a
}

// checkExtraHostsRouted requires every extra service's host name to be an
// edge route to the gateway's host: the gateway serves it with its own
// certificate, whose names are that host's routes, and the CA's challenge
// for a name reaches home only through a route. Unrouted, the name would
// be left off the certificate and unreachable from outside.
func checkExtraHostsRouted(s *Stack, ps *Problems) {
	gateway := s.Placement[Gateway]
	routed := map[string]bool{}
	for _, r := range s.Edge.Routes {
		if r.Role == gateway {
			routed[r.Name] = true
		}
	}
	for i, e := range s.Extras {
		if e.Host != "" && !routed[e.Host] {
			ps.add(fmt.Sprintf("extraServices[%d].host", i),
				fmt.Sprintf("add {name: %s, role: %s} to edge.routes, or set acme.enabled false and give gateway.tls a certificate for it", e.Host, gateway),
				"%s is not an edge route to the gateway's host, so its certificate cannot be issued", e.Host)
		}
	}
}

// homeTLS is a home nginx's certificate settings and their config key.
type homeTLS struct {
	key, service string
	tls          *TLS
}

// homeNginx are the nginx that terminate TLS at home.
func (s *Stack) homeNginx() []homeTLS {
	return []homeTLS{{KeyTLS, NginxMon, &s.Monitoring.TLS}, {KeyGateway + ".tls", Gateway, &s.Gateway.TLS}}
}

func routesTo(routes []Route, host Role) bool {
	for _, r := range routes {
		if r.Role == host {
			return true
		}
	}
	return false
}

// checkNoOwnCertificate refuses files of the user's for a certificate the
// ACME client keeps: nginx would read the client's, and the user's files
// would be ignored without a word.
func checkNoOwnCertificate(key, service string, t TLS, ps *Problems) {
	fix := fmt.Sprintf("remove %s.certDir, .certificate and .key: with acme.enabled the ACME client keeps %s's certificate (docs/certificates.md); to use your own files set acme.enabled false", key, service)
	for _, f := range []struct {
		field string
		set   bool
	}{{"certDir", t.certDirSet}, {"certificate", t.Certificate != ""}, {"key", t.Key != ""}} {
		if f.set {
			ps.add(key+"."+f.field, fix, "conflicts with acme.enabled")
		}
	}
}

// checkCABundle wants PEM certificates, every block parseable: certbot
// would fail on its first request with a less helpful message.
func checkCABundle(bundle string, ps *Problems) {
	const fix = "paste the CA certificate(s) as PEM text, e.g. pulumi config set --path acme.caBundle -- \"$(cat ca.pem)\""
	rest := []byte(strings.TrimSpace(bundle))
	n := 0
	for len(rest) > 0 {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			ps.add(KeyACME+".caBundle", fix, "is not PEM text (BEGIN CERTIFICATE … END CERTIFICATE)")
			return
		}
		if _, err := x509.ParseCertificate(block.Bytes); block.Type != "CERTIFICATE" || err != nil {
			ps.add(KeyACME+".caBundle", fix, "block %d is not a certificate (%s)", n+1, block.Type)
			return
		}
		rest = []byte(strings.TrimSpace(string(rest)))
		n++
	}
}

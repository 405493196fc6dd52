// Package gateway renders the service host's nginx API gateway: the routes,
// rate limit, security headers, WebSocket upgrade, gzip and forwarded
// headers of the JIUCOM manual, TLS behind the L4 edge with the client
// address from the PROXY protocol, and the access log its exporter reads.
// The stack runs it with the shared container block; this package only
// renders and checks the configuration.
package gateway

import (
	"errors"
	"fmt"
	"net"
	"regexp"

	"github.com/jiucom/jiucom-infra/components/validate"
)

// Args is everything the rendered config depends on.
type Args struct {
	// App is every app replica as host:port; the upstream balances over all.
	App     []string
	Grafana string
	Zipkin  string
	Extras  []Extra
	// TLS is nil for a plain-HTTP gateway.
	TLS *TLS
	// HTTPSOnly redirects plain HTTP to https (except ACME and /health);
	// otherwise :80 serves the routes too.
	HTTPSOnly bool
	// BehindEdge makes the TLS listener expect a PROXY header from the edge.
	BehindEdge bool
	// EdgeAddrs are the only sources whose PROXY header or X-Real-IP is
	// believed; empty trusts nobody.
	EdgeAddrs []string
	// ACMEWebroot is the container path served at /.well-known/acme-challenge/.
	ACMEWebroot string
	// Syslog is the exporter's host:port for a copy of the access log; empty for none.
	Syslog string
	// AccessLog defaults to /dev/stdout (docker logs, rotated by the engine).
	AccessLog string
	// Listen defaults to DefaultListen; tests move it to loopback ports.
	Listen Listen
	// PublicStatus is the access token of the Grafana public dashboard
	// /status/ leads to; empty for none (publicStatus.enabled false).
	PublicStatus string
}

// Extra is an extra service routed by path prefix or by host name.
type Extra struct {
	Name string
	Addr string
	Path string
	Host string
}

// TLS names the certificate files as the gateway container sees them.
type TLS struct {
	Certificate string
	Key         string
}

// Listen is where the gateway accepts traffic.
type Listen struct {
	HTTP  string
	HTTPS string
}

// DefaultListen is the container's :80 and :443.
var DefaultListen = Listen{HTTP: "80", HTTPS: "443"}

var (
	upstreamName = regexp.MustCompile(`^[a-z][a-z0-9-]*$`)
	// accessToken is Grafana's public dashboard token (a UUID's hex).
	accessToken = regexp.MustCompile(`^[0-9a-f]{32}$`)
)

// Validate reports every bad argument at once.
func Validate(a Args) error {
	var errs []error
	if len(a.App) == 0 {
		errs = append(errs, errors.New("no app replica to route /api/v1/ to"))
	}
	for _, addr := range append(append([]string{}, a.App...), a.Grafana, a.Zipkin) {
		errs = append(errs, checkAddr(addr))
	}
	for _, e := range a.Extras {
		if !upstreamName.MatchString(e.Name) {
			errs = append(errs, fmt.Errorf("extra service name %q", e.Name))
		}
		if (e.Path == "") == (e.Host == "") {
			errs = append(errs, fmt.Errorf("extra service %s needs exactly one of path or host", e.Name))
		}
		errs = append(errs, checkAddr(e.Addr))
	}
	for _, src := range a.EdgeAddrs {
		if net.ParseIP(src) == nil {
			if _, err := validate.CIDR(src); err != nil {
				errs = append(errs, fmt.Errorf("edge address %q is neither an IP nor a CIDR", src))
			}
		}
	}
	if a.TLS != nil && (a.TLS.Certificate == "" || a.TLS.Key == "") {
		errs = append(errs, errors.New("TLS needs a certificate and a key"))
	}
	if a.HTTPSOnly && a.TLS == nil {
		errs = append(errs, errors.New("HTTPS only needs TLS"))
	}
	if a.PublicStatus != "" && !accessToken.MatchString(a.PublicStatus) {
		errs = append(errs, fmt.Errorf("public status token %q is not 32 hex digits", a.PublicStatus))
	}
	if a.Syslog != "" {
		errs = append(errs, checkAddr(a.Syslog))
	}
	return errors.Join(errs...)
}

func checkAddr(addr string) error {
	// validate.HostPort also keeps ' ', ';' and braces out of nginx directives.
	if _, _, err := validate.HostPort(addr); err != nil {
		return fmt.Errorf("upstream %q is not host:port", addr)
	}
	return nil
}

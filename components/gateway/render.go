package gateway

import (
	"fmt"
	"strings"
	"text/template"

	"github.com/jiucom/jiucom-infra/assets"
	"github.com/jiucom/jiucom-infra/components/homenginx"
)

// The manual's limit: 30 requests per second per client address, with a
// burst of two seconds' worth so a page load's parallel requests pass.
const (
	RatePerSecond = 30
	Burst         = 60
)

// Content-Security-Policy values. The API serves JSON and the Swagger UI
// (scripts and styles from itself); the UIs behind the gateway (Grafana,
// Zipkin, extras) bring their own policies, so they only get framing denied.
const (
	apiCSP = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
	uiCSP  = "frame-ancestors 'none'"
)

// privateNetworks may reach Zipkin, which has no login of its own.
var privateNetworks = []string{"127.0.0.0/8", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"}

// SyslogTag marks the gateway's access log lines for the exporter.
const SyslogTag = "gateway"

var confTemplate = template.Must(template.New("nginx.conf.tmpl").Funcs(template.FuncMap{
	"indent":          homenginx.Indent,
	"burst":           func() int { return Burst },
	"apiCSP":          func() string { return apiCSP },
	"uiCSP":           func() string { return uiCSP },
	"privateNetworks": func() []string { return privateNetworks },
	"headerKind": func(upstream string) string {
		if upstream == appUpstream {
			return "api"
		}
		return "ui"
	},
}).ParseFS(assets.Gateway, "gateway/nginx.conf.tmpl"))

const appUpstream = "app"

type upstream struct {
	Name    string
	Servers []string
}

type pathRoute struct{ Path, Upstream string }

type hostRoute struct{ Host, Upstream string }

type view struct {
	Args
	LogFormat     string
	SyslogTag     string
	RatePerSecond int
	Upstreams     []upstream
	PathRoutes    []pathRoute
	HostRoutes    []hostRoute
	TLSListen     string
	TLSRealIP     string
	HTTPRealIP    string
}

// Render returns the gateway's complete nginx.conf.
func Render(a Args) (string, error) {
	if err := Validate(a); err != nil {
		return "", fmt.Errorf("gateway: %w", err)
	}
	if a.Listen == (Listen{}) {
		a.Listen = DefaultListen
	}
	if a.AccessLog == "" {
		a.AccessLog = "/dev/stdout"
	}
	v := view{
		Args:          a,
		LogFormat:     LogFormat,
		SyslogTag:     SyslogTag,
		RatePerSecond: RatePerSecond,
		Upstreams: []upstream{
			{Name: appUpstream, Servers: a.App},
			{Name: "grafana", Servers: []string{a.Grafana}},
			{Name: "zipkin", Servers: []string{a.Zipkin}},
		},
		// The PROXY-protocol and X-Real-IP trust come from the edge package,
		// so both ends of the relay agree on them.
		TLSRealIP:  homenginx.RealIPSnippet(a.EdgeAddrs),
		HTTPRealIP: homenginx.HTTPRealIPSnippet(a.EdgeAddrs),
		TLSListen:  "listen " + a.Listen.HTTPS + " ssl;",
	}
	if a.BehindEdge {
		v.TLSListen = homenginx.TLSListen(a.Listen.HTTPS)
	}
	for _, e := range a.Extras {
		name := "extra-" + e.Name
		v.Upstreams = append(v.Upstreams, upstream{Name: name, Servers: []string{e.Addr}})
		if e.Path != "" {
			v.PathRoutes = append(v.PathRoutes, pathRoute{Path: e.Path, Upstream: name})
		} else {
			v.HostRoutes = append(v.HostRoutes, hostRoute{Host: e.Host, Upstream: name})
		}
	}
	var b strings.Builder
	if err := confTemplate.Execute(&b, v); err != nil {
		return "", fmt.Errorf("gateway: render: %w", err)
	}
	return b.String(), nil
}

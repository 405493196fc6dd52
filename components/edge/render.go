package edge

import (
	"fmt"
	"slices"
	"strings"
	"text/template"

	"github.com/jiucom/jiucom-infra/assets"
)

// Listen is where the rendered edge accepts traffic. Every mode uses
// DefaultListen, so the config is byte-identical across gcp, ssh and
// container; only tests and the benchmark move it to free loopback ports.
type Listen struct {
	HTTPS string
	HTTP  string
}

// DefaultListen is the public edge: :443 (stream) and :80 (http).
var DefaultListen = Listen{HTTPS: "443", HTTP: "80"}

var edgeTemplate = template.Must(template.ParseFS(assets.Edge, "edge/nginx.conf.tmpl"))

type upstream struct{ Name, Addr string }

type renderedRoute struct {
	Name          string
	HTTPSUpstream string
	HTTPUpstream  string
}

// Render produces the edge's complete nginx.conf for the routes. Routes are
// sorted by name so the output (and the push trigger hashed from it) depends
// only on the route set, never on config ordering.
func Render(routes []Route, listen Listen) (string, error) {
	if errs := validateRoutes(routes); len(errs) > 0 {
		return "", fmt.Errorf("render edge config: %w", errs[0])
	}
	sorted := slices.Clone(routes)
	slices.SortFunc(sorted, func(a, b Route) int { return strings.Compare(a.Name, b.Name) })

	data := struct {
		Listen                        Listen
		Routes                        []renderedRoute
		HTTPSUpstreams, HTTPUpstreams []upstream
	}{Listen: listen}
	for _, r := range sorted {
		data.Routes = append(data.Routes, renderedRoute{
			Name:          r.Name,
			HTTPSUpstream: addUpstream(&data.HTTPSUpstreams, r.HTTPS),
			HTTPUpstream:  addUpstream(&data.HTTPUpstreams, r.HTTP),
		})
	}
	var b strings.Builder
	if err := edgeTemplate.Execute(&b, data); err != nil {
		return "", fmt.Errorf("render edge config: %w", err)
	}
	return b.String(), nil
}

// addUpstream returns the upstream block for addr, adding one if needed, so
// names served by the same home port share one block (and, on :80, one
// keepalive pool).
func addUpstream(ups *[]upstream, addr string) string {
	if i := slices.IndexFunc(*ups, func(u upstream) bool { return u.Addr == addr }); i >= 0 {
		return (*ups)[i].Name
	}
	name := fmt.Sprintf("home_%d", len(*ups))
	*ups = append(*ups, upstream{Name: name, Addr: addr})
	return name
}

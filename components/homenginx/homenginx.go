// Package homenginx is what every home nginx shares — the gateway, nginx_mon
// and the dev edge's upstreams: its names from the edge's routes, the
// PROXY-protocol listener, whom to trust for the client address, the
// snippet indent, and its certificate (configured or generated once).
package homenginx

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/jiucom/jiucom-infra/components/edge"
)

// The home side of the edge. nginx_mon (monitoring host) and the API gateway
// (service host) build their edge-facing server blocks from these functions
// and the same []Route the edge renders from, so the two ends cannot disagree
// about the PROXY header or whom to trust.

// NamesFor returns the route names a home terminates, in route order. Each
// gets its own server block at home: one server_name per block, because a
// list of long names overflows server_names_hash_bucket_size.
func NamesFor(routes []edge.Route, home string) []string {
	var names []string
	for _, r := range routes {
		if r.Home == home {
			names = append(names, r.Name)
		}
	}
	return names
}

// TLSListen is the listen directive of a home TLS server behind the edge;
// addr is what nginx's listen takes ("443", "192.168.0.10:8888"). Every
// connection from the edge starts with a PROXY header, so the listener must
// expect one; a listener without it would read the header as a broken TLS
// ClientHello.
func TLSListen(addr string) string {
	return fmt.Sprintf("listen %s ssl proxy_protocol;", addr)
}

// RealIPSnippet goes in the home TLS server (the one with TLSListen): the
// client address is taken from the PROXY header, but only on connections
// from the edge. A header from anywhere else is ignored and $remote_addr
// stays the real peer.
func RealIPSnippet(edgeAddrs []string) string {
	return realIP(edgeAddrs, "proxy_protocol")
}

// HTTPRealIPSnippet goes in the home plain-HTTP server (:80, ACME): the edge
// relays :80 at L7 and reports the client in X-Real-IP, trusted only from
// the edge.
func HTTPRealIPSnippet(edgeAddrs []string) string {
	return realIP(edgeAddrs, "X-Real-IP")
}

// RealIPSnippetOutput is RealIPSnippet for addresses known only after
// deployment, such as Edge.SourceAddrs (the gcp static IP).
func RealIPSnippetOutput(edgeAddrs pulumi.StringArrayOutput) pulumi.StringOutput {
	return edgeAddrs.ApplyT(RealIPSnippet).(pulumi.StringOutput)
}

// HTTPRealIPSnippetOutput is HTTPRealIPSnippet for output addresses.
func HTTPRealIPSnippetOutput(edgeAddrs pulumi.StringArrayOutput) pulumi.StringOutput {
	return edgeAddrs.ApplyT(HTTPRealIPSnippet).(pulumi.StringOutput)
}

// realIP with no edge addresses (mode none) trusts nobody: the header is
// never applied, rather than trusted from everyone.
func realIP(edgeAddrs []string, header string) string {
	var b strings.Builder
	for _, a := range edgeAddrs {
		fmt.Fprintf(&b, "set_real_ip_from %s;\n", a)
	}
	fmt.Fprintf(&b, "real_ip_header %s;\n", header)
	return b.String()
}

// Indent prefixes every non-empty line of a snippet, so the snippets above
// read well where a home nginx config embeds them.
func Indent(n int, snippet string) string {
	pad := strings.Repeat(" ", n)
	lines := strings.Split(strings.TrimRight(snippet, "\n"), "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = pad + l
		}
	}
	return strings.Join(lines, "\n")
}

package edge_test

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"

	"github.com/jiucom/jiucom-infra/components/edge"
)

func TestHomeSideComesFromTheRouteList(t *testing.T) {
	assert.Equal(t, []string{"grafana.jiucom.example"}, edge.NamesFor(routes, "monitoring"))
	assert.Equal(t, []string{"api.jiucom.example"}, edge.NamesFor(routes, "service"))
	assert.Equal(t, "listen 443 ssl proxy_protocol;", edge.HomeListen("443"))
	assert.Equal(t, "set_real_ip_from 203.0.113.10;\nreal_ip_header proxy_protocol;\n", edge.RealIPSnippet([]string{"203.0.113.10"}))
	assert.Equal(t, "set_real_ip_from 172.30.0.0/16;\nreal_ip_header X-Real-IP;\n", edge.HTTPRealIPSnippet([]string{"172.30.0.0/16"}))
	assert.Equal(t, "real_ip_header proxy_protocol;\n", edge.RealIPSnippet(nil), "no edge: trust nobody")
}

// The gcp static IP is only known after deployment: the output variant
// renders the same snippet from Edge.SourceAddrs.
func TestRealIPSnippetFromTheEdgeOutput(t *testing.T) {
	var tls, plain string
	run(t, func(ctx *pulumi.Context) error {
		e, err := edge.NewEdge(ctx, "edge", gcpArgs())
		if err != nil {
			return err
		}
		// Exported so the run waits for the applies before returning.
		ctx.Export("tls", edge.RealIPSnippetOutput(e.SourceAddrs).ApplyT(func(s string) string { tls = s; return s }))
		ctx.Export("plain", edge.HTTPRealIPSnippetOutput(e.SourceAddrs).ApplyT(func(s string) string { plain = s; return s }))
		return nil
	})
	assert.Equal(t, edge.RealIPSnippet([]string{"203.0.113.10"}), tls)
	assert.Equal(t, edge.HTTPRealIPSnippet([]string{"203.0.113.10"}), plain)
}

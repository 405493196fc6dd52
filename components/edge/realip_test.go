package edge_test

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"

	"github.com/jiucom/jiucom-infra/components/edge"
	"github.com/jiucom/jiucom-infra/components/homenginx"
)

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
		ctx.Export("tls", homenginx.RealIPSnippetOutput(e.SourceAddrs).ApplyT(func(s string) string { tls = s; return s }))
		ctx.Export("plain", homenginx.HTTPRealIPSnippetOutput(e.SourceAddrs).ApplyT(func(s string) string { plain = s; return s }))
		return nil
	})
	assert.Equal(t, homenginx.RealIPSnippet([]string{"203.0.113.10"}), tls)
	assert.Equal(t, homenginx.HTTPRealIPSnippet([]string{"203.0.113.10"}), plain)
}

package edge_test

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jiucom/jiucom-infra/components/edge"
	"github.com/jiucom/jiucom-infra/tests/harness"
)

// Every problem is reported in one go, each naming its field, and nothing is
// registered.
func TestInvalidArgsReportEveryFieldBeforeCreatingAnything(t *testing.T) {
	args := edge.Args{
		Mode:       edge.ModeGCP,
		AdminCIDRs: []string{"0.0.0.0/0", "nonsense"},
		GCP:        edge.GCPArgs{Region: "asia-northeast3", Zone: "us-central1-a"},
		Routes: []edge.Route{
			{Name: "Bad_Name", HTTPS: "10.0.0.1", HTTP: "10.0.0.1:80; evil"},
			{Name: "ok.example", HTTPS: "10.0.0.1:70000", HTTP: "10.0.0.1:80"},
			{Name: "ok.example", HTTPS: "10.0.0.1:443", HTTP: "10.0.0.1:80"},
		},
	}
	rec, err := harness.RunProgram("jiucom", "test", func(ctx *pulumi.Context) error {
		_, err := edge.NewEdge(ctx, "edge", args)
		return err
	})
	require.Error(t, err)
	for _, field := range []string{
		"edge.GCP.Project", "edge.GCP.Zone", "edge.AdminCIDRs[0]", "opens SSH to the whole internet", "edge.AdminCIDRs[1]",
		"edge.Routes[0].Name", "edge.Routes[0].HTTPS", "edge.Routes[0].HTTP", "edge.Routes[1].HTTPS", "edge.Routes[2].Name",
		"edge.SSH.User", "edge.SSH.PrivateKey",
	} {
		assert.Contains(t, err.Error(), field)
	}
	assert.Empty(t, rec.Resources, "validation happens before anything is registered")
}

func TestModeSpecificRequirements(t *testing.T) {
	cases := map[string]struct {
		args edge.Args
		want string
	}{
		"unknown mode":            {edge.Args{Mode: "k8s"}, "use one of gcp, ssh, container, none"},
		"no routes":               {edge.Args{Mode: edge.ModeSSH}, "edge.Routes is empty"},
		"ssh host by name":        {edge.Args{Mode: edge.ModeSSH, Routes: routes, SSH: edge.SSHArgs{Host: "vps.example", User: "u", PrivateKey: pulumi.String("k")}}, "edge.SourceAddrs is required when edge.SSH.Host"},
		"container without net":   {edge.Args{Mode: edge.ModeContainer, Routes: routes, SourceAddrs: []string{"172.30.0.0/16"}}, "edge.Container.Network is required"},
		"container without trust": {edge.Args{Mode: edge.ModeContainer, Routes: routes, Container: edge.ContainerArgs{Network: pulumi.String("n")}}, "edge.SourceAddrs is required in container mode"},
		"gcp without any ssh way": {edge.Args{Mode: edge.ModeGCP, Routes: routes, GCP: edge.GCPArgs{Project: "p", Region: "r", Zone: "r-a"}, SSH: edge.SSHArgs{User: "u", PrivateKey: pulumi.String("k")}}, "nobody could SSH in"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := harness.RunProgram("jiucom", "test", func(ctx *pulumi.Context) error {
				_, err := edge.NewEdge(ctx, "edge", c.args)
				return err
			})
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
		})
	}
}

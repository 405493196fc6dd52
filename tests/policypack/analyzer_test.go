// Package policypack runs the built policy pack as the Pulumi CLI does: a
// plugin process that prints its port and answers the analyzer gRPC protocol.
package policypack

import (
	"bufio"
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/jiucom/jiucom-infra/policy/rules"
	"github.com/jiucom/jiucom-infra/tests/harness"
)

// startPack builds ./policy, starts it and connects to the port it prints.
func startPack(t *testing.T) pulumirpc.AnalyzerClient {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	t.Cleanup(cancel)
	bin := filepath.Join(t.TempDir(), "policy-pack")
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, "./policy")
	build.Dir = harness.Root()
	out, err := build.CombinedOutput()
	require.NoError(t, err, "go build ./policy: %s", out)

	cmd := exec.CommandContext(ctx, bin)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	port, err := bufio.NewReader(stdout).ReadString('\n')
	require.NoError(t, err, "the pack prints its port")

	conn, err := grpc.NewClient("127.0.0.1:"+strings.TrimSpace(port), grpc.WithTransportCredentials(insecure.NewCredentials()))
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.Close() })
	return pulumirpc.NewAnalyzerClient(conn)
}

func marshal(t *testing.T, props resource.PropertyMap) *structpb.Struct {
	t.Helper()
	s, err := plugin.MarshalProperties(props, plugin.MarshalOptions{KeepUnknowns: true, KeepSecrets: true})
	require.NoError(t, err)
	return s
}

// analyzeRequest is what the engine sends for one recorded resource.
func analyzeRequest(t *testing.T, rec *harness.Recording, r harness.Resource, inputs resource.PropertyMap) *pulumirpc.AnalyzeRequest {
	req := &pulumirpc.AnalyzeRequest{Type: r.Type, Urn: r.URN, Name: r.Name, Properties: marshal(t, inputs)}
	if p, ok := rec.ProviderOf(r); ok {
		req.Provider = &pulumirpc.AnalyzerProviderResource{Type: p.Type, Urn: p.URN, Name: p.Name, Properties: marshal(t, p.Inputs)}
	}
	return req
}

func TestThePackSpeaksTheAnalyzerProtocol(t *testing.T) {
	in, err := harness.StackInput("prod")
	require.NoError(t, err)
	rec, err := harness.Run("prod", in)
	require.NoError(t, err)
	client := startPack(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	root := filepath.Join(harness.Root(), "policy")
	_, err = client.Handshake(ctx, &pulumirpc.AnalyzerHandshakeRequest{RootDirectory: &root, ProgramDirectory: &root})
	require.NoError(t, err)
	stackConfig := map[string]string{}
	for k, v := range in.Values {
		if !in.Secrets[k] {
			stackConfig[harness.Project+":"+k] = v
		}
	}
	_, err = client.ConfigureStack(ctx, &pulumirpc.AnalyzerStackConfigureRequest{Stack: "prod", Project: harness.Project, Config: stackConfig, DryRun: true})
	require.NoError(t, err)

	info, err := client.GetAnalyzerInfo(ctx, &emptypb.Empty{})
	require.NoError(t, err)
	assert.Equal(t, rules.PackName, info.GetName())
	assert.Len(t, info.GetPolicies(), len(rules.Rules(rules.Settings{})))

	// Every recorded resource passes; one mutation fails with the README's sample.
	for _, r := range rec.Resources {
		resp, err := client.Analyze(ctx, analyzeRequest(t, rec, r, r.Inputs))
		require.NoError(t, err, r.Name)
		assert.Empty(t, resp.GetDiagnostics(), r.Name)
	}
	mysql, ok := rec.Named(rules.ContainerType, "mysql-container")
	require.True(t, ok)
	bigger := mysql.Inputs.Copy()
	bigger["memory"] = resource.NewProperty(4096.0)
	bigger["memorySwap"] = resource.NewProperty(4096.0)
	resp, err := client.Analyze(ctx, analyzeRequest(t, rec, mysql, bigger))
	require.NoError(t, err)
	require.Len(t, resp.GetDiagnostics(), 1)
	d := resp.GetDiagnostics()[0]
	assert.Equal(t, rules.PolicyLimitsUnderCeiling, d.GetPolicyName())
	assert.Equal(t, pulumirpc.EnforcementLevel_MANDATORY, d.GetEnforcementLevel())
	assert.Equal(t, mysql.URN, d.GetUrn())
	assert.Equal(t, "`memory` and `cpus` are at most the service's ceiling (the seed table, overridable) [mandatory; CIS Docker 5.10, 5.11]\n"+
		"jiucom-mysql: memory 4096MB is above the mysql ceiling 2048MB (fix: lower resources.mysql.memory, or raise ceilings.mysql.memory in the policy config)",
		d.GetMessage())

	// --policy-pack-config raises the ceiling.
	ceilings, err := structpb.NewStruct(map[string]any{"ceilings": map[string]any{"mysql": map[string]any{"memory": "4GB"}}})
	require.NoError(t, err)
	_, err = client.Configure(ctx, &pulumirpc.ConfigureAnalyzerRequest{PolicyConfig: map[string]*pulumirpc.PolicyConfig{
		rules.PolicyLimitsUnderCeiling: {EnforcementLevel: pulumirpc.EnforcementLevel_MANDATORY, Properties: ceilings},
	}})
	require.NoError(t, err)
	resp, err = client.Analyze(ctx, analyzeRequest(t, rec, mysql, bigger))
	require.NoError(t, err)
	assert.Empty(t, resp.GetDiagnostics())

	// The stack policy sees every resource with its provider.
	analyzeStack := func(mutated harness.Resource) []*pulumirpc.AnalyzeDiagnostic {
		var stack []*pulumirpc.AnalyzerResource
		for _, r := range rec.Resources {
			if r.URN == mutated.URN {
				r = mutated
			}
			req := analyzeRequest(t, rec, r, r.Inputs)
			stack = append(stack, &pulumirpc.AnalyzerResource{Type: req.Type, Urn: req.Urn, Name: req.Name, Properties: req.Properties, Provider: req.Provider, Parent: r.Parent})
		}
		resp, err := client.AnalyzeStack(ctx, &pulumirpc.AnalyzeStackRequest{Resources: stack})
		require.NoError(t, err)
		return resp.GetDiagnostics()
	}
	assert.Empty(t, analyzeStack(harness.Resource{}), "prod's reservations fit the hosts it declares")
	greedy := mysql
	greedy.Inputs = mysql.Inputs.Copy()
	greedy.Inputs["memoryReservation"] = resource.NewProperty(15000.0)
	diags := analyzeStack(greedy)
	require.Len(t, diags, 1)
	assert.Equal(t, rules.PolicyHostCapacity, diags[0].GetPolicyName())
	assert.Equal(t, mysql.Provider[:strings.LastIndex(mysql.Provider, "::")], diags[0].GetUrn(), "reported on the service host's provider")
}

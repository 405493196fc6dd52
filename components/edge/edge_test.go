package edge_test

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi-docker/sdk/v4/go/docker"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jiucom/jiucom-infra/components/config"
	"github.com/jiucom/jiucom-infra/components/edge"
	"github.com/jiucom/jiucom-infra/tests/harness"
)

var routes = []edge.Route{
	{Name: "grafana.jiucom.example", Home: "monitoring", HTTPS: "198.51.100.20:8888", HTTP: "198.51.100.20:8080"},
	{Name: "api.jiucom.example", Home: "service", HTTPS: "198.51.100.20:8889", HTTP: "198.51.100.20:8081"},
}

func gcpArgs() edge.Args {
	return edge.Args{
		Mode:       edge.ModeGCP,
		Routes:     routes,
		AdminCIDRs: []string{"192.0.2.7/32"},
		GCP:        edge.GCPArgs{Project: "proj", Region: "asia-northeast3", Zone: "asia-northeast3-a"},
		SSH:        edge.SSHArgs{User: "admin_example_com", PrivateKey: pulumi.String("-----BEGIN OPENSSH PRIVATE KEY-----")},
	}
}

// deploy runs NewEdge under mocks and returns the registrations and the
// resolved outputs.
func deploy(t *testing.T, args edge.Args, opts ...pulumi.ResourceOption) (recorder, outputs) {
	t.Helper()
	var out outputs
	rec := run(t, func(ctx *pulumi.Context) error {
		e, err := edge.NewEdge(ctx, "edge", args, opts...)
		if err != nil {
			return err
		}
		// Exported so the run waits for the apply before returning.
		ctx.Export("outputs", pulumi.All(e.PublicIP, e.DNSRecords, e.SourceAddrs, e.Config).ApplyT(func(v []any) string {
			out = outputs{v[0].(string), v[1].([]string), v[2].([]string), v[3].(string)}
			return ""
		}))
		return nil
	})
	return rec, out
}

type outputs struct {
	PublicIP    string
	DNSRecords  []string
	SourceAddrs []string
	Config      string
}

func TestFirewallOpensOnlyWebPortsToTheWorld(t *testing.T) {
	for _, iap := range []bool{false, true} {
		args := gcpArgs()
		args.GCP.AllowIAP = iap
		rec, _ := deploy(t, args)

		rules := rec.ofType("gcp:compute/firewall:Firewall")
		require.Len(t, rules, 2, "exactly the web and the ssh rule")
		var sshSources []string
		for _, r := range rules {
			sources := strs(r.Inputs["sourceRanges"])
			assert.Equal(t, "INGRESS", r.Inputs["direction"].StringValue())
			assert.Equal(t, []string{"jiucom-edge"}, strs(r.Inputs["targetTags"]), "%s must target the edge tag only", r.Name)
			assert.Equal(t, "projects/proj/global/networks/edge-network", r.Inputs["network"].StringValue(), "%s must be on the edge's own VPC", r.Name)
			var ports []string
			for _, allow := range r.Inputs["allows"].ArrayValue() {
				assert.Equal(t, "tcp", allow.ObjectValue()["protocol"].StringValue())
				ports = append(ports, strs(allow.ObjectValue()["ports"])...)
			}
			world := false
			for _, s := range sources {
				world = world || s == "0.0.0.0/0" || s == "::/0"
			}
			if world {
				assert.ElementsMatch(t, []string{"80", "443"}, ports, "%s opens non-web ports to the internet", r.Name)
			}
			if len(ports) == 1 && ports[0] == "22" {
				sshSources = sources
			}
		}
		want := []string{"192.0.2.7/32"}
		if iap {
			want = append(want, "35.235.240.0/20")
		}
		assert.Equal(t, want, sshSources, "22 only from the admin CIDRs (plus IAP when enabled)")
	}
}

func TestVMIsHardened(t *testing.T) {
	rec, out := deploy(t, gcpArgs())
	vms := rec.ofType("gcp:compute/instance:Instance")
	require.Len(t, vms, 1)
	vm := vms[0].Inputs

	assert.Equal(t, "e2-micro", vm["machineType"].StringValue())
	assert.Equal(t, "debian-cloud/debian-12", vm["bootDisk"].ObjectValue()["initializeParams"].ObjectValue()["image"].StringValue())
	assert.False(t, vm["canIpForward"].BoolValue())
	assert.Contains(t, strs(vm["tags"]), "jiucom-edge")
	shielded := vm["shieldedInstanceConfig"].ObjectValue()
	for _, k := range []resource.PropertyKey{"enableSecureBoot", "enableVtpm", "enableIntegrityMonitoring"} {
		assert.True(t, shielded[k].BoolValue(), "shielded VM: %s", k)
	}
	md := vm["metadata"].ObjectValue()
	assert.Equal(t, "TRUE", md["enable-oslogin"].StringValue())
	assert.Equal(t, "TRUE", md["block-project-ssh-keys"].StringValue())
	assert.Equal(t, "FALSE", md["serial-port-enable"].StringValue())
	assert.Contains(t, md["startup-script"].StringValue(), "libnginx-mod-stream")
	assert.NotContains(t, vm, resource.PropertyKey("metadataStartupScript"), "MetadataStartupScript recreates the VM on change")

	sa := vm["serviceAccount"].ObjectValue()
	assert.Equal(t, "edge-proxy@proj.iam.gserviceaccount.com", sa["email"].StringValue(), "a dedicated service account, not the default one")
	for _, s := range strs(sa["scopes"]) {
		assert.NotContains(t, s, "cloud-platform")
		assert.NotContains(t, s, "compute")
	}
	nic := vm["networkInterfaces"].ArrayValue()[0].ObjectValue()
	assert.Equal(t, "203.0.113.10", nic["accessConfigs"].ArrayValue()[0].ObjectValue()["natIp"].StringValue(), "the static IP")

	assert.Equal(t, "203.0.113.10", out.PublicIP)
	assert.Equal(t, []string{"203.0.113.10"}, out.SourceAddrs)
	assert.ElementsMatch(t, []string{"grafana.jiucom.example A 203.0.113.10", "api.jiucom.example A 203.0.113.10"}, out.DNSRecords)
}

func TestPushWaitsForVMReadiness(t *testing.T) {
	rec, _ := deploy(t, gcpArgs())
	ready, copied, push := rec.named(t, "edge-ready"), rec.named(t, "edge-config"), rec.named(t, "edge-push")

	assert.True(t, dependsOn(ready, "edge-vm"), "readiness check runs after the VM exists")
	assert.Contains(t, ready.Inputs["create"].StringValue(), "/var/lib/jiucom-edge/ready", "waits for the startup script's marker")
	assert.Equal(t, []string{harness.MockInstanceID}, strs(ready.Inputs["triggers"]), "a new VM re-runs the gate")
	assert.True(t, dependsOn(copied, "edge-ready"), "copy after readiness")
	assert.True(t, dependsOn(push, "edge-config"), "push after the copy")
	assert.Contains(t, push.Inputs["stdin"].StringValue(), "nginx rejected the new config", "push runs push.sh")

	for _, r := range []registered{ready, copied, push} {
		assert.True(t, r.Inputs["connection"].ContainsSecrets(), "%s: the SSH key must stay secret", r.Name)
	}
	for _, r := range []registered{ready, push} {
		assert.NotContains(t, r.Inputs["create"].StringValue()+r.Inputs["stdin"].StringValue(), "PRIVATE KEY", "%s: no key on a command line", r.Name)
	}
}

// A route change must re-run the copy and the push and change nothing else:
// in particular not the VM, whose startup script never embeds the config.
func TestContentChangeRerunsOnlyThePush(t *testing.T) {
	before, _ := deploy(t, gcpArgs())
	changed := gcpArgs()
	changed.Routes = append(append([]edge.Route{}, routes...), edge.Route{Name: "zipkin.jiucom.example", HTTPS: "198.51.100.20:8888", HTTP: "198.51.100.20:8080"})
	after, _ := deploy(t, changed)

	require.ElementsMatch(t, before.names(), after.names())
	var differ []string
	for _, b := range before.Resources {
		if !b.Inputs.DeepEquals(after.named(t, b.Name).Inputs) {
			differ = append(differ, b.Name)
		}
	}
	assert.ElementsMatch(t, []string{"edge-config", "edge-push"}, differ)
	assert.NotEqual(t, before.named(t, "edge-push").Inputs["triggers"], after.named(t, "edge-push").Inputs["triggers"])
	assert.NotContains(t, before.named(t, "edge-vm").Inputs["metadata"].ObjectValue()["startup-script"].StringValue(), "ssl_preread")
}

func TestNoneModeCreatesNothing(t *testing.T) {
	rec, out := deploy(t, edge.Args{Mode: edge.ModeNone})
	require.Len(t, rec.Resources, 1)
	assert.Equal(t, "jiucom:edge:Edge", rec.Resources[0].Type)
	assert.Empty(t, out.DNSRecords)
	assert.Empty(t, out.Config)
}

func TestEveryChildIsParentedAndPrefixed(t *testing.T) {
	for _, args := range []edge.Args{gcpArgs(), sshArgs(), containerArgs()} {
		rec, _ := deploy(t, args)
		var component string
		for _, r := range rec.Resources {
			if r.Type == "jiucom:edge:Edge" {
				component = r.URN
			}
		}
		require.NotEmpty(t, component)
		for _, r := range rec.Resources {
			if r.Type == "jiucom:edge:Edge" {
				continue
			}
			assert.True(t, descendsFrom(rec, r, component), "%s (%s mode) must be parented to the component", r.Name, args.Mode)
			assert.True(t, strings.HasPrefix(r.Name, "edge-"), "%s must be prefixed with the component name", r.Name)
		}
	}
}

// descendsFrom walks r's parent chain (the container building block nests its
// image and container under its own component) looking for the ancestor.
func descendsFrom(rec recorder, r registered, ancestor string) bool {
	for parent := r.Parent; parent != ""; {
		if parent == ancestor {
			return true
		}
		next := ""
		for _, p := range rec.Resources {
			if p.URN == parent {
				next = p.Parent
			}
		}
		parent = next
	}
	return false
}

func sshArgs() edge.Args {
	return edge.Args{
		Mode:   edge.ModeSSH,
		Routes: routes,
		SSH:    edge.SSHArgs{Host: "192.0.2.50", User: "deploy", PrivateKey: pulumi.String("-----BEGIN OPENSSH PRIVATE KEY-----")},
	}
}

func containerArgs() edge.Args {
	return edge.Args{
		Mode:        edge.ModeContainer,
		Routes:      routes,
		SourceAddrs: []string{"172.30.0.0/16"},
		Container: edge.ContainerArgs{Network: pulumi.String("jiucom-network"), Engine: "unix:///var/run/docker.sock",
			Image: "nginx:1.27.3-alpine", Resources: config.Resources{CPULimitMilli: 500, CPUReservationMilli: 100, MemoryLimitMiB: 256, MemoryReservationMiB: 64}},
	}
}

// All three modes deliver the same bytes: the VM and the VPS through the
// push, the dev container as its nginx.conf.
func TestEveryModeGetsTheSameConfig(t *testing.T) {
	want, err := edge.Render(routes, edge.DefaultListen)
	require.NoError(t, err)

	for _, args := range []edge.Args{gcpArgs(), sshArgs()} {
		rec, out := deploy(t, args)
		assert.Equal(t, want, out.Config)
		src := rec.named(t, "edge-config").Inputs["source"]
		require.True(t, src.IsAsset(), "%s: config copied as an asset", args.Mode)
		assert.Equal(t, want, src.AssetValue().Text, "%s mode", args.Mode)
	}

	rec, out := deploy(t, containerArgs())
	assert.Equal(t, want, out.Config)
	// The container starts with the config and the script its reload runs;
	// the reload pushes the same bytes on stdin.
	uploads := rec.named(t, "edge-nginx-container").Inputs["uploads"].ArrayValue()
	require.Len(t, uploads, 2)
	assert.Equal(t, "/etc/nginx/nginx.conf", uploads[0].ObjectValue()["file"].StringValue())
	assert.Equal(t, want, uploads[0].ObjectValue()["content"].StringValue())
	assert.Equal(t, want, rec.named(t, "edge-nginx-reload").Inputs["stdin"].StringValue())
}

func TestSSHModeTargetsTheVPS(t *testing.T) {
	rec, out := deploy(t, sshArgs())
	assert.Empty(t, rec.ofType("gcp:compute/instance:Instance"))
	conn := rec.named(t, "edge-push").Inputs["connection"]
	if conn.IsSecret() {
		conn = conn.SecretValue().Element
	}
	assert.Equal(t, "192.0.2.50", conn.ObjectValue()["host"].StringValue())
	assert.Equal(t, []string{"192.0.2.50"}, out.SourceAddrs, "an IP host is also the trusted source")
	assert.Contains(t, out.DNSRecords, "api.jiucom.example A 192.0.2.50")
}

func TestContainerModeUsesTheInheritedProvider(t *testing.T) {
	var rec recorder
	rec = run(t, func(ctx *pulumi.Context) error {
		host, err := docker.NewProvider(ctx, "service-host", &docker.ProviderArgs{Host: pulumi.String("ssh://deploy@192.0.2.60")})
		if err != nil {
			return err
		}
		_, err = edge.NewEdge(ctx, "edge", containerArgs(), pulumi.Providers(host))
		return err
	})
	for _, name := range []string{"edge-nginx-image", "edge-nginx-container"} {
		assert.Contains(t, rec.named(t, name).Provider, "service-host", "%s must run on the given docker host", name)
	}
	c := rec.named(t, "edge-nginx-container").Inputs
	assert.Equal(t, c["memory"], c["memorySwap"], "no swap, and no perpetual diff")
	assert.Equal(t, 256.0, c["memory"].NumberValue(), "the catalog default for the edge")
	assert.Equal(t, 102.0, c["cpuShares"].NumberValue(), "0.1 CPU reservation as shares")
	assert.Equal(t, "jiucom-network", c["networksAdvanced"].ArrayValue()[0].ObjectValue()["name"].StringValue())
	assert.Equal(t, "nginx:1.27.3-alpine", rec.named(t, "edge-nginx-image").Inputs["name"].StringValue())
	assert.Empty(t, rec.ofType("command:remote:Command"))
}

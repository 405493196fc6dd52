// Package edge is the single public entry point: nginx relaying :443 at L4
// (SNI routing, TLS passthrough, PROXY protocol) and :80 at L7 (ACME HTTP-01)
// to the home hosts, on a GCP VM, an existing VPS or a dev container, always
// with the same rendered config. home.go renders the matching home side.
package edge

import (
	"fmt"
	"net/netip"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Edge is the deployed edge proxy.
type Edge struct {
	pulumi.ResourceState

	// PublicIP is where clients connect: the static IP (gcp), the VPS host
	// (ssh), empty in container and none modes.
	PublicIP pulumi.StringOutput `pulumi:"publicIp"`
	// SourceAddrs are the addresses home must trust for the PROXY header and
	// X-Real-IP; pass them to homenginx.RealIPSnippetOutput / HTTPRealIPSnippetOutput.
	SourceAddrs pulumi.StringArrayOutput `pulumi:"sourceAddrs"`
	// DNSRecords are the records the user must create, as "name A ip" (or
	// "name CNAME host." for an ssh host given by name).
	DNSRecords pulumi.StringArrayOutput `pulumi:"dnsRecords"`
	// Config is the rendered nginx.conf (empty in none mode).
	Config pulumi.StringOutput `pulumi:"config"`
}

// NewEdge validates args, then creates the edge for args.Mode. In container
// mode the docker provider comes from opts (or the parent's providers).
func NewEdge(ctx *pulumi.Context, name string, args Args, opts ...pulumi.ResourceOption) (*Edge, error) {
	args = args.withDefaults(name)
	if err := validateArgs(args); err != nil {
		return nil, fmt.Errorf("edge %q: invalid arguments:\n%w", name, err)
	}
	var config string
	if args.Mode != ModeNone {
		var err error
		if config, err = Render(args.Routes, DefaultListen); err != nil {
			return nil, fmt.Errorf("edge %q: %w", name, err)
		}
	}

	e := &Edge{}
	if err := ctx.RegisterComponentResource("jiucom:edge:Edge", name, e, opts...); err != nil {
		return nil, fmt.Errorf("edge %q: register component: %w", name, err)
	}

	public := pulumi.String("").ToStringOutput()
	sources := pulumi.ToStringArray(args.SourceAddrs).ToStringArrayOutput()
	var err error
	switch args.Mode {
	case ModeGCP:
		if public, err = e.deployGCP(ctx, name, args, config); err == nil {
			// The VM talks to home from its static IP.
			sources = public.ApplyT(func(ip string) []string { return []string{ip} }).(pulumi.StringArrayOutput)
		}
	case ModeSSH:
		public = pulumi.String(args.SSH.Host).ToStringOutput()
		_, err = e.push(ctx, name, sshConnection(args.SSH, public), config, "", pulumi.Array{public}, nil)
	case ModeContainer:
		err = e.deployContainer(ctx, name, args.Container, config)
	}
	if err != nil {
		return nil, fmt.Errorf("edge %q (%s mode): %w", name, args.Mode, err)
	}

	e.PublicIP = public
	e.SourceAddrs = sources
	e.DNSRecords = public.ApplyT(func(ip string) []string { return dnsRecords(args.Routes, ip) }).(pulumi.StringArrayOutput)
	e.Config = pulumi.String(config).ToStringOutput()
	if err := ctx.RegisterResourceOutputs(e, pulumi.Map{
		"publicIp":    e.PublicIP,
		"sourceAddrs": e.SourceAddrs,
		"dnsRecords":  e.DNSRecords,
		"config":      e.Config,
	}); err != nil {
		return nil, fmt.Errorf("edge %q: register outputs: %w", name, err)
	}
	return e, nil
}

// dnsRecords lists what the user creates at their DNS provider: every route
// name points at the edge, never at home.
func dnsRecords(routes []Route, target string) []string {
	if target == "" {
		return []string{}
	}
	kind, value := "A", target
	if _, err := netip.ParseAddr(target); err != nil {
		kind, value = "CNAME", target+"."
	}
	records := make([]string, 0, len(routes))
	for _, r := range routes {
		records = append(records, fmt.Sprintf("%s %s %s", r.Name, kind, value))
	}
	return records
}

// Package dockerhost is one docker engine of the platform: its provider, the
// shared bridge network and the data volumes that outlive a teardown.
package dockerhost

import (
	"errors"
	"fmt"
	"net/netip"

	"github.com/pulumi/pulumi-docker/sdk/v4/go/docker"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/jiucom/jiucom-infra/components/validate"
)

// NetworkName is the bridge every service joins; containers find each other
// on it by name.
const NetworkName = "jiucom-network"

// Args describes the engine.
type Args struct {
	// Endpoint is unix:///var/run/docker.sock or ssh://user@host[:port].
	Endpoint string
	SSHOpts  []string
	// Volumes are the named data volumes to create on this engine.
	Volumes []string
	// RetainVolumes leaves the volumes (and their data) in place on
	// `pulumi destroy`; they are only dropped from the state.
	RetainVolumes bool
	// Subnet pins the network's address range (optional): home nginx trusts
	// PROXY headers from an edge container only by its network's range.
	Subnet string
}

// Host is a docker engine with its network and volumes.
type Host struct {
	pulumi.ResourceState

	Provider    *docker.Provider
	Network     *docker.Network
	NetworkName pulumi.StringOutput `pulumi:"networkName"`
	// Volumes by their docker name.
	Volumes map[string]*docker.Volume
}

// Validate asserts the args before anything is registered; config.Parse
// has already told the user about a bad endpoint, so these are invariants.
func Validate(a Args) error {
	var errs []error
	if a.Subnet != "" {
		if _, err := validate.CIDR(a.Subnet); err != nil {
			errs = append(errs, fmt.Errorf("subnet: %w", err))
		}
	}
	if err := validate.DockerEndpoint(a.Endpoint); err != nil {
		errs = append(errs, fmt.Errorf("endpoint: %w", err))
	}
	seen := map[string]bool{}
	for _, v := range a.Volumes {
		if v == "" || seen[v] {
			errs = append(errs, fmt.Errorf("volume name %q is empty or repeated", v))
		}
		seen[v] = true
	}
	return errors.Join(errs...)
}

// NewHost registers the provider, network and volumes of one engine.
func NewHost(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*Host, error) {
	if args == nil {
		return nil, fmt.Errorf("dockerhost %s: args are required", name)
	}
	if err := Validate(*args); err != nil {
		return nil, fmt.Errorf("dockerhost %s: %w", name, err)
	}
	h := &Host{Volumes: map[string]*docker.Volume{}}
	if err := ctx.RegisterComponentResource("jiucom:dockerhost:Host", name, h,
		// The type once was jiucom:docker:Host: the alias keeps existing stacks (and
		// every child, whose URN names it) from being replaced.
		append(opts, pulumi.Aliases([]pulumi.Alias{{Type: pulumi.String("jiucom:docker:Host")}}))...); err != nil {
		return nil, fmt.Errorf("dockerhost %s: %w", name, err)
	}
	provider, err := docker.NewProvider(ctx, name+"-docker", &docker.ProviderArgs{
		Host:    pulumi.String(args.Endpoint),
		SshOpts: pulumi.ToStringArray(args.SSHOpts),
	}, pulumi.Parent(h))
	if err != nil {
		return nil, fmt.Errorf("dockerhost %s: provider: %w", name, err)
	}
	h.Provider = provider
	onEngine := []pulumi.ResourceOption{pulumi.Parent(h), pulumi.Provider(provider)}
	network := &docker.NetworkArgs{
		Name:   pulumi.String(NetworkName),
		Driver: pulumi.String("bridge"),
		Labels: docker.NetworkLabelArray{docker.NetworkLabelArgs{Label: pulumi.String("com.jiucom.managed-by"), Value: pulumi.String("pulumi")}},
	}
	if args.Subnet != "" {
		// The engine fills in the gateway when none is sent, and the
		// provider would then read back a value the program never set.
		prefix := netip.MustParsePrefix(args.Subnet).Masked()
		network.IpamConfigs = docker.NetworkIpamConfigArray{docker.NetworkIpamConfigArgs{
			Subnet:  pulumi.String(prefix.String()),
			Gateway: pulumi.String(prefix.Addr().Next().String()),
		}}
	}
	h.Network, err = docker.NewNetwork(ctx, name+"-network", network, onEngine...)
	if err != nil {
		return nil, fmt.Errorf("dockerhost %s: network: %w", name, err)
	}
	h.NetworkName = h.Network.Name
	for _, v := range args.Volumes {
		vol, err := docker.NewVolume(ctx, name+"-"+v, &docker.VolumeArgs{Name: pulumi.String(v)},
			append(onEngine, pulumi.RetainOnDelete(args.RetainVolumes))...)
		if err != nil {
			return nil, fmt.Errorf("dockerhost %s: volume %s: %w", name, v, err)
		}
		h.Volumes[v] = vol
	}
	outputs := pulumi.Map{"networkName": h.NetworkName}
	if err := ctx.RegisterResourceOutputs(h, outputs); err != nil {
		return nil, fmt.Errorf("dockerhost %s: %w", name, err)
	}
	return h, nil
}

// On returns the options that place a resource on this engine.
func (h *Host) On() pulumi.ResourceOption { return pulumi.Provider(h.Provider) }

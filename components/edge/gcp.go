package edge

import (
	"fmt"

	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/compute"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/serviceaccount"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/jiucom/jiucom-infra/assets"
)

const (
	// edgeTag selects the edge VM in firewall rules.
	edgeTag = "jiucom-edge"
	// readyMarker is written last by startup.sh.
	readyMarker = "/var/lib/jiucom-edge/ready"
)

// vmScopes are deliberately narrow: the VM's identity can write logs and
// metrics and nothing else (no cloud-platform scope).
var vmScopes = []string{
	"https://www.googleapis.com/auth/logging.write",
	"https://www.googleapis.com/auth/monitoring.write",
}

// deployGCP creates the VM, its own network and firewall, then pushes the
// config. Returns the static IP.
func (e *Edge) deployGCP(ctx *pulumi.Context, name string, a Args, config string) (pulumi.StringOutput, error) {
	g := a.GCP
	parent := pulumi.Parent(e)
	none := pulumi.StringOutput{}

	// A dedicated VPC: the project's default network carries
	// default-allow-ssh from 0.0.0.0/0, which would silently open 22.
	network, err := compute.NewNetwork(ctx, name+"-network", &compute.NetworkArgs{
		Project:               pulumi.String(g.Project),
		AutoCreateSubnetworks: pulumi.Bool(false),
		Description:           pulumi.String("jiucom edge: only the rules below apply"),
	}, parent)
	if err != nil {
		return none, fmt.Errorf("network: %w", err)
	}
	subnet, err := compute.NewSubnetwork(ctx, name+"-subnet", &compute.SubnetworkArgs{
		Project:     pulumi.String(g.Project),
		Region:      pulumi.String(g.Region),
		Network:     network.ID(),
		IpCidrRange: pulumi.String(g.SubnetCIDR),
	}, parent)
	if err != nil {
		return none, fmt.Errorf("subnet: %w", err)
	}
	address, err := compute.NewAddress(ctx, name+"-ip", &compute.AddressArgs{
		Project:     pulumi.String(g.Project),
		Region:      pulumi.String(g.Region),
		Description: pulumi.String("jiucom edge: the DNS records point here"),
	}, parent)
	if err != nil {
		return none, fmt.Errorf("static address: %w", err)
	}
	account, err := serviceaccount.NewAccount(ctx, name+"-sa", &serviceaccount.AccountArgs{
		Project:     pulumi.String(g.Project),
		AccountId:   pulumi.String(g.ServiceAccountID),
		DisplayName: pulumi.String("jiucom edge VM (no roles)"),
	}, parent)
	if err != nil {
		return none, fmt.Errorf("service account: %w", err)
	}

	sshSources := append([]string{}, a.AdminCIDRs...)
	if g.AllowIAP {
		sshSources = append(sshSources, iapRange)
	}
	rules := []struct {
		suffix  string
		ports   []string
		sources []string
	}{
		{"web", []string{"80", "443"}, []string{"0.0.0.0/0"}},
		{"ssh", []string{"22"}, sshSources},
	}
	for _, r := range rules {
		_, err := compute.NewFirewall(ctx, name+"-"+r.suffix, &compute.FirewallArgs{
			Project:      pulumi.String(g.Project),
			Network:      network.SelfLink,
			Direction:    pulumi.String("INGRESS"),
			Allows:       compute.FirewallAllowArray{compute.FirewallAllowArgs{Protocol: pulumi.String("tcp"), Ports: pulumi.ToStringArray(r.ports)}},
			SourceRanges: pulumi.ToStringArray(r.sources),
			TargetTags:   pulumi.StringArray{pulumi.String(edgeTag)},
		}, parent)
		if err != nil {
			return none, fmt.Errorf("firewall %s: %w", r.suffix, err)
		}
	}

	startup, err := assets.Edge.ReadFile("edge/startup.sh")
	if err != nil {
		return none, fmt.Errorf("read startup.sh: %w", err)
	}
	vm, err := compute.NewInstance(ctx, name+"-vm", &compute.InstanceArgs{
		Project:                pulumi.String(g.Project),
		Zone:                   pulumi.String(g.Zone),
		MachineType:            pulumi.String(g.MachineType),
		AllowStoppingForUpdate: pulumi.Bool(true),
		CanIpForward:           pulumi.Bool(false),
		Tags:                   pulumi.StringArray{pulumi.String(edgeTag)},
		BootDisk: compute.InstanceBootDiskArgs{
			InitializeParams: compute.InstanceBootDiskInitializeParamsArgs{
				Image: pulumi.String(g.Image),
				Size:  pulumi.Int(10),
			},
		},
		NetworkInterfaces: compute.InstanceNetworkInterfaceArray{compute.InstanceNetworkInterfaceArgs{
			Subnetwork:    subnet.SelfLink,
			AccessConfigs: compute.InstanceNetworkInterfaceAccessConfigArray{compute.InstanceNetworkInterfaceAccessConfigArgs{NatIp: address.Address}},
		}},
		ServiceAccount: compute.InstanceServiceAccountArgs{
			Email:  account.Email,
			Scopes: pulumi.ToStringArray(vmScopes),
		},
		ShieldedInstanceConfig: compute.InstanceShieldedInstanceConfigArgs{
			EnableSecureBoot:          pulumi.Bool(true),
			EnableVtpm:                pulumi.Bool(true),
			EnableIntegrityMonitoring: pulumi.Bool(true),
		},
		// startup-script in Metadata, not MetadataStartupScript: changing the
		// latter recreates the VM (and the config is never in it anyway).
		Metadata: pulumi.StringMap{
			"startup-script":         pulumi.String(startup),
			"enable-oslogin":         pulumi.String("TRUE"),
			"block-project-ssh-keys": pulumi.String("TRUE"),
			"serial-port-enable":     pulumi.String("FALSE"),
		},
	}, parent)
	if err != nil {
		return none, fmt.Errorf("vm: %w", err)
	}

	if _, err := e.push(ctx, name, sshConnection(a.SSH, address.Address), config, readyMarker,
		pulumi.Array{vm.InstanceId}, []pulumi.Resource{vm}); err != nil {
		return none, err
	}
	return address.Address, nil
}

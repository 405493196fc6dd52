package rules

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/property"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/policyx"
)

// GCP resource types the rules read (pulumi-gcp v7 schema).
const (
	InstanceType = "gcp:compute/instance:Instance"
	FirewallType = "gcp:compute/firewall:Firewall"
)

// GCP rule names.
const (
	PolicyFirewallWorld     = "gcp-firewall-no-world-non-web-ports"
	PolicyShieldedVM        = "gcp-vm-shielded"
	PolicyOSLogin           = "gcp-vm-os-login-enabled"
	PolicyBlockProjectKeys  = "gcp-vm-block-project-ssh-keys"
	PolicySerialPort        = "gcp-vm-no-serial-port"
	PolicyDefaultAccount    = "gcp-vm-no-default-service-account"
	PolicyCloudPlatform     = "gcp-vm-no-cloud-platform-scope"
	PolicyIPForwarding      = "gcp-vm-no-ip-forwarding"
	PolicyPublicIP          = "gcp-vm-public-ip-only-edge"
	defaultComputeAccount   = "-compute@developer.gserviceaccount.com"
	cloudPlatformScopeShort = "cloud-platform"
)

// webPorts may be open to the world: the edge serves :80 (ACME) and :443.
var webPorts = []int{80, 443}

func gcpRules() []Rule {
	mandatory, vm := policyx.EnforcementLevelMandatory, []string{InstanceType}
	return []Rule{
		{Name: PolicyFirewallWorld, Level: mandatory, Types: []string{FirewallType}, Anchor: "CIS GCP 3.6, 3.7; CKV_GCP_2, CKV_GCP_3",
			Checks: "no ingress rule opens 22 or any port but 80/443 to 0.0.0.0/0 or ::/0 (a rule without ports opens all)",
			Check:  plain(checkFirewall)},
		{Name: PolicyShieldedVM, Level: mandatory, Types: vm, Anchor: "CIS GCP 4.8; CKV_GCP_39",
			Checks: "Shielded VM: secure boot, vTPM and integrity monitoring on", Check: plain(checkShielded)},
		{Name: PolicyOSLogin, Level: mandatory, Types: vm, Anchor: "CIS GCP 4.4; CKV_GCP_34",
			Checks: "metadata does not set `enable-oslogin` to false", Check: plain(checkOSLogin)},
		{Name: PolicyBlockProjectKeys, Level: mandatory, Types: vm, Anchor: "CIS GCP 4.3; CKV_GCP_32",
			Checks: "metadata sets `block-project-ssh-keys` to true", Check: plain(checkBlockProjectKeys)},
		{Name: PolicySerialPort, Level: mandatory, Types: vm, Anchor: "CIS GCP 4.5; CKV_GCP_35",
			Checks: "metadata does not enable `serial-port-enable`", Check: plain(checkSerialPort)},
		{Name: PolicyDefaultAccount, Level: mandatory, Types: vm, Anchor: "CIS GCP 4.1; CKV_GCP_30",
			Checks: "the VM runs as its own service account, not the default compute one", Check: plain(checkDefaultAccount)},
		{Name: PolicyCloudPlatform, Level: mandatory, Types: vm, Anchor: "CIS GCP 4.2; CKV_GCP_31",
			Checks: "the VM's scopes exclude `cloud-platform` (full access to every API)", Check: plain(checkCloudPlatform)},
		{Name: PolicyIPForwarding, Level: mandatory, Types: vm, Anchor: "CIS GCP 4.6; CKV_GCP_36",
			Checks: "`canIpForward` is false", Check: plain(checkIPForwarding)},
		{Name: PolicyPublicIP, Level: mandatory, Types: vm, Anchor: "CIS GCP 4.9; CKV_GCP_40",
			Checks: "only the edge VM has an external (access config) address", Check: plain(checkPublicIP)},
	}
}

func checkFirewall(r Resource) []string {
	p := r.Properties
	if dir := text(p.Get("direction")); dir != "" && !strings.EqualFold(dir, "INGRESS") {
		return nil
	}
	var world []string
	for _, src := range texts(p.Get("sourceRanges")) {
		if src == "0.0.0.0/0" || src == "::/0" {
			world = append(world, src)
		}
	}
	if len(world) == 0 {
		return nil
	}
	var out []string
	for _, a := range list(p.Get("allows")) {
		allow := object(a)
		protocol := strings.ToLower(text(allow.Get("protocol")))
		if !portProtocol(protocol) {
			continue
		}
		ports := texts(allow.Get("ports"))
		if len(ports) == 0 {
			out = append(out, fmt.Sprintf("%s: allows every %s port from %s (fix: list only 80 and 443, or restrict sourceRanges to admin CIDRs)",
				r.Name, protocol, strings.Join(world, ", ")))
			continue
		}
		for _, ports := range ports {
			if !onlyWebPorts(ports) {
				out = append(out, fmt.Sprintf("%s: allows %s port %s from %s (fix: open only 80 and 443 to the world; restrict the rest to admin CIDRs)",
					r.Name, protocol, ports, strings.Join(world, ", ")))
			}
		}
	}
	return out
}

// portProtocol reports whether a firewall protocol has ports ("all" has all).
func portProtocol(protocol string) bool {
	switch protocol {
	case "all", "tcp", "udp", "sctp", "6", "17", "132":
		return true
	}
	return false
}

// onlyWebPorts reports whether a port spec ("443" or "80-443") covers web ports only.
func onlyWebPorts(spec string) bool {
	lo, hi, isRange := strings.Cut(spec, "-")
	if !isRange {
		hi = lo
	}
	from, errFrom := strconv.Atoi(strings.TrimSpace(lo))
	to, errTo := strconv.Atoi(strings.TrimSpace(hi))
	// 80 and 443 are not adjacent: a range is web-only when it is one of them.
	return errFrom == nil && errTo == nil && from == to && slices.Contains(webPorts, from)
}

// metadataFlag reads a GCE metadata boolean; ok is false when unset.
func metadataFlag(r Resource, key string) (value, ok bool) {
	v := field(r.Properties, "metadata", key)
	if !v.IsString() {
		return false, false
	}
	switch strings.ToLower(strings.TrimSpace(v.AsString())) {
	case "true", "1", "yes", "y":
		return true, true
	}
	return false, true
}

func checkShielded(r Resource) []string {
	cfg := object(r.Properties.Get("shieldedInstanceConfig"))
	var off []string
	for _, key := range []string{"enableSecureBoot", "enableVtpm", "enableIntegrityMonitoring"} {
		if !flag(cfg.Get(key)) {
			off = append(off, key)
		}
	}
	if len(off) > 0 {
		return []string{fmt.Sprintf("%s: shieldedInstanceConfig lacks %s (fix: set each to true; use a Shielded VM image)", r.Name, strings.Join(off, ", "))}
	}
	return nil
}

func checkOSLogin(r Resource) []string {
	if on, set := metadataFlag(r, "enable-oslogin"); set && !on {
		return []string{fmt.Sprintf("%s: metadata enable-oslogin is %q, which disables OS Login (fix: set it to TRUE or remove it)",
			r.Name, text(field(r.Properties, "metadata", "enable-oslogin")))}
	}
	return nil
}

func checkBlockProjectKeys(r Resource) []string {
	if on, _ := metadataFlag(r, "block-project-ssh-keys"); !on {
		return []string{fmt.Sprintf("%s: metadata block-project-ssh-keys is not TRUE, so project-wide SSH keys open the VM (fix: set it to TRUE)", r.Name)}
	}
	return nil
}

func checkSerialPort(r Resource) []string {
	if on, _ := metadataFlag(r, "serial-port-enable"); on {
		return []string{fmt.Sprintf("%s: metadata serial-port-enable turns on the interactive serial console (fix: set it to FALSE or remove it)", r.Name)}
	}
	return nil
}

func checkDefaultAccount(r Resource) []string {
	email := field(r.Properties, "serviceAccount", "email")
	if email.IsComputed() {
		return nil // the output of the program's own service account
	}
	if address := text(email); address == "" || strings.HasSuffix(address, defaultComputeAccount) {
		return []string{fmt.Sprintf("%s: runs as the default compute service account (fix: give it its own account without roles, as the edge component does)", r.Name)}
	}
	return nil
}

func checkCloudPlatform(r Resource) []string {
	for _, scope := range texts(field(r.Properties, "serviceAccount", "scopes")) {
		if scope == cloudPlatformScopeShort || strings.HasSuffix(scope, "/auth/"+cloudPlatformScopeShort) {
			return []string{fmt.Sprintf("%s: scope %s gives the VM's identity every Google API (fix: list only logging.write and monitoring.write)", r.Name, scope)}
		}
	}
	return nil
}

func checkIPForwarding(r Resource) []string {
	if flag(r.Properties.Get("canIpForward")) {
		return []string{fmt.Sprintf("%s: canIpForward is true, so the VM can route traffic that is not its own (fix: set it to false)", r.Name)}
	}
	return nil
}

func checkPublicIP(r Resource) []string {
	if exempt(PolicyPublicIP, r.Name, "") {
		return nil
	}
	for _, nic := range list(r.Properties.Get("networkInterfaces")) {
		if hasAny(object(nic), "accessConfigs", "ipv6AccessConfigs") {
			return []string{fmt.Sprintf("%s: has an external address, but only the edge VM may (fix: remove its accessConfigs; reach it through the edge or IAP)", r.Name)}
		}
	}
	return nil
}

func hasAny(m property.Map, keys ...string) bool {
	for _, k := range keys {
		if len(list(m.Get(k))) > 0 {
			return true
		}
	}
	return false
}

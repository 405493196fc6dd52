package rules_test

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/property"
	"github.com/stretchr/testify/assert"

	"github.com/jiucom/jiucom-infra/policy/rules"
)

// fixture is a real resource of a stack, which must pass the policy, and the
// same resource after one mutation, which must fail it with exactly want.
type fixture struct {
	name     string
	policy   string
	stack    string
	typ, res string
	mutate   func(t *testing.T, r rules.Resource) rules.Resource
	want     []string
}

func str(s string) property.Value  { return property.New(s) }
func num(n float64) property.Value { return property.New(n) }
func strs(ss ...string) property.Value {
	vs := make([]property.Value, len(ss))
	for i, s := range ss {
		vs[i] = property.New(s)
	}
	return property.New(vs)
}

// setting builds a single-property mutation.
func setting(v property.Value, keys ...any) func(*testing.T, rules.Resource) rules.Resource {
	return func(t *testing.T, r rules.Resource) rules.Resource { return set(t, r, v, keys...) }
}

func removing(key string) func(*testing.T, rules.Resource) rules.Resource {
	return func(_ *testing.T, r rules.Resource) rules.Resource { return without(r, key) }
}

func runFixtures(t *testing.T, fixtures []fixture) {
	for _, f := range fixtures {
		t.Run(f.name, func(t *testing.T) {
			p := programFor(t, f.stack)
			r := p.named(t, f.typ, f.res)
			assert.Empty(t, validate(t, p.settings, f.policy, r, nil), "the program's own %s passes", f.res)
			assert.Equal(t, f.want, validate(t, p.settings, f.policy, f.mutate(t, r), nil))
		})
	}
}

const (
	container = rules.ContainerType
	image     = rules.RemoteImageType
	instance  = rules.InstanceType
	firewall  = rules.FirewallType
)

func TestLimitPolicies(t *testing.T) {
	runFixtures(t, []fixture{
		{"memory unset", rules.PolicyLimitsSet, "prod", container, "mysql-container", removing("memory"),
			[]string{"jiucom-mysql: no memory limit (fix: set resources.<service>.memory; container.Spec sets memory from it)"}},
		{"swap differs", rules.PolicyLimitsSet, "prod", container, "mysql-container", setting(num(4096), "memorySwap"),
			[]string{"jiucom-mysql: memorySwap 4096MB differs from memory 2048MB, so the container can swap past its limit (fix: set memorySwap equal to memory)"}},
		{"swap unset", rules.PolicyLimitsSet, "dev", container, "redis-container", removing("memorySwap"),
			[]string{"jiucom-redis: memorySwap unset differs from memory 512MB, so the container can swap past its limit (fix: set memorySwap equal to memory)"}},
		{"cpus unset", rules.PolicyLimitsSet, "prod", container, "gateway-container", removing("cpus"),
			[]string{"jiucom-gateway: no CPU limit (fix: set resources.<service>.cpu; container.Spec sets cpus from it)"}},
		// The backup container is limited like any other: the generic rules
		// cover it, with its record's ceiling.
		{"backup memory unset", rules.PolicyLimitsSet, "prod", container, "backup-service-container", removing("memory"),
			[]string{"jiucom-backup: no memory limit (fix: set resources.<service>.memory; container.Spec sets memory from it)"}},
		{"backup cpus above ceiling", rules.PolicyLimitsUnderCeiling, "prod", container, "backup-monitoring-container", setting(str("2"), "cpus"),
			[]string{"jiucom-backup: cpus 2 is above the backup ceiling 1 (fix: lower resources.backup.cpu, or raise ceilings.backup.cpu in the policy config)"}},
		{"memory reservation above limit", rules.PolicyReservationsInLimit, "prod", container, "mysql-container", setting(num(3072), "memoryReservation"),
			[]string{"jiucom-mysql: memoryReservation 3072MB is above the memory limit 2048MB (fix: lower resources.<service>.memoryReservation)"}},
		{"cpu shares above limit", rules.PolicyReservationsInLimit, "prod", container, "redis-container", setting(num(2048), "cpuShares"),
			[]string{"jiucom-redis: cpuShares 2048 reserve 2 cores, above the CPU limit 1 (fix: lower resources.<service>.cpuReservation)"}},
		{"memory above ceiling", rules.PolicyLimitsUnderCeiling, "prod", container, "app-2-container", setting(num(4096), "memory"),
			[]string{"jiucom-app-2: memory 4096MB is above the app ceiling 1024MB (fix: lower resources.app.memory, or raise ceilings.app.memory in the policy config)"}},
		{"cpus above ceiling", rules.PolicyLimitsUnderCeiling, "dev", container, "node-exporter-monitoring-service-container", setting(str("1.5"), "cpus"),
			[]string{"jiucom-node-exporter: cpus 1.5 is above the node-exporter ceiling 0.25 (fix: lower resources.node-exporter.cpu, or raise ceilings.node-exporter.cpu in the policy config)"}},
		{"no service label", rules.PolicyLimitsUnderCeiling, "prod", container, "grafana-container", removing("labels"),
			[]string{"jiucom-grafana: no com.jiucom.service label, so no ceiling applies (fix: register containers through the stack's d.run, which labels them)"}},
		{"unknown service", rules.PolicyLimitsUnderCeiling, "prod", container, "grafana-container", setting(str("grafana-beta"), "labels", 1, "value"),
			[]string{`jiucom-grafana: no ceiling is declared for service "grafana-beta" (fix: add ceilings.grafana-beta to the policy config or JIUCOM_POLICY_CEILINGS)`}},
	})
}

func TestContainerSecurityPolicies(t *testing.T) {
	runFixtures(t, []fixture{
		{"privileged", rules.PolicyPrivileged, "prod", container, "grafana-container", setting(property.New(true), "privileged"),
			[]string{"jiucom-grafana: runs privileged, with every capability and device of the host (fix: remove privileged)"}},
		{"no no-new-privileges", rules.PolicyNoNewPrivileges, "prod", container, "zipkin-container", setting(strs(), "securityOpts"),
			[]string{"jiucom-zipkin: securityOpts lacks no-new-privileges:true, so setuid binaries can gain privileges (fix: add it; container.Spec always does)"}},
		{"no healthcheck", rules.PolicyHealthcheck, "prod", container, "alertmanager-container", removing("healthcheck"),
			[]string{"jiucom-alertmanager: no healthcheck, so dependents cannot wait for it to be healthy (fix: set Health.Test in its container.Spec)"}},
		{"healthcheck NONE", rules.PolicyHealthcheck, "dev", container, "app-1-container", setting(strs("NONE"), "healthcheck", "tests"),
			[]string{"jiucom-app-1: no healthcheck, so dependents cannot wait for it to be healthy (fix: set Health.Test in its container.Spec)"}},
		{"latest tag", rules.PolicyPinnedImage, "prod", image, "grafana-image", setting(str("grafana/grafana:latest"), "name"),
			[]string{`grafana-image: image "grafana/grafana:latest" uses a floating tag (fix: pin a version tag or a digest under images.<service>)`}},
		{"untagged", rules.PolicyPinnedImage, "prod", image, "mysql-image", setting(str("registry.example.com:5000/mysql"), "name"),
			[]string{`mysql-image: image "registry.example.com:5000/mysql" has no tag and would float to latest (fix: pin a version tag or a digest under images.<service>)`}},
		{"container image by floating name", rules.PolicyPinnedImage, "prod", container, "gateway-container", setting(str("nginx"), "image"),
			[]string{`gateway-container: image "nginx" has no tag and would float to latest (fix: pin a version tag or a digest under images.<service>)`}},
		{"host network", rules.PolicyHostNamespaces, "prod", container, "grafana-container", setting(str("host"), "networkMode"),
			[]string{"jiucom-grafana: networkMode is host, which shares the host's namespace (fix: remove networkMode, or add an exception with its reason)"}},
		{"host PID outside the exception", rules.PolicyHostNamespaces, "prod", container, "cadvisor-service-container", setting(str("host"), "pidMode"),
			[]string{"jiucom-cadvisor: pidMode is host, which shares the host's namespace (fix: remove pidMode, or add an exception with its reason)"}},
		{"host IPC on node-exporter (only PID is excepted)", rules.PolicyHostNamespaces, "prod", container, "node-exporter-service-container", setting(str("host"), "ipcMode"),
			[]string{"jiucom-node-exporter: ipcMode is host, which shares the host's namespace (fix: remove ipcMode, or add an exception with its reason)"}},
		{"excepted path made writable", rules.PolicySensitiveMounts, "prod", container, "cadvisor-monitoring-container", setting(property.New(false), "volumes", 1, "readOnly"),
			[]string{"jiucom-cadvisor: mounts sensitive host path /var/run writable (fix: mount it read-only, or not at all)"}},
		{"docker socket without an exception", rules.PolicySensitiveMounts, "prod", container, "grafana-container", setting(property.New(property.NewMap(map[string]property.Value{
			"hostPath": str("/var/run/docker.sock"), "containerPath": str("/var/run/docker.sock"), "readOnly": property.New(true),
		})), "volumes", 0),
			[]string{"jiucom-grafana: mounts sensitive host path /var/run/docker.sock without an exception (fix: drop the mount, or add it to the policy pack's exceptions with its reason)"}},
		{"path outside the agent's exception", rules.PolicySensitiveMounts, "prod", container, "node-exporter-monitoring-container", setting(str("/etc"), "volumes", 0, "hostPath"),
			[]string{"jiucom-node-exporter: mounts sensitive host path /etc without an exception (fix: drop the mount, or add it to the policy pack's exceptions with its reason)"}},
		{"wildcard address", rules.PolicyPortsBound, "prod", container, "prometheus-container", setting(str("0.0.0.0"), "ports", 0, "ip"),
			[]string{`jiucom-prometheus: port 9090 is published on every address (ip "0.0.0.0") (fix: bind it to the host's LAN address or 127.0.0.1)`}},
		{"no address", rules.PolicyPortsBound, "dev", container, "grafana-container", setting(str(""), "ports", 0, "ip"),
			[]string{`jiucom-grafana: port 3000 is published on every address (ip "") (fix: bind it to the host's LAN address or 127.0.0.1)`}},
		{"gateway without an address (its exception covers 0.0.0.0 only)", rules.PolicyPortsBound, "prod", container, "gateway-container", setting(str(""), "ports", 0, "ip"),
			[]string{`jiucom-gateway: port 80 is published on every address (ip "") (fix: bind it to the host's LAN address or 127.0.0.1)`}},
		{"restart no", rules.PolicyRestart, "prod", container, "blackbox-exporter-container", setting(str("no"), "restart"),
			[]string{"jiucom-blackbox-exporter: no restart policy, so it stays down after a crash or a reboot (fix: use unless-stopped, the container.Spec default)"}},
		{"default capabilities", rules.PolicyCapabilities, "prod", container, "mysql-exporter-container", removing("capabilities"),
			[]string{"jiucom-mysql-exporter: keeps Docker's default capabilities (fix: drop ALL and add back only what it needs via CapAdd, or add an exception with its reason)"}},
	})
}

func TestGCPPolicies(t *testing.T) {
	runFixtures(t, []fixture{
		{"extra port to the world", rules.PolicyFirewallWorld, "prod", firewall, "edge-web", setting(strs("80", "443", "8080"), "allows", 0, "ports"),
			[]string{"edge-web: allows tcp port 8080 from 0.0.0.0/0 (fix: open only 80 and 443 to the world; restrict the rest to admin CIDRs)"}},
		{"no ports means all", rules.PolicyFirewallWorld, "prod", firewall, "edge-web", setting(strs(), "allows", 0, "ports"),
			[]string{"edge-web: allows every tcp port from 0.0.0.0/0 (fix: list only 80 and 443, or restrict sourceRanges to admin CIDRs)"}},
		{"ssh from ::/0", rules.PolicyFirewallWorld, "prod", firewall, "edge-ssh", setting(strs("203.0.113.7/32", "::/0"), "sourceRanges"),
			[]string{"edge-ssh: allows tcp port 22 from ::/0 (fix: open only 80 and 443 to the world; restrict the rest to admin CIDRs)"}},
		{"port range spanning web ports", rules.PolicyFirewallWorld, "prod", firewall, "edge-web", setting(strs("80-443"), "allows", 0, "ports"),
			[]string{"edge-web: allows tcp port 80-443 from 0.0.0.0/0 (fix: open only 80 and 443 to the world; restrict the rest to admin CIDRs)"}},
		{"secure boot off", rules.PolicyShieldedVM, "prod", instance, "edge-vm", setting(property.New(false), "shieldedInstanceConfig", "enableSecureBoot"),
			[]string{"edge-vm: shieldedInstanceConfig lacks enableSecureBoot (fix: set each to true; use a Shielded VM image)"}},
		{"OS Login disabled", rules.PolicyOSLogin, "prod", instance, "edge-vm", setting(str("FALSE"), "metadata", "enable-oslogin"),
			[]string{`edge-vm: metadata enable-oslogin is "FALSE", which disables OS Login (fix: set it to TRUE or remove it)`}},
		{"project keys allowed", rules.PolicyBlockProjectKeys, "prod", instance, "edge-vm", setting(str("false"), "metadata", "block-project-ssh-keys"),
			[]string{"edge-vm: metadata block-project-ssh-keys is not TRUE, so project-wide SSH keys open the VM (fix: set it to TRUE)"}},
		{"serial port on", rules.PolicySerialPort, "prod", instance, "edge-vm", setting(str("TRUE"), "metadata", "serial-port-enable"),
			[]string{"edge-vm: metadata serial-port-enable turns on the interactive serial console (fix: set it to FALSE or remove it)"}},
		{"default compute account", rules.PolicyDefaultAccount, "prod", instance, "edge-vm", setting(str("123456789-compute@developer.gserviceaccount.com"), "serviceAccount", "email"),
			[]string{"edge-vm: runs as the default compute service account (fix: give it its own account without roles, as the edge component does)"}},
		{"no service account block", rules.PolicyDefaultAccount, "prod", instance, "edge-vm", removing("serviceAccount"),
			[]string{"edge-vm: runs as the default compute service account (fix: give it its own account without roles, as the edge component does)"}},
		{"cloud-platform scope", rules.PolicyCloudPlatform, "prod", instance, "edge-vm", setting(strs("https://www.googleapis.com/auth/cloud-platform"), "serviceAccount", "scopes"),
			[]string{"edge-vm: scope https://www.googleapis.com/auth/cloud-platform gives the VM's identity every Google API (fix: list only logging.write and monitoring.write)"}},
		{"ip forwarding", rules.PolicyIPForwarding, "prod", instance, "edge-vm", setting(property.New(true), "canIpForward"),
			[]string{"edge-vm: canIpForward is true, so the VM can route traffic that is not its own (fix: set it to false)"}},
	})
}

// A second VM with an external address is the failing fixture of the
// public-IP rule: the mutation is the name (the exception is by name).
func TestOnlyTheEdgeVMHasAPublicIP(t *testing.T) {
	p := programFor(t, "prod")
	vm := p.named(t, instance, "edge-vm")
	assert.Empty(t, validate(t, p.settings, rules.PolicyPublicIP, vm, nil))
	vm.Name = "worker-vm"
	assert.Equal(t, []string{"worker-vm: has an external address, but only the edge VM may (fix: remove its accessConfigs; reach it through the edge or IAP)"},
		validate(t, p.settings, rules.PolicyPublicIP, vm, nil))
	assert.Empty(t, validate(t, p.settings, rules.PolicyPublicIP, without(vm, "networkInterfaces"), nil), "no interface, no address")
}

// Every exception waives only what it lists: gateway and edge may listen on
// every address, mysql and redis keep default capabilities.
func TestExceptionsWaiveTheirResourcesOnly(t *testing.T) {
	for _, c := range []struct{ stack, res, policy string }{
		{"prod", "gateway-container", rules.PolicyPortsBound},
		{"dev", "edge-nginx-container", rules.PolicyPortsBound},
		{"prod", "mysql-container", rules.PolicyCapabilities},
		{"prod", "redis-container", rules.PolicyCapabilities},
		{"dev", "cadvisor-monitoring-service-container", rules.PolicyCapabilities},
		{"prod", "node-exporter-service-container", rules.PolicyHostNamespaces},
	} {
		p := programFor(t, c.stack)
		r := p.named(t, container, c.res)
		assert.Empty(t, validate(t, p.settings, c.policy, r, nil), "%s %s is excepted", c.res, c.policy)
		r.Name = "grafana-container"
		assert.NotEmpty(t, validate(t, p.settings, c.policy, r, nil), "the same properties under another name fail %s", c.policy)
	}
}

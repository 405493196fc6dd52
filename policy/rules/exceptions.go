package rules

import (
	"path"
	"slices"
)

// Exception waives part of one rule for resources whose name matches a glob
// (path.Match syntax): the rule stays strict for everything else, and the
// reason is on record next to the waiver.
type Exception struct {
	Policy string
	// Resource is a glob over resource names, e.g. "node-exporter-*-container"
	// (one agent per docker engine, named after the engine).
	Resource string
	// Allows narrows the waiver: host paths that may be mounted read-only,
	// namespace fields (pidMode, networkMode, ipcMode) that may be "host", or
	// wildcard addresses a port may be published on.
	// Empty waives the whole rule for the resource.
	Allows []string
	Reason string
}

// Exceptions is the one list of waivers.
var Exceptions = []Exception{
	{PolicyHostNamespaces, "node-exporter-*-container", []string{"pidMode"},
		"node-exporter reports the host's processes, so it shares the host PID namespace"},
	{PolicySensitiveMounts, "node-exporter-*-container", []string{"/", "/proc", "/sys"},
		"node-exporter reads the host's filesystems, /proc and /sys (read-only) to report the host rather than its container"},
	{PolicySensitiveMounts, "cadvisor-*-container", []string{"/", "/var/run", "/sys", "/var/lib/docker", "/dev/disk"},
		"cAdvisor reads container cgroups, the docker state and the docker socket directory (read-only) to report every container"},
	{PolicySensitiveMounts, "nginx-mon-container", []string{"/etc/letsencrypt"},
		"nginx_mon reads certbot's certificates (read-only); live/ links into archive/, so the whole directory is mounted"},
	{PolicyCapabilities, "cadvisor-*-container", nil,
		"cAdvisor reads other containers' cgroups and the docker state as root"},
	{PolicyCapabilities, "mysql-container", nil,
		"the mysql entrypoint chowns the datadir, then drops to the mysql user with gosu"},
	{PolicyCapabilities, "redis-container", nil,
		"the redis entrypoint chowns /data, then drops to the redis user with gosu"},
	{PolicySensitiveMounts, "gateway-container", []string{"/etc/letsencrypt"},
		"the gateway terminates TLS with the certificates certbot renews on the host (read-only; gateway.tls.certDir)"},
	{PolicyPortsBound, "gateway-container", []string{"0.0.0.0", "::"},
		"the API gateway is a public entry point: the router forwards to it on every address"},
	{PolicyPortsBound, "edge-nginx-container", []string{"0.0.0.0", "::"},
		"the container edge (dev) is the public entry point and listens on every address"},
	{PolicyPublicIP, "edge-vm", nil,
		"the edge VM is the platform's single public entry point"},
}

// exempt reports whether the exceptions let resource name do what (a path
// or a namespace field) under a policy; what "" asks for a whole-rule waiver.
func exempt(policy, name, what string) bool {
	for _, e := range Exceptions {
		if e.Policy != policy {
			continue
		}
		if ok, _ := path.Match(e.Resource, name); !ok {
			continue
		}
		if len(e.Allows) == 0 || (what != "" && slices.Contains(e.Allows, what)) {
			return true
		}
	}
	return false
}

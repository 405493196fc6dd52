package rules

import (
	"fmt"
	"net"
	"path"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/policyx"

	"github.com/jiucom/jiucom-infra/components/config"
)

// Container security rule names.
const (
	PolicyPrivileged      = "container-not-privileged"
	PolicyNoNewPrivileges = "container-no-new-privileges"
	PolicyHealthcheck     = "container-healthcheck"
	PolicyPinnedImage     = "image-pinned"
	PolicyHostNamespaces  = "container-no-host-namespaces"
	PolicySensitiveMounts = "container-no-sensitive-mounts"
	PolicyPortsBound      = "container-ports-bound-to-address"
	PolicyRestart         = "container-restart-policy"
	PolicyCapabilities    = "container-capabilities-dropped"
)

func containerRules() []Rule {
	mandatory, container := policyx.EnforcementLevelMandatory, []string{ContainerType}
	return []Rule{
		{Name: PolicyPrivileged, Level: mandatory, Types: container, Anchor: "CIS Docker 5.4",
			Checks: "`privileged` is not true", Check: plain(checkPrivileged)},
		{Name: PolicyNoNewPrivileges, Level: mandatory, Types: container, Anchor: "CIS Docker 5.25",
			Checks: "`securityOpts` has `no-new-privileges`", Check: plain(checkNoNewPrivileges)},
		{Name: PolicyHealthcheck, Level: mandatory, Types: container, Anchor: "CIS Docker 4.6, 5.26; CKV_DOCKER_2",
			Checks: "a `healthcheck` with a test (the start order waits on it)", Check: plain(checkHealthcheck)},
		{Name: PolicyPinnedImage, Level: mandatory, Types: []string{ContainerType, RemoteImageType}, Anchor: "CKV_DOCKER_7",
			Checks: "images carry a tag other than `latest` (or a digest)", Check: plain(checkPinnedImage)},
		{Name: PolicyHostNamespaces, Level: mandatory, Types: container, Anchor: "CIS Docker 5.9, 5.15, 5.16",
			Checks: "no `networkMode`, `pidMode` or `ipcMode` of `host`", Check: plain(checkHostNamespaces)},
		{Name: PolicySensitiveMounts, Level: mandatory, Types: container, Anchor: "CIS Docker 5.5, 5.31",
			Checks: "no docker socket or sensitive host path mounted; a listed exception may mount its paths read-only, never writable",
			Check:  plain(checkSensitiveMounts)},
		{Name: PolicyPortsBound, Level: mandatory, Types: container, Anchor: "CIS Docker 5.13",
			Checks: "every published port is bound to a specific host address, not 0.0.0.0 or ::", Check: plain(checkPortsBound)},
		{Name: PolicyRestart, Level: policyx.EnforcementLevelAdvisory, Types: container, Anchor: "CIS Docker 5.14",
			Checks: "`restart` is set to a policy other than `no`", Check: plain(checkRestart)},
		{Name: PolicyCapabilities, Level: mandatory, Types: container, Anchor: "CIS Docker 5.3",
			Checks: "`capabilities.drops` has `ALL` (only needed ones added back)", Check: plain(checkCapabilities)},
	}
}

func checkPrivileged(r Resource) []string {
	if flag(r.Properties.Get("privileged")) {
		return []string{fmt.Sprintf("%s: runs privileged, with every capability and device of the host (fix: remove privileged)", containerName(r))}
	}
	return nil
}

func checkNoNewPrivileges(r Resource) []string {
	opts := r.Properties.Get("securityOpts")
	if opts.HasComputed() {
		return nil
	}
	for _, o := range texts(opts) {
		if o == "no-new-privileges" || o == "no-new-privileges:true" || o == "no-new-privileges=true" {
			return nil
		}
	}
	return []string{fmt.Sprintf("%s: securityOpts lacks no-new-privileges:true, so setuid binaries can gain privileges (fix: add it; container.Spec always does)", containerName(r))}
}

func checkHealthcheck(r Resource) []string {
	tests := texts(field(r.Properties, "healthcheck", "tests"))
	if len(tests) == 0 || strings.EqualFold(tests[0], "NONE") {
		return []string{fmt.Sprintf("%s: no healthcheck, so dependents cannot wait for it to be healthy (fix: set Health.Test in its container.Spec)", containerName(r))}
	}
	return nil
}

// checkPinnedImage reads the reference the user chose: a RemoteImage's name,
// or a container's image when it is a literal reference rather than the ID
// its RemoteImage resolved (which is pinned by construction).
func checkPinnedImage(r Resource) []string {
	key := "image"
	if r.Type == RemoteImageType {
		key = "name"
	}
	ref := text(r.Properties.Get(key))
	if r.Properties.Get(key).IsComputed() || strings.HasPrefix(ref, "sha256:") {
		return nil
	}
	if err := config.CheckPinnedImage(ref); err != nil {
		return []string{fmt.Sprintf("%s: %v (fix: pin a version tag or a digest under images.<service>)", r.Name, err)}
	}
	return nil
}

func checkHostNamespaces(r Resource) []string {
	var out []string
	for _, mode := range []string{"networkMode", "pidMode", "ipcMode"} {
		if strings.EqualFold(text(r.Properties.Get(mode)), "host") && !exempt(PolicyHostNamespaces, r.Name, mode) {
			out = append(out, fmt.Sprintf("%s: %s is host, which shares the host's namespace (fix: remove %s, or add an exception with its reason)",
				containerName(r), mode, mode))
		}
	}
	return out
}

// dockerSockets are where engines put their API socket.
var dockerSockets = []string{"/var/run/docker.sock", "/run/docker.sock"}

// sensitiveRoots are host trees whose content controls or reveals the host.
var sensitiveRoots = []string{"/bin", "/boot", "/dev", "/etc", "/lib", "/lib64", "/proc", "/root", "/run", "/sbin", "/sys", "/usr", "/var/lib/docker", "/var/run"}

// sensitive reports whether mounting a host path exposes the host: it is /,
// lies under a sensitive tree, or contains the docker socket.
func sensitive(hostPath string) bool {
	p := path.Clean(hostPath)
	if p == "/" {
		return true
	}
	for _, root := range sensitiveRoots {
		if p == root || strings.HasPrefix(p, root+"/") {
			return true
		}
	}
	for _, sock := range dockerSockets {
		if strings.HasPrefix(sock, p+"/") {
			return true
		}
	}
	return false
}

func checkSensitiveMounts(r Resource) []string {
	var out []string
	for _, v := range list(r.Properties.Get("volumes")) {
		m := object(v)
		hostPath := text(m.Get("hostPath"))
		if hostPath == "" || !sensitive(hostPath) {
			continue
		}
		switch {
		case !flag(m.Get("readOnly")):
			out = append(out, fmt.Sprintf("%s: mounts sensitive host path %s writable (fix: mount it read-only, or not at all)", containerName(r), hostPath))
		case !exempt(PolicySensitiveMounts, r.Name, path.Clean(hostPath)):
			out = append(out, fmt.Sprintf("%s: mounts sensitive host path %s without an exception (fix: drop the mount, or add it to the policy pack's exceptions with its reason)",
				containerName(r), hostPath))
		}
	}
	return out
}

func checkPortsBound(r Resource) []string {
	var out []string
	for _, p := range list(r.Properties.Get("ports")) {
		port := object(p)
		ipValue := port.Get("ip")
		if ipValue.IsComputed() {
			continue
		}
		ip := net.ParseIP(text(ipValue))
		if (ip == nil || ip.IsUnspecified()) && !exempt(PolicyPortsBound, r.Name, text(ipValue)) {
			external, _ := number(port.Get("external"))
			out = append(out, fmt.Sprintf("%s: port %g is published on every address (ip %q) (fix: bind it to the host's LAN address or 127.0.0.1)",
				containerName(r), external, text(ipValue)))
		}
	}
	return out
}

func checkRestart(r Resource) []string {
	restart := r.Properties.Get("restart")
	if restart.IsComputed() {
		return nil
	}
	if policy := text(restart); policy == "" || policy == "no" {
		return []string{fmt.Sprintf("%s: no restart policy, so it stays down after a crash or a reboot (fix: use unless-stopped, the container.Spec default)", containerName(r))}
	}
	return nil
}

func checkCapabilities(r Resource) []string {
	if exempt(PolicyCapabilities, r.Name, "") {
		return nil
	}
	drops := field(r.Properties, "capabilities", "drops")
	if drops.HasComputed() || containsFold(texts(drops), "ALL") {
		return nil
	}
	return []string{fmt.Sprintf("%s: keeps Docker's default capabilities (fix: drop ALL and add back only what it needs via CapAdd, or add an exception with its reason)", containerName(r))}
}

package config

import (
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/jiucom/jiucom-infra/components/validate"
)

// GatewaySettings shapes the service host's nginx API gateway.
type GatewaySettings struct {
	// TLS is the gateway's certificate, with the same shape and defaults as
	// nginx_mon's: certbot's files under CertDir, or a generated self-signed
	// one when none is given (dev).
	TLS TLS
}

// Redis persistence modes.
const (
	RedisAOF = "aof"
	RedisRDB = "rdb"
)

// RedisSettings shapes Redis.
type RedisSettings struct {
	Persistence string
}

// ExtraService is a container the user adds by config (Jenkins, n8n, …),
// built with the same container block and routed by the gateway.
type ExtraService struct {
	Name string
	Port int
	// Path is a route prefix such as /jenkins/; Host a server name. Exactly one is set.
	Path string
	Host string
	// Health is the docker healthcheck test, e.g. ["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:5678/healthz"].
	Health []string
	Env    map[string]string
	// Data is a container path kept on a retained named volume; empty for none.
	Data string
}

type rawGateway struct {
	TLS rawTLS `json:"tls"`
}

type rawRedis struct {
	Persistence *string `json:"persistence"`
}

type rawExtraService struct {
	Name      string            `json:"name"`
	Image     string            `json:"image"`
	Port      int               `json:"port"`
	Path      string            `json:"path"`
	Host      string            `json:"host"`
	Role      *string           `json:"role"`
	Resources *rawResources     `json:"resources"`
	Health    []string          `json:"health"`
	Env       map[string]string `json:"env"`
	Data      string            `json:"data"`
}

func parseGateway(r rawGateway, ps *Problems) GatewaySettings {
	return GatewaySettings{TLS: parseTLS(KeyGateway+".tls", Service, r.TLS, ps)}
}

func parseRedis(r rawRedis, ps *Problems) RedisSettings {
	s := RedisSettings{Persistence: withDefault(ps, KeyRedis+".persistence", r.Persistence, RedisAOF)}
	if s.Persistence != RedisAOF && s.Persistence != RedisRDB {
		ps.add(KeyRedis+".persistence", "use aof (append-only file, at most 1 s lost) or rdb (snapshots)", "unknown persistence %q", s.Persistence)
	}
	return s
}

var (
	// extraName becomes a container, volume and nginx upstream name.
	extraName  = regexp.MustCompile(`^[a-z][a-z0-9-]{0,30}[a-z0-9]$`)
	routeShape = regexp.MustCompile(`^/[a-z0-9][a-z0-9._-]*/$`)
)

// reservedPrefixes are the gateway's own routes.
var reservedPrefixes = []string{"/api/", "/grafana/", "/zipkin/", "/health/", "/.well-known/"}

// parseExtraServices validates the list and adds each service to the
// placement, image and resource tables, so it runs and is capacity-checked
// like any platform service.
func parseExtraServices(raw []rawExtraService, s *Stack, ps *Problems) []ExtraService {
	var out []ExtraService
	seenName, seenRoute := map[string]bool{}, map[string]bool{}
	for i, r := range raw {
		key := fmt.Sprintf("%s[%d]", KeyExtraServices, i)
		e := ExtraService{Name: r.Name, Port: r.Port, Path: r.Path, Host: r.Host, Health: r.Health, Env: r.Env, Data: r.Data}
		switch {
		case !extraName.MatchString(r.Name):
			ps.add(key+".name", "use lower-case letters, digits and dashes, e.g. jenkins", "%q is not a service name", r.Name)
		case s.Catalog.Known(r.Name) || seenName[r.Name]:
			ps.add(key+".name", "pick a name no platform or other extra service uses", "%q is taken", r.Name)
		}
		seenName[r.Name] = true
		if err := CheckPinnedImage(r.Image); err != nil {
			ps.add(key+".image", "pin a version tag such as jenkins/jenkins:2.479.2-lts", "%v", err)
		}
		checkPort(key+".port", r.Port, false, ps)
		checkExtraRoute(key, e, ps)
		if route := r.Path + r.Host; seenRoute[route] {
			ps.add(key, "give each extra service its own path or host", "route %q is used twice", route)
		} else {
			seenRoute[route] = true
		}
		if len(r.Health) < 2 || (r.Health[0] != "CMD" && r.Health[0] != "CMD-SHELL") {
			ps.add(key+".health", `give a docker healthcheck test, e.g. ["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:5678/healthz"]`, "missing or not a CMD/CMD-SHELL test")
		}
		if r.Data != "" && !path.IsAbs(r.Data) {
			ps.add(key+".data", "use the container path of its data, e.g. /var/jenkins_home", "%q is not an absolute path", r.Data)
		}
		role := Role(withDefault(ps, key+".role", r.Role, string(Service)))
		if _, ok := s.Hosts[role]; !ok {
			ps.add(key+".role", "use one of the hosts: "+hostList(s.Hosts), "unknown host %q", role)
		}
		if r.Resources == nil || r.Resources.CPU == nil || r.Resources.Memory == nil {
			ps.add(key+".resources", `give limits, e.g. {cpu: "1", memory: 1GB, cpuReservation: "0.25", memoryReservation: 512MB}`, "cpu and memory limits are required")
		} else {
			res := overrideResources(key+".resources", Resources{}, *r.Resources, ps)
			// Unset reservations default to a quarter of the limits.
			if r.Resources.CPUReservation == nil {
				res.CPUReservationMilli = res.CPULimitMilli / 4
			}
			if r.Resources.MemoryReservation == nil {
				res.MemoryReservationMiB = res.MemoryLimitMiB / 4
			}
			s.Resources[r.Name] = res
		}
		s.Placement[r.Name] = role
		s.Images[r.Name] = r.Image
		out = append(out, e)
	}
	return out
}

func checkExtraRoute(key string, e ExtraService, ps *Problems) {
	switch {
	case (e.Path == "") == (e.Host == ""):
		ps.add(key, "set exactly one of path (e.g. /jenkins/) or host (e.g. jenkins.example.com)", "needs one route")
	case e.Path != "" && !routeShape.MatchString(e.Path):
		ps.add(key+".path", "use one lower-case segment with both slashes, e.g. /jenkins/", "%q is not a route prefix", e.Path)
	case e.Path != "" && slices.ContainsFunc(reservedPrefixes, func(p string) bool { return strings.HasPrefix(e.Path, p) }):
		ps.add(key+".path", "pick a prefix the gateway does not own ("+strings.Join(reservedPrefixes, ", ")+")", "%q is reserved", e.Path)
	case e.Host != "" && validate.DNSName(e.Host) != nil:
		ps.add(key+".host", "use a lower-case DNS name such as jenkins.example.com", "%v", validate.DNSName(e.Host))
	}
}

// Extra returns the extra service of that name, if it is one.
func (s *Stack) Extra(name string) (ExtraService, bool) {
	for _, e := range s.Extras {
		if e.Name == name {
			return e, true
		}
	}
	return ExtraService{}, false
}

// optionFileUnsafe are characters a MySQL option file (my.cnf) cannot carry
// in a value that go-ini (mysqld-exporter) and the mysql client both read
// the same way.
const optionFileUnsafe = "\"'\\\n\r#;"

func checkOptionFileSecret(in Input, key string, ps *Problems) {
	if strings.ContainsAny(in.Values[key], optionFileUnsafe) {
		ps.add(key, fmt.Sprintf("generate one without quotes, backslashes, # or ;, e.g. openssl rand -base64 24 | tr -d '/+=\\n' | pulumi config set --secret %s -s %s", key, in.Stack),
			"contains a character a my.cnf option file cannot carry")
	}
}

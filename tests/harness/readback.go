package harness

import (
	"net/netip"
	"strconv"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// The provider read-back model: what the real providers (pulumi-docker
// 4.10.0, pulumi-command 1.2.1) store after a create, so a test can check
// that every input the program sends is read back unchanged, the offline
// form of `pulumi preview --expect-no-changes`. Each rule is one that a
// real engine showed, or that the provider's schema documents:
//   - command and entrypoint are optional-computed: when the program sends
//     none (or an empty list) the provider records the image's own CMD or
//     ENTRYPOINT, and the next preview sees the program deleting it.
//   - cpus is read back from NanoCpus in canonical form ("2", "0.5").
//   - memory, memorySwap and memoryReservation are stored in MB; without
//     memorySwap the engine reports twice the memory.
//   - healthcheck durations come back from nanoseconds as Go durations
//     ("10s", "1m30s"), so "90s" would differ from what is stored.
//   - a network's IPAM gateway is filled in by the engine (the subnet's
//     first address) when none is sent.
//   - a volume and a network get driver "local" / "bridge" when none is sent.
// Everything else the program sets is stored as sent.

// imageDefaults are the CMD and ENTRYPOINT the pinned images declare
// (`docker image inspect -f '{{json .Config.Cmd}} {{json .Config.Entrypoint}}'`).
// An image missing here is assumed to have a CMD, as nearly every image does,
// so sending an empty command for it is still caught.
var imageDefaults = map[string]struct{ Cmd, Entrypoint []string }{
	"mysql:8.0.40":                                               {[]string{"mysqld"}, []string{"docker-entrypoint.sh"}},
	"redis:7.4.1-alpine":                                         {[]string{"redis-server"}, []string{"docker-entrypoint.sh"}},
	"nginx:1.27.3-alpine":                                        {[]string{"nginx", "-g", "daemon off;"}, []string{"/docker-entrypoint.sh"}},
	"prom/prometheus:v3.0.1":                                     {[]string{"--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus"}, []string{"/bin/prometheus"}},
	"prom/alertmanager:v0.27.0":                                  {[]string{"--config.file=/etc/alertmanager/alertmanager.yml", "--storage.path=/alertmanager"}, []string{"/bin/alertmanager"}},
	"prom/blackbox-exporter:v0.25.0":                             {[]string{"--config.file=/etc/blackbox_exporter/config.yml"}, []string{"/bin/blackbox_exporter"}},
	"prom/node-exporter:v1.8.2":                                  {nil, []string{"/bin/node_exporter"}},
	"jiucom/backup:0.17.3-1":                                     {nil, nil}, // assets/backup/Dockerfile clears restic's entrypoint
	"certbot/certbot:v3.0.1":                                     {nil, []string{"certbot"}},
	"prom/pushgateway:v1.10.0":                                   {nil, []string{"/bin/pushgateway"}},
	"prom/mysqld-exporter:v0.16.0":                               {nil, []string{"/bin/mysqld_exporter"}},
	"oliver006/redis_exporter:v1.66.0-alpine":                    {nil, []string{"/redis_exporter"}},
	"gcr.io/cadvisor/cadvisor:v0.49.1":                           {nil, []string{"/usr/bin/cadvisor", "-logtostderr"}},
	"grafana/grafana:11.4.0":                                     {nil, []string{"/run.sh"}},
	"openzipkin/zipkin:3.4.2":                                    {nil, []string{"start-zipkin"}},
	"openzipkin/zipkin-dependencies:3.2.0":                       {nil, []string{"start-zipkin-dependencies"}},
	"docker.elastic.co/elasticsearch/elasticsearch:8.17.0":       {[]string{"eswrapper"}, []string{"/bin/tini", "--", "/usr/local/bin/docker-entrypoint.sh"}},
	"quay.io/prometheuscommunity/elasticsearch-exporter:v1.8.0":  {nil, []string{"/bin/elasticsearch_exporter"}},
	"quay.io/martinhelmich/prometheus-nginxlog-exporter:v1.11.0": {nil, []string{"/prometheus-nginxlog-exporter"}},
	// assets/app-stub, built by the dev stack.
	"jiucom/api-stub:dev-1": {[]string{"httpd", "-f", "-p", "8080", "-h", "/www", "-c", "/etc/httpd.conf"}, nil},
}

// unknownImageCmd stands for the CMD of an image the table does not list.
const unknownImageCmd = "<the image's own CMD>"

// ReadBack returns the state the real provider records for a resource
// created from inputs. image names the container's image (the RemoteImage
// it runs), "" for other types.
func ReadBack(typ string, inputs resource.PropertyMap, image string) resource.PropertyMap {
	state := inputs.Copy()
	switch typ {
	case "docker:index/container:Container":
		readBackContainer(state, image)
	case "docker:index/network:Network":
		setDefault(state, "driver", "bridge")
		var ipam []resource.PropertyValue
		for _, c := range Arr(state["ipamConfigs"]) {
			cfg := Obj(c).Copy()
			if Str(cfg["gateway"]) == "" {
				cfg["gateway"] = resource.NewProperty(firstAddress(Str(cfg["subnet"])))
			}
			ipam = append(ipam, resource.NewProperty(cfg))
		}
		if ipam != nil {
			state["ipamConfigs"] = resource.NewProperty(ipam)
		}
	case "docker:index/volume:Volume":
		setDefault(state, "driver", "local")
	}
	return state
}

func readBackContainer(state resource.PropertyMap, image string) {
	defaults, known := imageDefaults[image]
	for key, fromImage := range map[resource.PropertyKey][]string{"command": defaults.Cmd, "entrypoints": defaults.Entrypoint} {
		if len(Arr(state[key])) > 0 {
			continue
		}
		switch {
		case !known && key == "command":
			state[key] = strings2prop([]string{unknownImageCmd})
		case len(fromImage) > 0:
			state[key] = strings2prop(fromImage)
		}
	}
	if cpus := Str(state["cpus"]); cpus != "" {
		if f, err := strconv.ParseFloat(cpus, 64); err == nil {
			state["cpus"] = resource.NewProperty(strconv.FormatFloat(f, 'f', -1, 64))
		}
	}
	if mem := Num(state["memory"]); mem > 0 {
		if _, set := state["memorySwap"]; !set {
			state["memorySwap"] = resource.NewProperty(float64(2 * mem))
		}
	}
	if hc := Obj(state["healthcheck"]); len(hc) > 0 {
		hc = hc.Copy()
		for _, k := range []resource.PropertyKey{"interval", "timeout", "startPeriod", "startInterval"} {
			if d, err := time.ParseDuration(Str(hc[k])); err == nil {
				hc[k] = resource.NewProperty(d.String())
			}
		}
		state["healthcheck"] = resource.NewProperty(hc)
	}
}

func setDefault(state resource.PropertyMap, key resource.PropertyKey, value string) {
	if Str(state[key]) == "" {
		state[key] = resource.NewProperty(value)
	}
}

func strings2prop(ss []string) resource.PropertyValue {
	out := make([]resource.PropertyValue, len(ss))
	for i, s := range ss {
		out[i] = resource.NewProperty(s)
	}
	return resource.NewProperty(out)
}

// firstAddress is the engine's default gateway of a subnet: its first host
// address.
func firstAddress(cidr string) string {
	prefix, err := netip.ParsePrefix(cidr)
	if err != nil {
		return ""
	}
	return prefix.Masked().Addr().Next().String()
}

// KnowsImage reports whether the model has recorded an image's defaults.
func KnowsImage(ref string) bool {
	_, ok := imageDefaults[ref]
	return ok
}

package services

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/jiucom/jiucom-infra/assets"
	"github.com/jiucom/jiucom-infra/components/config"
	"github.com/jiucom/jiucom-infra/components/container"
)

// Where Elasticsearch keeps its scripts, request bodies and secrets, and
// the users the init step creates.
const (
	esScripts        = "/usr/local/lib/jiucom/elasticsearch/"
	esPasswordFile   = secretDir + "elastic-password"
	esCurlConfig     = secretDir + "elastic-curl.conf"
	esReady          = "/tmp/jiucom-elasticsearch-ready"
	esZipkinUser     = "zipkin"
	esExporterUser   = "exporter"
	esRetentionILM   = "zipkin-retention"
	esImageEntry     = "/usr/local/bin/docker-entrypoint.sh"
	esMaxHeapMiB     = 31 * 1024 // above ~31g the JVM loses compressed object pointers
	esOpenFilesLimit = 65535
	// esRepository is the snapshot repository's directory on the data
	// volume (path.repo): the backup container, which mounts that volume,
	// reads a snapshot there without a volume of its own, and ES's user
	// owns it already.
	esRepository = "/usr/share/elasticsearch/data/snapshots"
)

// durableTraces runs Elasticsearch, its exporter and the dependencies job
// only when Zipkin keeps traces there.
func durableTraces(cfg *config.Stack) bool { return cfg.Zipkin.Durable() }

// elasticsearch is Zipkin's span store with zipkin.storage elasticsearch:
// one node, security on (users and passwords; plain HTTP, as it is reached
// over the host's docker network or the LAN only), daily zipkin* indices
// deleted after zipkin.retention by an ILM policy. A file copy of a running
// node is not consistent, so the backup takes an ES snapshot into
// path.repo and backs that up; a restore goes through the snapshot API
// while the node runs.
var elasticsearch = Record{
	Name: config.Elasticsearch, Host: config.Monitoring,
	Image:         "docker.elastic.co/elasticsearch/elasticsearch:8.17.0",
	Resources:     res(1000, 250, 2048, 1024),
	Port:          9200,
	Data:          "/usr/share/elasticsearch/data",
	OnlineRestore: true,
	// Healthy once the init step has put the users and the ILM policy,
	// and while the cluster is at least yellow; the login comes from a
	// curl config file, never the command line.
	Health: Health{Test: []string{"CMD-SHELL", fmt.Sprintf("test -f %s && curl -fsS -K %s -o /dev/null 'http://127.0.0.1:9200/_cluster/health?wait_for_status=yellow&timeout=3s'", esReady, esCurlConfig)},
		StartPeriod: 180 * time.Second},
	When: durableTraces,
	Spec: elasticsearchSpec,
}

func elasticsearchSpec(e *Env, _ Instance) (container.Spec, error) {
	z := e.Cfg.Zipkin
	heap := min(e.Cfg.Resources[config.Elasticsearch].MemoryLimitMiB/2, esMaxHeapMiB)
	files, err := esScriptFiles()
	if err != nil {
		return container.Spec{}, err
	}
	bodies := map[string]any{
		// Zipkin puts its own index templates at start and writes daily
		// span and dependency indices; it needs nothing outside zipkin*.
		"zipkin-role.json": map[string]any{"cluster": []string{"monitor", "manage_index_templates"},
			"indices": []any{map[string]any{"names": []string{zipkinIndex + "*"}, "privileges": []string{"all"}}}},
		"exporter-role.json": map[string]any{"cluster": []string{"monitor"},
			"indices": []any{map[string]any{"names": []string{"*"}, "privileges": []string{"monitor"}}}},
		"ilm-policy.json": map[string]any{"policy": map[string]any{"phases": map[string]any{
			"delete": map[string]any{"min_age": fmt.Sprintf("%dd", z.RetentionDays), "actions": map[string]any{"delete": map[string]any{}}}}}},
		// A legacy template, as Zipkin's own are: legacy templates merge by
		// order, so this one adds the policy to what Zipkin puts. One node
		// holds no replica, so none is asked for (the cluster stays green).
		"zipkin-template.json": map[string]any{"index_patterns": []string{zipkinIndex + "*"}, "order": 10,
			"settings": map[string]any{"index.lifecycle.name": esRetentionILM, "index.number_of_replicas": 0}},
	}
	for _, name := range []string{"exporter-role.json", "ilm-policy.json", "zipkin-role.json", "zipkin-template.json"} {
		body, _ := json.Marshal(bodies[name]) // maps of strings and numbers always marshal
		files = append(files, container.File{Path: esScripts + name, Content: pulumi.String(body)})
	}
	files = append(files,
		container.File{Path: esPasswordFile, Content: z.ElasticPassword},
		esLogin(z),
		secretFile(secretDir+"zipkin-user.json", z.WriterPassword, func(p string) string { return esUser(p, "zipkin_writer") }),
		secretFile(secretDir+"exporter-user.json", z.ExporterPassword, func(p string) string { return esUser(p, "jiucom_monitor") }),
	)
	return container.Spec{
		Entrypoint: []string{"/bin/tini", "--", "/bin/bash", esScripts + "start.sh", esImageEntry},
		// Sent although it is the image's CMD: a new entrypoint clears it.
		Command: []string{"eswrapper"},
		Env: map[string]string{
			"discovery.type":                  "single-node",
			"cluster.name":                    "jiucom-traces",
			"xpack.security.enabled":          "true",
			"xpack.security.http.ssl.enabled": "false",
			"ingest.geoip.downloader.enabled": "false", // no download from the internet on a home box
			"path.repo":                       esRepository,
			"ES_JAVA_OPTS":                    fmt.Sprintf("-Xms%dm -Xmx%dm", heap, heap),
			"JIUCOM_ES_PASSWORD_PATH":         esPasswordFile,
			"JIUCOM_ES_DIR":                   esScripts,
			"JIUCOM_ES_SECRETS":               secretDir,
			"JIUCOM_ES_CURL":                  esCurlConfig,
			"JIUCOM_ES_READY":                 esReady,
		},
		Files: files,
		// The container has no swap (MemorySwap = Memory), so locking the
		// heap in memory (memlock) would buy nothing; open files are
		// raised to what Elasticsearch asks for.
		Ulimits:     []container.Ulimit{{Name: "nofile", Soft: esOpenFilesLimit, Hard: esOpenFilesLimit}},
		WaitTimeout: 300 * time.Second,
		StopGrace:   60 * time.Second,
	}, nil
}

func esScriptFiles() ([]container.File, error) {
	var files []container.File
	for _, script := range []string{"start.sh", "init.sh"} {
		content, err := assets.Elasticsearch.ReadFile("elasticsearch/" + script)
		if err != nil {
			return nil, fmt.Errorf("elasticsearch: %w", err)
		}
		files = append(files, container.File{Path: esScripts + script, Content: pulumi.String(content), Mode: "0555"})
	}
	return files, nil
}

// esUser is the body of a PUT _security/user: its password and roles.
func esUser(password string, roles ...string) string {
	body, _ := json.Marshal(map[string]any{"password": password, "roles": roles}) // strings always marshal
	return string(body)
}

// curlLogin is a curl config file (`curl -K`) with a basic-auth login, so
// the password is never on a command line.
func curlLogin(user, password string) string {
	quote := strings.NewReplacer(`\`, `\\`, `"`, `\"`)
	return fmt.Sprintf("user = \"%s:%s\"\n", quote.Replace(user), quote.Replace(password))
}

// esLogin is the curl config file with the elastic login, for the init
// step and the backup container alike.
func esLogin(z config.ZipkinSettings) container.File {
	return secretFile(esCurlConfig, z.ElasticPassword, func(p string) string { return curlLogin("elastic", p) })
}

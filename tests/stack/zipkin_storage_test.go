package stack_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jiucom/jiucom-infra/components/config"
	"github.com/jiucom/jiucom-infra/tests/harness"
)

// The services zipkin.storage elasticsearch adds.
var tracesStore = []string{config.Elasticsearch, config.ElasticsearchExporter, config.ZipkinDependencies}

var esInDev = map[string]string{config.KeyZipkin: `{"storage": "elasticsearch"}`}

// In memory (dev's default) nothing of Elasticsearch exists, and none of
// its secrets is asked for.
func TestZipkinInMemoryRunsNoElasticsearch(t *testing.T) {
	in, err := harness.StackInput("dev")
	require.NoError(t, err)
	for _, key := range []string{config.KeyElasticPassword, config.KeyZipkinElasticPassword, config.KeyElasticExporterPassword} {
		delete(in.Values, key)
	}
	rec, err := harness.Run("dev", in)
	require.NoError(t, err, "mem needs no Elasticsearch secret")
	for _, service := range tracesStore {
		cs, _ := containersOf(rec, service)
		assert.Empty(t, cs, service)
	}
	for _, v := range rec.OfType(volumeType) {
		assert.NotContains(t, v.Name, "elasticsearch")
	}
	env := envOf(only(t, rec, config.Zipkin))
	assert.Equal(t, "mem", env["STORAGE_TYPE"])
	for k := range env {
		assert.False(t, strings.HasPrefix(k, "ES_"), k)
	}
	_, components := containersOf(rec, config.Zipkin)
	for _, dep := range components[0].Dependencies {
		assert.NotContains(t, dep, "elasticsearch")
	}
}

// Elasticsearch is prod's default; dev turns it on with zipkin.storage.
// Either way: one node with security on, a heap of half its limit, the
// open-files limit, data on the retained volume, and the whole set read
// back unchanged (no diff on the next preview).
func TestElasticsearchContainer(t *testing.T) {
	for name, rec := range map[string]*harness.Recording{"prod": run(t, "prod"), "dev": runWith(t, "dev", esInDev)} {
		t.Run(name, func(t *testing.T) {
			es := only(t, rec, config.Elasticsearch)
			assert.Equal(t, "docker.elastic.co/elasticsearch/elasticsearch:8.17.0", imageOf(t, rec, es))
			assert.Equal(t, 2048, harness.Num(es.Inputs["memory"]))
			assert.Equal(t, 2048, harness.Num(es.Inputs["memorySwap"]), "no swap")
			assert.Equal(t, 1024, harness.Num(es.Inputs["memoryReservation"]))
			assert.Equal(t, "1", harness.Str(es.Inputs["cpus"]))
			env := envOf(es)
			assert.Equal(t, "-Xms1024m -Xmx1024m", env["ES_JAVA_OPTS"])
			assert.Equal(t, "single-node", env["discovery.type"])
			assert.Equal(t, "true", env["xpack.security.enabled"])
			password, ok := uploaded(es, env["JIUCOM_ES_PASSWORD_PATH"])
			assert.True(t, ok, "the elastic password is a file")
			assert.Equal(t, harness.TestSecrets[config.KeyElasticPassword], password)
			for k := range env {
				// The image's entrypoint takes any *_FILE as a secret file
				// of mode 0400/0600, which an upload it can read is not.
				assert.False(t, strings.HasSuffix(k, "_FILE"), k)
			}
			ulimits := map[string][2]int{}
			for _, u := range harness.Arr(es.Inputs["ulimits"]) {
				o := harness.Obj(u)
				ulimits[harness.Str(o["name"])] = [2]int{harness.Num(o["soft"]), harness.Num(o["hard"])}
			}
			assert.Equal(t, map[string][2]int{"nofile": {65535, 65535}}, ulimits)
			assert.Equal(t, "/usr/share/elasticsearch/data", mountOf(es, "jiucom-elasticsearch-data"))
			vol, ok := rec.Named(volumeType, engineOf(t, rec, es)+"-jiucom-elasticsearch-data")
			require.True(t, ok)
			assert.True(t, vol.Retain, "traces survive a destroy like every data volume")
			// Healthy only once the init step is done and the cluster is
			// at least yellow.
			health := strings.Join(strArr(harness.Obj(es.Inputs["healthcheck"])["tests"]), " ")
			assert.Contains(t, health, "test -f "+env["JIUCOM_ES_READY"])
			assert.Contains(t, health, "-K "+env["JIUCOM_ES_CURL"])
			assert.Contains(t, health, "_cluster/health?wait_for_status=yellow")

			assert.Empty(t, drift(rec), "properties that would show a diff on the next preview")
		})
	}
}

// The heap follows the limit, and never grows past 31g, where the JVM
// would lose compressed pointers.
func TestElasticsearchHeapIsHalfTheLimitCappedAt31g(t *testing.T) {
	for memory, want := range map[string]string{"4GiB": "-Xms2048m -Xmx2048m", "70GiB": "-Xms31744m -Xmx31744m"} {
		rec := runWith(t, "prod", map[string]string{config.KeyResources: `{"elasticsearch": {"memory": "` + memory + `"}}`})
		assert.Equal(t, want, envOf(only(t, rec, config.Elasticsearch))["ES_JAVA_OPTS"], memory)
	}
}

// No Elasticsearch password is in any variable, command line, entrypoint,
// healthcheck or label of the containers that use one: each is a file,
// and the file the image or wrapper reads is really uploaded.
func TestElasticsearchSecretsAreFilesOnly(t *testing.T) {
	rec := run(t, "prod")
	secrets := []string{harness.TestSecrets[config.KeyElasticPassword], harness.TestSecrets[config.KeyZipkinElasticPassword], harness.TestSecrets[config.KeyElasticExporterPassword]}
	for _, service := range append(slices.Clone(tracesStore), config.Zipkin) {
		c := only(t, rec, service)
		var visible []string
		for _, key := range []resource.PropertyKey{"envs", "command", "entrypoints"} {
			visible = append(visible, strArr(c.Inputs[key])...)
		}
		visible = append(visible, strArr(harness.Obj(c.Inputs["healthcheck"])["tests"])...)
		for _, v := range harness.Obj(c.Inputs["labels"]) {
			visible = append(visible, harness.Str(v))
		}
		for _, v := range visible {
			for _, s := range secrets {
				assert.NotContains(t, v, s, service)
			}
		}
		for k := range envOf(c) {
			assert.False(t, strings.Contains(k, "PASSWORD") && !strings.HasSuffix(k, "_FILE") && !strings.HasSuffix(k, "_PATH"), "%s: %s names no file", service, k)
		}
	}
	// The wrappers read the password from their first argument.
	for service, file := range map[string]string{config.ElasticsearchExporter: "/run/secrets/elasticsearch-exporter-password", config.ZipkinDependencies: "/run/secrets/zipkin-elasticsearch-password"} {
		c := only(t, rec, service)
		entry := strArr(c.Inputs["entrypoints"])
		require.GreaterOrEqual(t, len(entry), 4, service)
		assert.Equal(t, []string{"/bin/sh", "-c"}, entry[:2], service)
		assert.Contains(t, entry[2], `ES_PASSWORD="$(cat "$0")"`, service)
		assert.Equal(t, file, entry[3], service)
		_, ok := uploaded(c, file)
		assert.True(t, ok, "%s: its password file is uploaded", service)
	}
	creds, ok := uploaded(only(t, rec, config.Zipkin), envOf(only(t, rec, config.Zipkin))["ES_CREDENTIALS_FILE"])
	require.True(t, ok)
	assert.Equal(t, "zipkin.storage.elasticsearch.username=zipkin\nzipkin.storage.elasticsearch.password="+harness.TestSecrets[config.KeyZipkinElasticPassword]+"\n", creds)
	curl, ok := uploaded(only(t, rec, config.Elasticsearch), "/run/secrets/elastic-curl.conf")
	require.True(t, ok)
	assert.Equal(t, `user = "elastic:`+harness.TestSecrets[config.KeyElasticPassword]+`"`+"\n", curl)
}

// Zipkin starts after Elasticsearch is healthy and writes daily indices
// into it as its own user; the exporter and the dependencies job wait for
// it too.
func TestZipkinWritesToElasticsearchAfterItIsHealthy(t *testing.T) {
	rec := run(t, "prod")
	es := only(t, rec, config.Elasticsearch)
	for _, service := range []string{config.Zipkin, config.ElasticsearchExporter, config.ZipkinDependencies} {
		_, components := containersOf(rec, service)
		require.Len(t, components, 1)
		assert.True(t, harness.DependsOn(components[0], es), "%s starts after Elasticsearch", service)
	}
	env := envOf(only(t, rec, config.Zipkin))
	assert.Equal(t, map[string]string{"STORAGE_TYPE": "elasticsearch", "ES_HOSTS": "http://jiucom-elasticsearch:9200", "ES_INDEX": "zipkin",
		"ES_INDEX_SHARDS": "1", "ES_INDEX_REPLICAS": "0", "ES_CREDENTIALS_FILE": "/run/secrets/zipkin-elasticsearch.properties"},
		map[string]string{"STORAGE_TYPE": env["STORAGE_TYPE"], "ES_HOSTS": env["ES_HOSTS"], "ES_INDEX": env["ES_INDEX"],
			"ES_INDEX_SHARDS": env["ES_INDEX_SHARDS"], "ES_INDEX_REPLICAS": env["ES_INDEX_REPLICAS"], "ES_CREDENTIALS_FILE": env["ES_CREDENTIALS_FILE"]})

	exporter := only(t, rec, config.ElasticsearchExporter)
	assert.Contains(t, strArr(exporter.Inputs["command"]), "--es.uri=http://jiucom-elasticsearch:9200")
	assert.Equal(t, "exporter", envOf(exporter)["ES_USERNAME"])

}

// Elasticsearch is backed up through its snapshot API: path.repo is a
// directory on its data volume, which the backup container on its engine
// mounts; that container reaches the node by name and logs in as elastic
// from an uploaded curl config, never from its environment.
func TestElasticsearchIsBackedUpThroughSnapshots(t *testing.T) {
	rec := run(t, "prod")
	es := only(t, rec, config.Elasticsearch)
	repo := envOf(es)["path.repo"]
	require.Equal(t, "/usr/share/elasticsearch/data/snapshots", repo)
	var data string
	for _, v := range harness.Arr(es.Inputs["volumes"]) {
		if o := harness.Obj(v); harness.Str(o["volumeName"]) == "jiucom-elasticsearch-data" {
			data = harness.Str(o["containerPath"])
		}
	}
	require.NotEmpty(t, data)
	assert.True(t, strings.HasPrefix(repo, data+"/"), "path.repo %s is on the data volume at %s", repo, data)

	require.Contains(t, rec.Platform.Backups, config.Elasticsearch)
	target := rec.Platform.Backups[config.Elasticsearch]
	require.Len(t, target, 1)
	assert.True(t, target[0].Online, "restored while it runs: make restore stops nothing")
	var backup harness.Resource
	for _, c := range rec.OfType(containerType) {
		if service(c) == "backup" && engineOf(t, rec, c) == engineOf(t, rec, es) {
			backup = c
		}
	}
	require.Equal(t, target[0].Backup, harness.Str(backup.Inputs["name"]), "the backup container on Elasticsearch's engine")
	env := envOf(backup)
	assert.Contains(t, strings.Fields(env["BACKUP_SERVICES"]), config.Elasticsearch)
	assert.Equal(t, "http://jiucom-elasticsearch:9200", env["ELASTICSEARCH_URL"])
	assert.Equal(t, repo, env["ELASTICSEARCH_REPO"])
	mounts := map[string]string{}
	for _, v := range harness.Arr(backup.Inputs["volumes"]) {
		o := harness.Obj(v)
		mounts[harness.Str(o["volumeName"])] = harness.Str(o["containerPath"])
	}
	volume, ok := mounts["jiucom-elasticsearch-data"]
	require.True(t, ok, "the backup container mounts Elasticsearch's volume")
	assert.Equal(t, volume+strings.TrimPrefix(repo, data), env["ELASTICSEARCH_REPO_DATA"], "the same directory, seen from the backup container")
	login, ok := uploaded(backup, env["ELASTICSEARCH_CURL"])
	require.True(t, ok, "the login is an uploaded file")
	password := harness.TestSecrets[config.KeyElasticPassword]
	require.NotEmpty(t, password)
	assert.Equal(t, `user = "elastic:`+password+`"`+"\n", login)
	for k, v := range env {
		assert.NotContains(t, v, password, k)
	}
	assert.NotContains(t, strings.Join(strArr(backup.Inputs["command"]), " "), password)
}

// The dependencies job runs its loop as the zipkin user against the same
// Elasticsearch, and the loop's script is the one uploaded.
func TestZipkinDependenciesRunsDaily(t *testing.T) {
	rec := run(t, "prod")
	c := only(t, rec, config.ZipkinDependencies)
	env := envOf(c)
	assert.Equal(t, "elasticsearch", env["STORAGE_TYPE"])
	assert.Equal(t, "http://jiucom-elasticsearch:9200", env["ES_HOSTS"])
	assert.Equal(t, "zipkin", env["ES_USERNAME"])
	assert.Regexp(t, `^([01][0-9]|2[0-3]):[0-5][0-9]$`, env["DEPENDENCIES_AT"])
	assert.Equal(t, "-Xms384m -Xmx768m -XX:+ExitOnOutOfMemoryError", env["JAVA_OPTS"], "the heap inside the 1024MiB limit")
	command := strArr(c.Inputs["command"])
	require.Len(t, command, 1)
	script, ok := uploaded(c, command[0])
	require.True(t, ok, "the loop is uploaded")
	want, err := os.ReadFile(filepath.Join(harness.Root(), "assets", "zipkin", "dependencies.sh"))
	require.NoError(t, err)
	assert.Equal(t, string(want), script)
	assert.Equal(t, 1024, harness.Num(c.Inputs["memory"]))
}

// The init step installs what each request names: every body init.sh
// sends is uploaded, the ILM policy deletes after zipkin.retention, and the
// template attaches that policy to every index Zipkin writes.
func TestElasticsearchInitInstallsRetentionAndUsers(t *testing.T) {
	for retention, want := range map[string]string{"": "7d", "30d": "30d"} {
		values := map[string]string{}
		if retention != "" {
			values[config.KeyZipkin] = `{"retention": "` + retention + `"}`
		}
		es := only(t, runWith(t, "prod", values), config.Elasticsearch)
		env := envOf(es)
		init, ok := uploaded(es, env["JIUCOM_ES_DIR"]+"init.sh")
		require.True(t, ok)
		bodies := regexp.MustCompile(`put (\S+) "\$(dir|JIUCOM_ES_SECRETS)/([^"]+)"`).FindAllStringSubmatch(init, -1)
		require.Len(t, bodies, 6)
		sent := map[string]map[string]any{}
		for _, b := range bodies {
			dir := env["JIUCOM_ES_DIR"]
			if b[2] == "JIUCOM_ES_SECRETS" {
				dir = env["JIUCOM_ES_SECRETS"]
			}
			content, ok := uploaded(es, dir+b[3])
			require.True(t, ok, "%s's body %s is uploaded", b[1], b[3])
			var body map[string]any
			require.NoError(t, json.Unmarshal([]byte(content), &body), b[3])
			sent[b[1]] = body
		}
		policy := sent["_ilm/policy/zipkin-retention"]["policy"].(map[string]any)["phases"].(map[string]any)["delete"].(map[string]any)
		assert.Equal(t, want, policy["min_age"])
		template := sent["_template/jiucom-zipkin-retention"]
		assert.Equal(t, []any{"zipkin*"}, template["index_patterns"])
		assert.Equal(t, "zipkin-retention", template["settings"].(map[string]any)["index.lifecycle.name"])
		assert.Equal(t, []any{"zipkin_writer"}, sent["_security/user/zipkin"]["roles"])
		assert.Equal(t, harness.TestSecrets[config.KeyZipkinElasticPassword], sent["_security/user/zipkin"]["password"])
		assert.Equal(t, []any{"jiucom_monitor"}, sent["_security/user/exporter"]["roles"])
		// Zipkin's user reaches its own indices only.
		role := sent["_security/role/zipkin_writer"]["indices"].([]any)[0].(map[string]any)
		assert.Equal(t, []any{"zipkin*"}, role["names"])
	}
}

func imageOf(t *testing.T, rec *harness.Recording, c harness.Resource) string {
	t.Helper()
	parent, ok := rec.ByURN(c.Parent)
	require.True(t, ok)
	for _, img := range rec.OfType("docker:index/remoteImage:RemoteImage") {
		if img.Parent == parent.URN {
			return harness.Str(img.Inputs["name"])
		}
	}
	return ""
}

func mountOf(c harness.Resource, volume string) string {
	for _, v := range harness.Arr(c.Inputs["volumes"]) {
		if o := harness.Obj(v); harness.Str(o["volumeName"]) == volume {
			return harness.Str(o["containerPath"])
		}
	}
	return ""
}

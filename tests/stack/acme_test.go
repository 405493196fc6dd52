package stack_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jiucom/jiucom-infra/assets"
	"github.com/jiucom/jiucom-infra/components/config"
	"github.com/jiucom/jiucom-infra/tests/harness"
)

const (
	acmeService     = "acme"
	acmeScript      = "/usr/local/lib/jiucom/acme/acme.sh"
	acmeRequest     = "/usr/local/lib/jiucom/acme/reload-request.sh"
	acmeWatcherHook = "/docker-entrypoint.d/40-jiucom-acme-reload.sh"
	selfSignedType  = "jiucom:tlscert:SelfSigned"
	textfileFlag    = "--collector.textfile.directory=/host/var/lib/jiucom/node-exporter"
)

// mount is one entry of a container's volumes: a volume or a host path.
type mount struct {
	source   string
	readOnly bool
}

func mountsOf(c harness.Resource) map[string]mount {
	out := map[string]mount{}
	for _, v := range harness.Arr(c.Inputs["volumes"]) {
		o := harness.Obj(v)
		source := harness.Str(o["volumeName"]) + harness.Str(o["hostPath"])
		out[harness.Str(o["containerPath"])] = mount{source, harness.Bool(o["readOnly"])}
	}
	return out
}

func uploadMode(c harness.Resource, path string) string {
	for _, u := range harness.Arr(c.Inputs["uploads"]) {
		if harness.Str(harness.Obj(u)["file"]) == path {
			return harness.Str(harness.Obj(u)["permissions"])
		}
	}
	return ""
}

// acmeClients are the stack's ACME containers by the certificate they keep.
func acmeClients(t *testing.T, rec *harness.Recording) map[string]harness.Resource {
	t.Helper()
	cs, _ := containersOf(rec, acmeService)
	out := map[string]harness.Resource{}
	for _, c := range cs {
		out[envOf(c)["ACME_CERT_NAME"]] = c
	}
	require.Len(t, out, len(cs), "one certificate name per client")
	return out
}

// prod runs one ACME client beside each home nginx, on its host, for the
// names the edge routes there, against Let's Encrypt, twice a day.
func TestProdRunsAnACMEClientBesideEachTLSNginx(t *testing.T) {
	rec := run(t, "prod")
	clients := acmeClients(t, rec)
	want := map[string]struct{ host, names, container string }{
		config.NginxMon: {"monitoring", "grafana.jiucom.example", "jiucom-acme-nginx-mon"},
		config.Gateway:  {"service", "api.jiucom.example", "jiucom-acme-gateway"},
	}
	require.Len(t, clients, len(want))
	for nginx, w := range want {
		c, ok := clients[nginx]
		require.True(t, ok, "an ACME client for %s", nginx)
		assert.Equal(t, w.container, harness.Str(c.Inputs["name"]))
		assert.Equal(t, w.host, engineOf(t, rec, c), "beside its nginx")
		assert.Equal(t, engineOf(t, rec, only(t, rec, nginx)), engineOf(t, rec, c))
		env := envOf(c)
		assert.Equal(t, w.names, env["ACME_NAMES"])
		assert.Equal(t, config.ACMEProduction, env["ACME_DIRECTORY"])
		assert.Equal(t, "ops@jiucom.example", env["ACME_EMAIL"])
		assert.Equal(t, "43200", env["ACME_INTERVAL"], "renewal is checked twice a day")
		assert.Equal(t, "3600", env["ACME_RETRY_INTERVAL"])
		assert.Equal(t, "/var/lib/acme/"+nginx, env["ACME_CONFIG_DIR"])
		assert.Equal(t, "/etc/letsencrypt/live", env["ACME_DEPLOY_DIR"])
		assert.Equal(t, "sh "+acmeRequest, env["ACME_RELOAD_COMMAND"])
		assert.NotContains(t, env, "REQUESTS_CA_BUNDLE", "the image's roots for Let's Encrypt")

		assert.Equal(t, []string{"sh", acmeScript, "loop"}, strArr(c.Inputs["entrypoints"]), "the image's entrypoint is certbot")
		assert.Empty(t, strArr(c.Inputs["command"]), "no command: the image has no CMD to fall back to")
		script, ok := uploaded(c, acmeScript)
		require.True(t, ok)
		assert.Equal(t, assets.ACME, script)
		request, ok := uploaded(c, acmeRequest)
		require.True(t, ok)
		assert.Equal(t, assets.ACMEReloadRequest, request)

		client := strings.TrimPrefix(w.container, "jiucom-")
		assert.Equal(t, map[string]mount{
			"/etc/letsencrypt":        {"jiucom-" + client + "-certs", false},
			"/run/jiucom/acme-reload": {"jiucom-" + client + "-reload", false},
			"/var/lib/acme":           {"jiucom-acme-data", false},
			"/var/www/acme":           {"/var/www/acme", false},
			"/textfile":               {"/var/lib/jiucom/node-exporter", false},
		}, mountsOf(c), "no docker socket: the reload goes through the handshake volume")
		assert.Equal(t, "/textfile", env["ACME_TEXTFILE_DIR"])
		assert.Equal(t, []string{"CMD-SHELL", `test -s "$ACME_DEPLOY_DIR/$ACME_CERT_NAME/fullchain.pem"`},
			strArr(harness.Obj(c.Inputs["healthcheck"])["tests"]), "healthy once the placeholder is there")
		image, ok := rec.Named("docker:index/remoteImage:RemoteImage", client+"-image")
		require.True(t, ok)
		assert.Equal(t, "certbot/certbot:v3.0.1", harness.Str(image.Inputs["name"]))
	}
	// Each host's node-exporter reads the clients' metrics.
	agents, _ := containersOf(rec, config.NodeExporter)
	for _, a := range agents {
		assert.Contains(t, strArr(a.Inputs["command"]), textfileFlag, a.Name)
	}
}

// The home nginx reads the client's pair from the shared volume, starts
// after it (so the placeholder is there), and runs the watcher that answers
// its reload requests; no certificate is generated.
func TestHomeNginxUsesItsACMEClientsCertificate(t *testing.T) {
	rec := run(t, "prod")
	clients := acmeClients(t, rec)
	for _, nginx := range []string{config.NginxMon, config.Gateway} {
		c := only(t, rec, nginx)
		client := "acme-" + nginx
		m := mountsOf(c)
		assert.Equal(t, mount{"jiucom-" + client + "-certs", true}, m["/etc/letsencrypt"], "%s reads the certificates", nginx)
		assert.Equal(t, mount{"jiucom-" + client + "-reload", false}, m["/run/jiucom/acme-reload"], "%s answers in the handshake", nginx)
		watcher, ok := uploaded(c, acmeWatcherHook)
		require.True(t, ok, "%s: the nginx image's entrypoint starts the watcher", nginx)
		assert.Equal(t, assets.ACMEReloadWatcher, watcher)
		assert.Equal(t, "0555", uploadMode(c, acmeWatcherHook), "the entrypoint runs only executable hooks")
		assert.Empty(t, strArr(c.Inputs["entrypoints"]), "%s keeps the image's entrypoint", nginx)
		assert.Empty(t, strArr(c.Inputs["command"]), "%s keeps the image's command", nginx)

		_, components := containersOf(rec, nginx)
		for cert, client := range clients {
			assert.Equal(t, cert == nginx, harness.DependsOn(components[0], client),
				"%s starts after its own ACME client, and waits for no other host's", nginx)
		}
		conf, ok := uploaded(c, "/etc/nginx/nginx.conf")
		require.True(t, ok)
		assert.Contains(t, conf, "ssl_certificate /etc/letsencrypt/live/"+nginx+"/fullchain.pem;")
		assert.Contains(t, conf, "ssl_certificate_key /etc/letsencrypt/live/"+nginx+"/privkey.pem;")
		assert.Contains(t, conf, "location /.well-known/acme-challenge/ {")
	}
	assert.Contains(t, gatewayConf(t, rec), "return 301 https://$host$request_uri;", "a real certificate: plain HTTP redirects")
	assert.Empty(t, rec.OfType(selfSignedType), "no generated certificate")
	for _, v := range rec.OfType(volumeType) {
		assert.True(t, v.Retain, "%s is retained like the other volumes", v.Name)
	}
}

func TestDevRunsNoACMEClientByDefault(t *testing.T) {
	rec := run(t, "dev")
	cs, _ := containersOf(rec, acmeService)
	assert.Empty(t, cs)
	assert.Len(t, rec.OfType(selfSignedType), 2, "nginx_mon and the gateway generate theirs")
	agents, _ := containersOf(rec, config.NodeExporter)
	for _, a := range agents {
		assert.NotContains(t, strArr(a.Inputs["command"]), textfileFlag)
	}
}

// Enabled in dev (a private CA): one client per home nginx on the one
// engine, each with its own volumes and state directory, the CA bundle as
// a file, and a second `up` that changes nothing.
func TestDevWithACMEEnabled(t *testing.T) {
	bundle := harness.CABundle(t)
	raw, err := json.Marshal(map[string]any{"enabled": true, "directory": "https://ca.jiucom.localhost:14000/dir", "caBundle": bundle})
	require.NoError(t, err)
	rec := runWith(t, "dev", map[string]string{config.KeyACME: string(raw)})
	clients := acmeClients(t, rec)
	require.Len(t, clients, 2)
	var volumes, dirs []string
	for nginx, c := range clients {
		env := envOf(c)
		assert.Equal(t, "https://ca.jiucom.localhost:14000/dir", env["ACME_DIRECTORY"])
		assert.NotContains(t, env, "ACME_EMAIL", "no contact unless given")
		path := env["REQUESTS_CA_BUNDLE"]
		content, ok := uploaded(c, path)
		require.True(t, ok, "the CA bundle is a file")
		assert.Equal(t, bundle, content)
		for k, v := range env {
			assert.NotContains(t, v, "BEGIN CERTIFICATE", k)
		}
		for _, v := range strArr(c.Inputs["entrypoints"]) {
			assert.NotContains(t, v, "BEGIN CERTIFICATE")
		}
		volumes = append(volumes, mountsOf(c)["/etc/letsencrypt"].source, mountsOf(c)["/run/jiucom/acme-reload"].source)
		dirs = append(dirs, env["ACME_CONFIG_DIR"])
		assert.Equal(t, mount{"jiucom-acme-data", false}, mountsOf(c)["/var/lib/acme"], nginx)
	}
	slices.Sort(volumes)
	assert.Len(t, slices.Compact(volumes), 4, "each pair its own certificates and handshake")
	assert.NotEqual(t, dirs[0], dirs[1], "certbot locks its state directory")
	assert.Equal(t, "grafana.jiucom.localhost", envOf(clients[config.NginxMon])["ACME_NAMES"])
	assert.Equal(t, "api.jiucom.localhost", envOf(clients[config.Gateway])["ACME_NAMES"])
	assert.Empty(t, rec.OfType(selfSignedType))
	assert.Empty(t, drift(rec), "a second up changes nothing")
}

// The ACME clients carry no secret: not in the environment, labels or
// entrypoint.
func TestACMEClientsCarryNoSecret(t *testing.T) {
	rec := run(t, "prod")
	for _, c := range acmeClients(t, rec) {
		var plain []string
		plain = append(plain, strArr(c.Inputs["envs"])...)
		plain = append(plain, strArr(c.Inputs["entrypoints"])...)
		for _, l := range harness.Arr(c.Inputs["labels"]) {
			plain = append(plain, harness.Str(harness.Obj(l)["value"]))
		}
		for _, s := range harness.TestSecrets {
			for _, p := range plain {
				assert.NotContains(t, p, s, c.Name)
			}
		}
	}
}

package monitoring_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	am "github.com/jiucom/jiucom-infra/components/alertmanager"
	"github.com/jiucom/jiucom-infra/components/config"
	gf "github.com/jiucom/jiucom-infra/components/grafana"
	"github.com/jiucom/jiucom-infra/components/nginxmon"
	prom "github.com/jiucom/jiucom-infra/components/prometheus"
	"github.com/jiucom/jiucom-infra/components/tlscert"
	"github.com/jiucom/jiucom-infra/tests/tooltest"
)

// writeFile writes content under dir and returns its path.
func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
	return p
}

// Alertmanager's own checker accepts the generated config, with and without
// receivers; the credential files it names are uploaded next to it.
func TestAlertmanagerConfigPassesAmtool(t *testing.T) {
	amtool := tooltest.Require(t, "amtool")
	for _, stackName := range []string{"dev", "prod"} {
		rec := runStack(t, stackName, nil)
		files := uploads(containerOf(t, rec, config.Alertmanager))
		dir := t.TempDir()
		text := files[am.ConfigPath]
		for _, secret := range []string{am.SlackWebhookPath, am.SMTPPasswordPath} {
			if strings.Contains(text, secret) {
				assert.Contains(t, files, secret, "%s: %s is uploaded", stackName, secret)
				text = strings.ReplaceAll(text, secret, writeFile(t, dir, filepath.Base(secret), files[secret]))
			}
		}
		out, err := exec.Command(amtool, "check-config", writeFile(t, dir, "alertmanager.yml", text)).CombinedOutput()
		require.NoError(t, err, "%s:\n%s\n%s", stackName, out, text)
		assert.Contains(t, text, "receiver: default")
		if stackName == "prod" {
			assert.Contains(t, string(out), "3 receivers", "default, slack and email")
		}
	}
}

// The blackbox exporter loads the generated modules (--config.check).
func TestBlackboxConfigPassesTheExporter(t *testing.T) {
	exporter := tooltest.Require(t, "prometheus-blackbox-exporter")
	for _, stackName := range []string{"dev", "prod"} {
		text := uploaded(t, runStack(t, stackName, nil), config.BlackboxExporter, prom.BlackboxConfigPath)
		path := writeFile(t, t.TempDir(), "blackbox.yml", text)
		out, err := exec.Command(exporter, "--config.file="+path, "--config.check").CombinedOutput()
		require.NoError(t, err, "%s:\n%s\n%s", stackName, out, text)
	}
}

var serverNames = regexp.MustCompile(`(?m)server_name [^;#]+;`)

// nginxTest runs `nginx -t` on a config in a private prefix.
func nginxTest(t *testing.T, conf string) (string, error) {
	t.Helper()
	bin := tooltest.Require(t, "nginx")
	dir := t.TempDir()
	path := writeFile(t, dir, "nginx.conf", conf)
	out, err := exec.Command(bin, "-p", dir, "-e", filepath.Join(dir, "error.log"), "-g", "pid "+filepath.Join(dir, "nginx.pid")+";", "-t", "-c", path).CombinedOutput()
	return string(out), err
}

// testCert writes a real self-signed certificate for nginx to load.
func testCert(t *testing.T, names ...string) (certPath, keyPath string) {
	t.Helper()
	tooltest.Require(t, "openssl")
	out, err := exec.Command("/bin/sh", "-c", tlscert.Command(tlscert.Args{DNSNames: names})).Output()
	require.NoError(t, err)
	cert, key, err := tlscert.Split(string(out))
	require.NoError(t, err)
	dir := t.TempDir()
	return writeFile(t, dir, "cert.pem", cert), writeFile(t, dir, "key.pem", key)
}

// The nginx_mon config the stack uploads passes nginx -t, in dev (behind
// the edge container) and prod (behind the gcp edge, the ACME client's
// certificate paths). Only what nginx -t needs from the machine is rewritten: the
// certificate files and the Grafana upstream's name.
func TestNginxMonConfigPassesNginxT(t *testing.T) {
	cert, key := testCert(t, "grafana.jiucom.example")
	for _, stackName := range []string{"dev", "prod"} {
		text := uploaded(t, runStack(t, stackName, nil), config.NginxMon, nginxmon.ConfigPath)
		assert.Contains(t, text, "ssl proxy_protocol", "%s: behind the edge", stackName)
		assert.Contains(t, text, "real_ip_header proxy_protocol;")
		assert.Regexp(t, `set_real_ip_from \S+;`, text, "%s: trusts the edge only", stackName)
		assert.Len(t, serverNames.FindAllString(text, -1), 1, "%s: one server_name per name", stackName)
		for _, p := range []string{nginxmon.GeneratedCertPath, "/etc/letsencrypt/live/nginx-mon/fullchain.pem"} {
			text = strings.ReplaceAll(text, p, cert)
		}
		for _, p := range []string{nginxmon.GeneratedKeyPath, "/etc/letsencrypt/live/nginx-mon/privkey.pem"} {
			text = strings.ReplaceAll(text, p, key)
		}
		text = strings.ReplaceAll(text, "server jiucom-grafana:3000;", "server 127.0.0.1:3000;")
		out, err := nginxTest(t, text)
		require.NoError(t, err, "%s:\n%s\n%s", stackName, out, text)
	}
}

// Without an edge the TLS listener takes plain TLS, and still passes nginx -t.
func TestNginxMonWithoutEdgePassesNginxT(t *testing.T) {
	cert, key := testCert(t, "grafana.example.com")
	text, err := nginxmon.Render(nginxmon.Args{
		Names: []string{"grafana.example.com", "dashboards.example.com"}, Listen: nginxmon.DefaultListen,
		RealIP: "real_ip_header proxy_protocol;\n", HTTPRealIP: "real_ip_header X-Real-IP;\n",
		Grafana: "127.0.0.1:3000", CertPath: cert, KeyPath: key,
	})
	require.NoError(t, err)
	assert.NotContains(t, text, "proxy_protocol;\n        server_name")
	assert.Equal(t, []string{"server_name grafana.example.com;", "server_name dashboards.example.com;"}, serverNames.FindAllString(text, -1), "one name per server block")
	out, err := nginxTest(t, text)
	require.NoError(t, err, "%s\n%s", out, text)
}

// The start wrapper resets the admin password only when the secret file's
// content changed since the last start, and never on first boot. A stub
// grafana records what the real CLI would have been asked.
func TestGrafanaStartWrapperResetsOnlyOnAChangedSecret(t *testing.T) {
	files, err := gf.Files(gf.Args{PrometheusURL: "http://p:9090", ZipkinURL: "http://z:9411", ScrapeInterval: "15s"})
	require.NoError(t, err)
	dir := t.TempDir()
	script := writeFile(t, dir, "start.sh", files[gf.StartScriptPath])
	bin := filepath.Join(dir, "bin")
	require.NoError(t, os.Mkdir(bin, 0o755))
	calls := filepath.Join(dir, "calls")
	require.NoError(t, os.WriteFile(filepath.Join(bin, "grafana"), []byte("#!/bin/sh\necho \"$* stdin=$(cat)\" >> "+calls+"\n"), 0o755))
	data := filepath.Join(dir, "data")
	require.NoError(t, os.Mkdir(data, 0o755))
	secret := filepath.Join(dir, "secret")
	start := func(password string) string {
		require.NoError(t, os.WriteFile(secret, []byte(password), 0o600))
		cmd := exec.Command("/bin/sh", script, "echo", "started")
		cmd.Env = append(os.Environ(), "PATH="+bin+":"+os.Getenv("PATH"), "GF_SECURITY_ADMIN_PASSWORD__FILE="+secret,
			"GF_PATHS_DATA="+data, "GF_PATHS_HOME=/usr/share/grafana", "GF_PATHS_CONFIG=/etc/grafana/grafana.ini")
		out, err := cmd.Output()
		require.NoError(t, err)
		assert.Equal(t, "started\n", string(out), "the image's entrypoint runs after the wrapper")
		recorded, _ := os.ReadFile(calls)
		return string(recorded)
	}
	assert.Empty(t, start("first"), "first boot: Grafana creates the admin from the secret itself")
	require.NoError(t, os.WriteFile(filepath.Join(data, "grafana.db"), nil, 0o600))
	assert.Empty(t, start("first"), "same secret: no reset")
	assert.Equal(t, "cli --homepath /usr/share/grafana --config /etc/grafana/grafana.ini admin reset-admin-password --password-from-stdin stdin=second\n",
		start("second"), "changed secret: reset from the file, not the command line")
	assert.Equal(t, 1, strings.Count(start("second"), "reset-admin-password"), "applied once")
}

package acme_test

import (
	"crypto/tls"
	"crypto/x509"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/jiucom/jiucom-infra/assets"
	"github.com/jiucom/jiucom-infra/components/edge"
	"github.com/jiucom/jiucom-infra/components/homenginx"
	"github.com/jiucom/jiucom-infra/components/nginxmon"
	"github.com/jiucom/jiucom-infra/tests/nginxtest"
	"github.com/jiucom/jiucom-infra/tests/tooltest"
)

// Loopback stands in for the three parties: the DNS responder sends pebble
// to the edge on edgeIP (which is also the address the edge reaches home
// from), and clients connect from clientIP.
const (
	edgeIP   = "127.0.0.1"
	clientIP = "127.0.0.2"
	certName = "nginx-mon"
	routed   = "acme.jiucom.test"
	routed2  = "grafana.jiucom.test"
	unrouted = "unrouted.jiucom.test"
)

// platform is the real chain on loopback: pebble and its DNS, the rendered
// edge relaying :80 and :443, and the rendered nginx_mon behind it reading
// the certificate the ACME script deploys.
type platform struct {
	acme                                    acmeServer
	edgeTLS                                 string
	script                                  string
	configDir, deployDir, textfile, webroot string
	// reload is ACME_RELOAD_COMMAND; reloadDir the directory it shares
	// with the watcher.
	reload, reloadDir string
}

func newPlatform(t *testing.T) *platform {
	t.Helper()
	tooltest.Require(t, "certbot")
	tooltest.Require(t, "openssl")
	tooltest.Require(t, "python3")
	homeTLS, homeHTTP := nginxtest.LoopbackAddr(t, edgeIP), nginxtest.LoopbackAddr(t, edgeIP)
	edgeTLS, edgeHTTP := nginxtest.LoopbackAddr(t, edgeIP), nginxtest.LoopbackAddr(t, edgeIP)
	_, edgeHTTPPort, err := net.SplitHostPort(edgeHTTP)
	require.NoError(t, err)
	// pebble validates on the edge's :80 relay, wherever the name resolves.
	acme := startPebble(t, startDNS(t, edgeIP), edgeHTTPPort)

	home := nginxtest.New(t)
	p := &platform{acme: acme, edgeTLS: edgeTLS, configDir: t.TempDir(), textfile: t.TempDir(),
		deployDir: filepath.Join(t.TempDir(), "live"), webroot: filepath.Join(home.Dir, "webroot")}
	require.NoError(t, os.Mkdir(p.webroot, 0o755))
	p.script = filepath.Join(t.TempDir(), "acme.sh")
	require.NoError(t, os.WriteFile(p.script, []byte(assets.ACME), 0o755))

	routes := []edge.Route{
		{Name: routed, Home: "monitoring", HTTPS: homeTLS, HTTP: homeHTTP},
		{Name: routed2, Home: "monitoring", HTTPS: homeTLS, HTTP: homeHTTP},
	}
	conf, err := nginxmon.Render(nginxmon.Args{
		Names:       homenginx.NamesFor(routes, "monitoring"),
		Listen:      nginxmon.Listen{HTTPS: homeTLS, HTTP: homeHTTP, BehindEdge: true},
		RealIP:      homenginx.RealIPSnippet([]string{edgeIP}),
		HTTPRealIP:  homenginx.HTTPRealIPSnippet([]string{edgeIP}),
		Grafana:     nginxtest.Backend(t, "grafana"),
		CertPath:    filepath.Join(p.deployDir, certName, "fullchain.pem"),
		KeyPath:     filepath.Join(p.deployDir, certName, "privkey.pem"),
		ACMEWebroot: p.webroot,
	})
	require.NoError(t, err)
	// The stack's reload path: the ACME side's request through a shared
	// directory, answered by the watcher running beside nginx, which tests
	// the config with the files as they are now and reloads only if nginx
	// accepts them (apply-config.sh in the container).
	p.reloadDir = t.TempDir()
	nginxReload := shellJoin(append([]string{home.Bin}, home.Args("", "-t", "-c", home.ConfPath())...)) +
		" && " + shellJoin(append([]string{home.Bin}, home.Args("", "-c", home.ConfPath(), "-s", "reload")...))
	startWatcher(t, p.reloadDir, nginxReload)
	request := filepath.Join(t.TempDir(), "reload-request.sh")
	require.NoError(t, os.WriteFile(request, []byte(assets.ACMEReloadRequest), 0o755))
	p.reload = shellJoin([]string{"sh", request})

	// nginx cannot start without a certificate: the placeholder comes first.
	out, err := p.run(t, routed+" "+routed2, "placeholder")
	require.NoError(t, err, out)
	home.Run(t, conf, homeTLS, homeHTTP)
	edgeConf, err := edge.Render(routes, edge.Listen{HTTPS: edgeTLS, HTTP: edgeHTTP})
	require.NoError(t, err)
	nginxtest.New(t).Run(t, edgeConf, edgeTLS, edgeHTTP)
	return p
}

// run runs the ACME script for names with the container's environment
// pointed at the test's directories, returning its output.
func (p *platform) run(t *testing.T, names string, args ...string) (string, error) {
	t.Helper()
	return p.runWith(t, nil, names, args...)
}

// runWith is run with env added to (or overriding) the container's.
func (p *platform) runWith(t *testing.T, env []string, names string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command("sh", append([]string{p.script}, args...)...)
	cmd.Env = append(append(os.Environ(),
		"ACME_CERT_NAME="+certName, "ACME_NAMES="+names,
		"ACME_DIRECTORY="+p.acme.Directory, "ACME_EMAIL=ops@jiucom.test",
		"REQUESTS_CA_BUNDLE="+p.acme.CABundle,
		"ACME_WEBROOT="+p.webroot, "ACME_CONFIG_DIR="+p.configDir, "ACME_DEPLOY_DIR="+p.deployDir,
		"ACME_TEXTFILE_DIR="+p.textfile, "ACME_RELOAD_COMMAND="+p.reload,
		"ACME_RELOAD_DIR="+p.reloadDir, "ACME_RELOAD_TIMEOUT=20"), env...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// startWatcher runs reload-watcher.sh as the nginx container does, with
// the test nginx's reload as its command, until the test ends.
func startWatcher(t *testing.T, dir, reload string) {
	t.Helper()
	script := filepath.Join(t.TempDir(), "reload-watcher.sh")
	require.NoError(t, os.WriteFile(script, []byte(assets.ACMEReloadWatcher), 0o755))
	logFile := filepath.Join(t.TempDir(), "watcher.log")
	out, err := os.Create(logFile)
	require.NoError(t, err)
	cmd := exec.Command("sh", script, "watch", "sh", "-c", reload)
	cmd.Env = append(os.Environ(), "ACME_RELOAD_DIR="+dir)
	cmd.Stdout, cmd.Stderr = out, out
	start(t, cmd, logFile)
}

// served is the leaf certificate a client gets for sni through the edge.
func (p *platform) served(t *testing.T, sni string) *x509.Certificate {
	t.Helper()
	conn, err := tls.DialWithDialer(nginxtest.Dialer(clientIP), "tcp", p.edgeTLS,
		// Verified by the caller: the placeholder must be inspectable too.
		&tls.Config{ServerName: sni, InsecureSkipVerify: true}) //nolint:gosec
	require.NoError(t, err, "TLS through the edge for %s", sni)
	defer conn.Close()
	return conn.ConnectionState().PeerCertificates[0]
}

// await polls served until ok accepts it: nginx -s reload returns before
// the new workers take over.
func (p *platform) await(t *testing.T, sni, what string, ok func(*x509.Certificate) bool) *x509.Certificate {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		c := p.served(t, sni)
		if ok(c) {
			return c
		}
		require.True(t, time.Now().Before(deadline), "%s never served %s (serving serial %s from %s)", sni, what, c.SerialNumber, c.Issuer)
		time.Sleep(50 * time.Millisecond)
	}
}

var sample = regexp.MustCompile(`(?m)^(jiucom_acme_\w+)\{name="` + certName + `"\} (\S+)$`)

// metrics reads the script's textfile, after promtool accepts its format.
func (p *platform) metrics(t *testing.T) map[string]float64 {
	t.Helper()
	file := filepath.Join(p.textfile, "acme_"+certName+".prom")
	content, err := os.ReadFile(file)
	require.NoError(t, err)
	check := exec.Command(tooltest.Require(t, "promtool"), "check", "metrics")
	check.Stdin = strings.NewReader(string(content))
	out, err := check.CombinedOutput()
	require.NoError(t, err, "promtool check metrics:\n%s\n%s", out, content)
	values := map[string]float64{}
	for _, m := range sample.FindAllStringSubmatch(string(content), -1) {
		v, err := strconv.ParseFloat(m[2], 64)
		require.NoError(t, err)
		values[m[1]] = v
	}
	return values
}

// shellJoin quotes args for sh -c.
func shellJoin(args []string) string {
	quoted := make([]string, len(args))
	for i, a := range args {
		quoted[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
	}
	return strings.Join(quoted, " ")
}

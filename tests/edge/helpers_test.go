package edge_test

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// nginxInstance is a throwaway nginx under a temp prefix.
type nginxInstance struct {
	Bin, Dir, Conf string
}

// newPrefix prepares a temp nginx prefix. Debian's modules-enabled include
// loads the stream module by a prefix-relative path, so the prefix gets a
// modules link, exactly as /usr/share/nginx has.
func newPrefix(t *testing.T, bin string) nginxInstance {
	t.Helper()
	dir := t.TempDir()
	// Workers run as the unprivileged default user and must read the webroot.
	for _, d := range []string{filepath.Dir(dir), dir} {
		require.NoError(t, os.Chmod(d, 0o755))
	}
	require.NoError(t, os.Symlink("/usr/lib/nginx/modules", filepath.Join(dir, "modules")))
	return nginxInstance{Bin: bin, Dir: dir, Conf: filepath.Join(dir, "nginx.conf")}
}

// flags are what every invocation against this instance needs: the prefix,
// a private error log and pid file.
func (n nginxInstance) flags(extra string) []string {
	return []string{"-p", n.Dir, "-e", filepath.Join(n.Dir, "error.log"), "-g", "pid " + filepath.Join(n.Dir, "nginx.pid") + ";" + extra}
}

// test runs nginx -t on a config file.
func (n nginxInstance) test(conf string) (string, error) {
	out, err := exec.Command(n.Bin, append(n.flags(""), "-t", "-c", conf)...).CombinedOutput()
	return string(out), err
}

// start writes conf and runs nginx in the foreground until the test ends,
// returning once every address in waitFor accepts connections. Returns the
// master's pid.
func (n nginxInstance) start(t *testing.T, conf string, waitFor ...string) int {
	t.Helper()
	require.NoError(t, os.WriteFile(n.Conf, []byte(conf), 0o644))
	if out, err := n.test(n.Conf); err != nil {
		t.Fatalf("nginx -t failed:\n%s\n--- config ---\n%s", out, conf)
	}
	cmd := exec.Command(n.Bin, append(n.flags("daemon off;"), "-c", n.Conf)...)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
		if t.Failed() {
			log, _ := os.ReadFile(filepath.Join(n.Dir, "error.log"))
			t.Logf("nginx error log (%s):\n%s", n.Dir, log)
		}
	})
	for _, addr := range waitFor {
		waitListening(t, addr)
	}
	return cmd.Process.Pid
}

// workers lists the master's current worker pids.
func workers(t *testing.T, master int) []string {
	t.Helper()
	children, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", master, master))
	require.NoError(t, err)
	return strings.Fields(string(children))
}

// gone reports whether every listed process has exited: after a reload the
// old workers drain, and until they exit they may still answer with the old
// config.
func gone(pids []string) bool {
	for _, pid := range pids {
		if _, err := os.Stat("/proc/" + pid); err == nil {
			return false
		}
	}
	return true
}

// waitListening polls until addr accepts a connection (startup, not a
// timing assertion: it fails only if nginx never comes up).
func waitListening(t *testing.T, addr string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			c.Close()
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s never started listening: %v", addr, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// freeAddr returns a currently free loopback port on ip.
func freeAddr(t *testing.T, ip string) string {
	t.Helper()
	l, err := net.Listen("tcp", ip+":0")
	require.NoError(t, err)
	defer l.Close()
	return l.Addr().String()
}

// clientFrom dials from a given loopback source address, so the edge, home
// and client addresses differ and the tests can tell them apart.
func clientFrom(ip string) *net.Dialer {
	return &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}, Timeout: 5 * time.Second}
}

// writeCert creates a self-signed certificate for names in dir and returns
// the paths and the parsed certificate.
func writeCert(t *testing.T, dir string, names ...string) (certFile, keyFile string, cert *x509.Certificate) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: names[0]},
		DNSNames:     names,
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	cert, err = x509.ParseCertificate(der)
	require.NoError(t, err)
	keyDER, err := x509.MarshalECPrivateKey(key)
	require.NoError(t, err)
	certFile, keyFile = filepath.Join(dir, "home.crt"), filepath.Join(dir, "home.key")
	require.NoError(t, os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644))
	require.NoError(t, os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600))
	return certFile, keyFile, cert
}

// serve runs a Go HTTP server on addr for the rest of the test.
func serve(t *testing.T, addr string, h http.HandlerFunc) {
	t.Helper()
	l, err := net.Listen("tcp", addr)
	require.NoError(t, err)
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
}

// port returns the port of a host:port.
func port(addr string) string {
	_, p, _ := net.SplitHostPort(addr)
	return p
}

// indent makes generated snippets readable inside a rendered test config.
func indent(s string) string {
	return strings.TrimRight(strings.ReplaceAll("        "+s, "\n", "\n        "), " ")
}

func newReader(r io.Reader) *bufio.Reader { return bufio.NewReader(r) }

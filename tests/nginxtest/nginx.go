// Package nginxtest runs a rendered nginx config on Debian's nginx on
// loopback, with Go stand-ins for its upstreams and clients bound to chosen
// loopback source addresses. The gateway's functional tests, the datastore
// tests and the overload benchmark share it.
package nginxtest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/jiucom/jiucom-infra/tests/tooltest"
)

// Nginx is one throwaway Debian nginx under a temp prefix, with its own
// error log and pid file so nothing touches the system instance.
type Nginx struct {
	Bin string
	// Dir is the prefix: the config, logs and any test files live there.
	Dir string
}

// New finds nginx (skipping, or failing under CI, without it).
func New(t testing.TB) Nginx {
	t.Helper()
	bin := tooltest.Require(t, "nginx")
	dir := t.TempDir()
	// Workers run as an unprivileged user and must reach the prefix.
	require.NoError(t, os.Chmod(filepath.Dir(dir), 0o755))
	require.NoError(t, os.Chmod(dir, 0o755))
	// Debian's modules-enabled includes load dynamic modules (the stream
	// module) by a prefix-relative path, as /usr/share/nginx provides.
	require.NoError(t, os.Symlink("/usr/lib/nginx/modules", filepath.Join(dir, "modules")))
	return Nginx{Bin: bin, Dir: dir}
}

// ConfPath is where Check, Test and Run write the config.
func (n Nginx) ConfPath() string { return filepath.Join(n.Dir, "nginx.conf") }

// Args are the flags every invocation against this instance needs: the
// prefix and a private error log and pid file. nginx keeps only the last -g,
// so further global directives come in one string with the pid file's.
func (n Nginx) Args(globals string, extra ...string) []string {
	return append([]string{"-p", n.Dir, "-e", filepath.Join(n.Dir, "error.log"),
		"-g", "pid " + filepath.Join(n.Dir, "nginx.pid") + ";" + globals}, extra...)
}

// Test writes conf and runs `nginx -t` on it, returning nginx's output.
func (n Nginx) Test(t testing.TB, conf string) (string, error) {
	t.Helper()
	require.NoError(t, os.WriteFile(n.ConfPath(), []byte(conf), 0o644))
	out, err := exec.Command(n.Bin, n.Args("", "-t", "-c", n.ConfPath())...).CombinedOutput()
	return string(out), err
}

// Check is Test that must pass.
func (n Nginx) Check(t testing.TB, conf string) {
	t.Helper()
	out, err := n.Test(t, conf)
	require.NoError(t, err, "nginx -t:\n%s\n--- config ---\n%s", out, conf)
}

// Run starts conf in the foreground until the test ends, waits until addrs
// accept connections, and returns the master's pid.
func (n Nginx) Run(t testing.TB, conf string, addrs ...string) int {
	t.Helper()
	n.Check(t, conf)
	cmd := exec.Command(n.Bin, n.Args("daemon off;", "-c", n.ConfPath())...)
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
			t.Logf("nginx error log:\n%s", log)
		}
	})
	for _, addr := range addrs {
		awaitListener(t, addr)
	}
	return cmd.Process.Pid
}

// awaitListener polls until addr accepts; it fails only if nothing ever listens.
func awaitListener(t testing.TB, addr string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			c.Close()
			return
		}
		require.True(t, time.Now().Before(deadline), "%s never listened: %v", addr, err)
		time.Sleep(20 * time.Millisecond)
	}
}

// LoopbackAddr returns a free port on a loopback address.
func LoopbackAddr(t testing.TB, ip string) string {
	t.Helper()
	l, err := net.Listen("tcp", ip+":0")
	require.NoError(t, err)
	defer l.Close()
	return l.Addr().String()
}

// SelfSigned writes a certificate and key for names into dir and returns
// their paths and the parsed certificate (for a client's trust roots).
func SelfSigned(t testing.TB, dir string, names ...string) (certFile, keyFile string, cert *x509.Certificate) {
	t.Helper()
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
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
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &priv.PublicKey, priv)
	require.NoError(t, err)
	cert, err = x509.ParseCertificate(der)
	require.NoError(t, err)
	keyDER, err := x509.MarshalECPrivateKey(priv)
	require.NoError(t, err)
	certFile, keyFile = filepath.Join(dir, "test.crt"), filepath.Join(dir, "test.key")
	require.NoError(t, os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644))
	require.NoError(t, os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o644))
	return certFile, keyFile, cert
}

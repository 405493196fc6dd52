package acme_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/jiucom/jiucom-infra/tests/nginxtest"
	"github.com/jiucom/jiucom-infra/tests/tooltest"
)

// acmeServer is Debian's pebble on loopback: the ACME directory certbot
// talks to, its management API (the CA it issues from) and the CA bundle
// that makes certbot trust pebble's own HTTPS listener.
type acmeServer struct {
	Directory string
	// CABundle signs pebble's listener certificate (REQUESTS_CA_BUNDLE).
	CABundle string
	mgmt     string
	client   *http.Client
}

// startPebble runs pebble validating HTTP-01 on httpPort of whatever the
// DNS responder at dnsAddr says a name is.
func startPebble(t *testing.T, dnsAddr, httpPort string) acmeServer {
	t.Helper()
	bin := tooltest.Require(t, "pebble")
	dir := t.TempDir()
	caFile, certFile, keyFile, pool := listenerCertificate(t, dir)
	listen, mgmt := nginxtest.LoopbackAddr(t, "127.0.0.1"), nginxtest.LoopbackAddr(t, "127.0.0.1")
	// tlsPort is where pebble would validate TLS-ALPN-01; nothing listens
	// there, and certbot never offers that challenge for --webroot.
	_, tlsPort, _ := net.SplitHostPort(nginxtest.LoopbackAddr(t, "127.0.0.1"))
	conf, err := json.Marshal(map[string]any{"pebble": map[string]any{
		"listenAddress": listen, "managementListenAddress": mgmt,
		"certificate": certFile, "privateKey": keyFile,
		"httpPort": atoi(t, httpPort), "tlsPort": atoi(t, tlsPort),
		"ocspResponderURL": "", "externalAccountBindingRequired": false,
	}})
	require.NoError(t, err)
	confFile := filepath.Join(dir, "pebble.json")
	require.NoError(t, os.WriteFile(confFile, conf, 0o644))
	cmd := exec.Command(bin, "-config", confFile, "-dnsserver", dnsAddr)
	cmd.Env = append(os.Environ(),
		"PEBBLE_VA_NOSLEEP=1", "PEBBLE_VA_ALWAYS_VALID=0",
		// Every order is validated for real through the edge, and no nonce is
		// rejected at random (pebble's default 5 % would make runs flaky).
		"PEBBLE_AUTHZREUSE=0", "PEBBLE_WFE_NONCEREJECT=0")
	logFile := filepath.Join(dir, "pebble.log")
	out, err := os.Create(logFile)
	require.NoError(t, err)
	cmd.Stdout, cmd.Stderr = out, out
	start(t, cmd, logFile, listen, mgmt)
	return acmeServer{
		Directory: "https://" + listen + "/dir",
		CABundle:  caFile,
		mgmt:      "https://" + mgmt,
		client:    &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}},
	}
}

// Issuer returns the root and the intermediate pebble signs with, read
// from its management API (pebble makes a new CA at every start).
func (s acmeServer) Issuer(t *testing.T) (root, intermediate *x509.Certificate) {
	t.Helper()
	return s.fetchCert(t, "/roots/0"), s.fetchCert(t, "/intermediates/0")
}

func (s acmeServer) fetchCert(t *testing.T, path string) *x509.Certificate {
	t.Helper()
	resp, err := s.client.Get(s.mgmt + path)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s: %s", path, body)
	block, _ := pem.Decode(body)
	require.NotNil(t, block, "%s is not PEM", path)
	cert, err := x509.ParseCertificate(block.Bytes)
	require.NoError(t, err)
	return cert
}

// startDNS runs pebble-challtestsrv as pebble's DNS server only: every A
// query answers ip, and no AAAA answer sends pebble to ::1 instead.
func startDNS(t *testing.T, ip string) string {
	t.Helper()
	bin := tooltest.Require(t, "pebble-challtestsrv")
	udp, err := net.ListenPacket("udp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := udp.LocalAddr().String()
	require.NoError(t, udp.Close())
	mgmt := nginxtest.LoopbackAddr(t, "127.0.0.1")
	logFile := filepath.Join(t.TempDir(), "dns.log")
	out, err := os.Create(logFile)
	require.NoError(t, err)
	cmd := exec.Command(bin, "-dns01", addr, "-defaultIPv4", ip, "-defaultIPv6", "",
		"-http01", "", "-https01", "", "-tlsalpn01", "", "-management", mgmt)
	cmd.Stdout, cmd.Stderr = out, out
	// The DNS listener is UDP; its management listener (TCP) comes up after it.
	start(t, cmd, logFile, mgmt)
	return addr
}

// start runs cmd until the test ends and waits for its listeners.
func start(t *testing.T, cmd *exec.Cmd, logFile string, addrs ...string) {
	t.Helper()
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if t.Failed() {
			log, _ := os.ReadFile(logFile)
			t.Logf("%s log:\n%s", filepath.Base(cmd.Path), log)
		}
	})
	for _, addr := range addrs {
		deadline := time.Now().Add(15 * time.Second)
		for {
			c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
			if err == nil {
				c.Close()
				break
			}
			if time.Now().After(deadline) {
				log, _ := os.ReadFile(logFile)
				t.Fatalf("%s never listened on %s: %v\n%s", cmd.Path, addr, err, log)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
}

// listenerCertificate makes a CA and a certificate for 127.0.0.1 that it
// signs, for pebble's HTTPS listeners (the package ships no test certs).
func listenerCertificate(t *testing.T, dir string) (caFile, certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	caTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "pebble listener test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	require.NoError(t, err)
	ca, err := x509.ParseCertificate(caDER)
	require.NoError(t, err)
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "localhost"},
		DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	require.NoError(t, err)
	keyDER, err := x509.MarshalECPrivateKey(key)
	require.NoError(t, err)
	caFile, certFile, keyFile = filepath.Join(dir, "ca.pem"), filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	require.NoError(t, os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}), 0o644))
	require.NoError(t, os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644))
	require.NoError(t, os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600))
	pool = x509.NewCertPool()
	pool.AddCert(ca)
	return caFile, certFile, keyFile, pool
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	require.NoError(t, err)
	return n
}

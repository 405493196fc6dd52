// Package acme drives assets/acme/acme.sh with Debian's certbot against
// Debian's pebble, through the rendered edge (:80 relay for HTTP-01, :443
// SNI passthrough) to the rendered nginx_mon behind it, all on loopback.
package acme_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jiucom/jiucom-infra/tests/nginxtest"
)

func TestCertificatesIssuedAndRenewedThroughTheEdge(t *testing.T) {
	p := newPlatform(t)
	root, intermediate := p.acme.Issuer(t)
	roots, intermediates := x509.NewCertPool(), x509.NewCertPool()
	roots.AddCert(root)
	intermediates.AddCert(intermediate)
	// Issued by pebble for the name: the leaf chains through the
	// intermediate to the root pebble's management API reports.
	issued := func(c *x509.Certificate) bool {
		_, err := c.Verify(x509.VerifyOptions{DNSName: routed, Roots: roots, Intermediates: intermediates})
		return err == nil
	}

	placeholder := p.served(t, routed)
	t.Run("the placeholder serves before the first certificate", func(t *testing.T) {
		assert.NoError(t, placeholder.CheckSignatureFrom(placeholder), "self-signed")
		assert.ElementsMatch(t, []string{routed, routed2}, placeholder.DNSNames)
		assert.False(t, issued(placeholder))
	})

	t.Run("a challenge the edge cannot route fails the run and keeps the placeholder", func(t *testing.T) {
		out, err := p.run(t, routed+" "+unrouted, "once")
		require.Error(t, err, out)
		assert.Contains(t, out, "acme: certbot could not obtain "+certName)
		assert.Contains(t, out, unrouted, "certbot names the failing domain")
		assert.True(t, p.served(t, routed).Equal(placeholder))
		m := p.metrics(t)
		assert.Equal(t, 0.0, m["jiucom_acme_last_run_status"])
		assert.Equal(t, 0.0, m["jiucom_acme_last_success_timestamp_seconds"], "never succeeded")
		assert.Equal(t, float64(placeholder.NotAfter.Unix()), m["jiucom_acme_certificate_expiry_timestamp_seconds"])
	})

	var first *x509.Certificate
	t.Run("issuance answers HTTP-01 through the edge and reloads nginx", func(t *testing.T) {
		before := time.Now().Unix()
		out, err := p.run(t, routed+" "+routed2, "once")
		require.NoError(t, err, out)
		first = p.await(t, routed, "pebble's certificate", issued)
		assert.ElementsMatch(t, []string{routed, routed2}, first.DNSNames, "one SAN certificate for the host")
		assert.True(t, p.served(t, routed2).Equal(first))
		m := p.metrics(t)
		assert.Equal(t, 1.0, m["jiucom_acme_last_run_status"])
		assert.GreaterOrEqual(t, m["jiucom_acme_last_success_timestamp_seconds"], float64(before))
		assert.Equal(t, float64(first.NotAfter.Unix()), m["jiucom_acme_certificate_expiry_timestamp_seconds"])
		renewal, err := os.ReadFile(filepath.Join(p.configDir, "renewal", certName+".conf"))
		require.NoError(t, err)
		assert.Regexp(t, `(?m)^renew_before_expiry = 30 days$`, string(renewal))

		out, err = p.run(t, routed+" "+routed2, "once")
		require.NoError(t, err, out)
		assert.Contains(t, out, "nginx already has the current certificate", "nothing is due: no new order, no reload")
		assert.True(t, p.served(t, routed).Equal(first))
	})
	require.NotNil(t, first, "the remaining steps need an issued certificate")

	t.Run("a forced renewal changes the served certificate without failing a request", func(t *testing.T) {
		var ok, failed atomic.Int64
		var renewed atomic.Bool
		var firstErr atomic.Value
		stop := make(chan struct{})
		var wg sync.WaitGroup
		for range 40 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				client := clientVia(p.edgeTLS, roots)
				for {
					select {
					case <-stop:
						return
					default:
					}
					serial, err := get(client, "https://"+routed+"/grafana/")
					if err != nil {
						failed.Add(1)
						firstErr.CompareAndSwap(nil, err.Error())
						continue
					}
					ok.Add(1)
					if serial != first.SerialNumber.String() {
						renewed.Store(true)
					}
				}
			}()
		}
		time.Sleep(500 * time.Millisecond)
		out, err := p.run(t, routed+" "+routed2, "once", "--force-renewal")
		deadline := time.Now().Add(15 * time.Second)
		for !renewed.Load() && time.Now().Before(deadline) {
			time.Sleep(50 * time.Millisecond)
		}
		time.Sleep(500 * time.Millisecond)
		close(stop)
		wg.Wait()
		require.NoError(t, err, out)
		assert.True(t, renewed.Load(), "the clients never saw the renewed certificate")
		assert.Zero(t, failed.Load(), "failed requests during the renewal (first: %v)", firstErr.Load())
		assert.Greater(t, ok.Load(), int64(200), "the load was real")
		second := p.served(t, routed)
		assert.True(t, issued(second))
		assert.NotEqual(t, first.SerialNumber, second.SerialNumber)
		first = second
	})

	t.Run("a reload nobody answers puts the previous certificate back", func(t *testing.T) {
		// A directory no watcher reads: the nginx container is down or runs
		// without the watcher.
		unanswered := t.TempDir()
		out, err := p.runWith(t, []string{"ACME_RELOAD_DIR=" + unanswered, "ACME_RELOAD_TIMEOUT=2"}, routed+" "+routed2, "once", "--force-renewal")
		require.Error(t, err, out)
		assert.Contains(t, out, "reload-request: nginx did not answer within 2s")
		assert.Contains(t, out, "acme: nginx refused the new certificate for "+certName)
		assert.NoFileExists(t, filepath.Join(unanswered, "request"), "the request is withdrawn")
		assert.True(t, p.served(t, routed).Equal(first), "the previous certificate keeps serving")
		deployed, err := os.ReadFile(filepath.Join(p.deployDir, certName, "fullchain.pem"))
		require.NoError(t, err)
		block, _ := pem.Decode(deployed)
		require.NotNil(t, block)
		assert.Equal(t, first.Raw, block.Bytes, "and is the pair on disk for a later restart")
	})

	t.Run("a certificate nginx refuses leaves the previous one serving", func(t *testing.T) {
		keyFile := filepath.Join(p.deployDir, certName, "privkey.pem")
		deployedKey, err := os.ReadFile(keyFile)
		require.NoError(t, err)
		lastSuccess := p.metrics(t)["jiucom_acme_last_success_timestamp_seconds"]
		// certbot's current pair gets a key that does not match: nginx -t fails
		// on "key values mismatch" (certbot itself never reads the key back).
		writeKey(t, filepath.Join(p.configDir, "live", certName, "privkey.pem"))

		out, err := p.run(t, routed+" "+routed2, "once")
		require.Error(t, err, out)
		assert.Contains(t, out, "acme: nginx refused the new certificate for "+certName)
		assert.Contains(t, out, "key values mismatch", "nginx's own reason is shown")
		after, err := os.ReadFile(keyFile)
		require.NoError(t, err)
		assert.Equal(t, deployedKey, after, "the previous key is back in place")
		assert.True(t, p.served(t, routed).Equal(first), "the previous certificate keeps serving")
		m := p.metrics(t)
		assert.Equal(t, 0.0, m["jiucom_acme_last_run_status"])
		assert.Equal(t, lastSuccess, m["jiucom_acme_last_success_timestamp_seconds"], "a failure keeps the last success")
	})
}

// clientVia sends every request to the edge's :443 from clientIP with the
// URL's name as SNI, trusting only roots, one TLS handshake per request so
// each sees the certificate nginx serves at that moment.
func clientVia(edgeTLS string, roots *x509.CertPool) *http.Client {
	dialer := nginxtest.Dialer(clientIP)
	return &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return dialer.DialContext(ctx, network, edgeTLS)
		},
		TLSClientConfig:   &tls.Config{RootCAs: roots},
		DisableKeepAlives: true,
	}}
}

// get returns the serial of the certificate the response came over.
func get(client *http.Client, url string) (string, error) {
	resp, err := client.Get(url)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK {
		return "", &statusError{resp.Status}
	}
	return resp.TLS.PeerCertificates[0].SerialNumber.String(), nil
}

type statusError struct{ status string }

func (e *statusError) Error() string { return "status " + e.status }

// writeKey overwrites path (following certbot's live/ symlink) with a new key.
func writeKey(t *testing.T, path string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	der, err := x509.MarshalPKCS8PrivateKey(key)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600))
}

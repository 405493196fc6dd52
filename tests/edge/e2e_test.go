package edge_test

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	proxyproto "github.com/pires/go-proxyproto"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jiucom/jiucom-infra/components/edge"
	"github.com/jiucom/jiucom-infra/components/homenginx"
	"github.com/jiucom/jiucom-infra/tests/nginxtest"
)

// Loopback addresses stand in for the three parties: nginx connects to home
// from 127.0.0.1 (the edge's address), the client and a stranger use their
// own, so "whose address did the backend see" has one right answer.
const (
	edgeIP     = "127.0.0.1"
	clientIP   = "127.0.0.2"
	strangerIP = "127.0.0.3"
)

// homeConfig is a home nginx (nginx_mon or the gateway) built the way those
// components build theirs: from the route list and the edge package's
// home-side functions, one server block per name.
func homeConfig(routes []edge.Route, home, tlsAddr, httpAddr, backend, cert, key, webroot string, edgeAddrs []string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "events {}\nhttp {\n    access_log off;\n    upstream backend { server %s; }\n", backend)
	for _, name := range homenginx.NamesFor(routes, home) {
		fmt.Fprintf(&b, `
    server {
        %s
        server_name %s;
        ssl_certificate %s;
        ssl_certificate_key %s;
%s
        location / {
            proxy_pass http://backend;
            proxy_set_header X-Real-IP $remote_addr;
        }
    }
    server {
        listen %s;
        server_name %s;
%s
        location /.well-known/acme-challenge/ { root %s; }
        location = /whoami { default_type text/plain; return 200 $remote_addr; }
    }
`, homenginx.TLSListen(tlsAddr), name, cert, key, homenginx.Indent(8, homenginx.RealIPSnippet(edgeAddrs)),
			httpAddr, name, homenginx.Indent(8, homenginx.HTTPRealIPSnippet(edgeAddrs)), webroot)
	}
	b.WriteString("}\n")
	return b.String()
}

func TestEdgeInFrontOfHomeOnRealNginx(t *testing.T) {

	backendAddr, homeTLS, homeHTTP := nginxtest.LoopbackAddr(t, edgeIP), nginxtest.LoopbackAddr(t, edgeIP), nginxtest.LoopbackAddr(t, edgeIP)
	edgeTLS, edgeHTTP := nginxtest.LoopbackAddr(t, edgeIP), nginxtest.LoopbackAddr(t, edgeIP)

	// The backend echoes the client address home handed it.
	serve(t, backendAddr, func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "client=%s", r.Header.Get("X-Real-IP"))
	})

	routes := []edge.Route{
		{Name: "grafana.jiucom.test", Home: "monitoring", HTTPS: homeTLS, HTTP: homeHTTP},
		{Name: "api.jiucom.test", Home: "monitoring", HTTPS: homeTLS, HTTP: homeHTTP},
	}
	home := nginxtest.New(t)
	certFile, keyFile, homeCert := nginxtest.SelfSigned(t, home.Dir, "grafana.jiucom.test", "api.jiucom.test")
	webroot := filepath.Join(home.Dir, "webroot")
	require.NoError(t, os.MkdirAll(filepath.Join(webroot, ".well-known/acme-challenge"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(webroot, ".well-known/acme-challenge/x"), []byte("token-x"), 0o644))
	home.Run(t, homeConfig(routes, "monitoring", homeTLS, homeHTTP, backendAddr, certFile, keyFile, webroot, []string{edgeIP}), homeTLS, homeHTTP)

	edgeConf, err := edge.Render(routes, edge.Listen{HTTPS: edgeTLS, HTTP: edgeHTTP})
	require.NoError(t, err)
	nginxtest.New(t).Run(t, edgeConf, edgeTLS, edgeHTTP)

	roots := x509.NewCertPool()
	roots.AddCert(homeCert)

	t.Run("TLS passes through to home, which sees the client's address", func(t *testing.T) {
		for _, name := range []string{"grafana.jiucom.test", "api.jiucom.test"} {
			resp, body := getVia(t, edgeTLS, clientIP, "https://"+name+"/", roots)
			require.Equal(t, http.StatusOK, resp.StatusCode)
			require.NotEmpty(t, resp.TLS.PeerCertificates)
			assert.True(t, resp.TLS.PeerCertificates[0].Equal(homeCert), "%s: the certificate must be home's (the edge never decrypts)", name)
			assert.Equal(t, "client="+clientIP, body, "%s: the backend must see the client, not the edge", name)
		}
	})

	t.Run("unknown or missing SNI is refused", func(t *testing.T) {
		for _, sni := range []string{"unknown.jiucom.test", ""} {
			conn, err := tls.DialWithDialer(nginxtest.Dialer(clientIP), "tcp", edgeTLS, &tls.Config{ServerName: sni, RootCAs: roots, InsecureSkipVerify: sni == ""})
			if err == nil {
				conn.Close()
			}
			assert.Error(t, err, "SNI %q must not reach any home", sni)
		}
	})

	t.Run("ACME HTTP-01 on :80 reaches the home webroot", func(t *testing.T) {
		resp, body := getVia(t, edgeHTTP, clientIP, "http://grafana.jiucom.test/.well-known/acme-challenge/x", nil)
		assert.Equal(t, http.StatusOK, resp.StatusCode, "a stream listener on :80 would answer 400")
		assert.Equal(t, "token-x", body)

		_, who := getVia(t, edgeHTTP, clientIP, "http://grafana.jiucom.test/whoami", nil)
		assert.Equal(t, clientIP, who, "home trusts the edge's X-Real-IP")
	})

	t.Run("health endpoint answers, unknown Host is closed", func(t *testing.T) {
		resp, body := getVia(t, edgeHTTP, clientIP, "http://"+edgeHTTP+"/healthz", nil)
		assert.Equal(t, http.StatusOK, resp.StatusCode)
		assert.Equal(t, "ok\n", body)

		_, err := httpClient(edgeHTTP, clientIP, nil).Get("http://unknown.jiucom.test/")
		assert.Error(t, err, "an unknown Host gets no response (444)")
	})

	t.Run("a PROXY header is trusted only from the edge", func(t *testing.T) {
		forged := "203.0.113.9"
		// Control: from the edge's address the header is honoured, so the
		// assertion below is about the source, not a broken header.
		assert.Equal(t, "client="+forged, proxiedGet(t, homeTLS, edgeIP, forged, roots))
		assert.Equal(t, "client="+strangerIP, proxiedGet(t, homeTLS, strangerIP, forged, roots),
			"a PROXY header from a stranger must be ignored")
	})
}

// httpClient sends every request to addr, from the given source address,
// whatever the URL's host (which still sets SNI and Host).
func httpClient(addr, from string, roots *x509.CertPool) *http.Client {
	dialer := nginxtest.Dialer(from)
	return &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return dialer.DialContext(ctx, network, addr)
		},
		TLSClientConfig:   &tls.Config{RootCAs: roots},
		DisableKeepAlives: true,
	}}
}

func getVia(t *testing.T, addr, from, url string, roots *x509.CertPool) (*http.Response, string) {
	t.Helper()
	resp, err := httpClient(addr, from, roots).Get(url)
	require.NoError(t, err, "GET %s via %s", url, addr)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, string(body)
}

// proxiedGet connects to home directly from `from`, claims to be `claimed`
// in a PROXY v1 header, then speaks HTTPS; returns the backend's answer.
func proxiedGet(t *testing.T, homeAddr, from, claimed string, roots *x509.CertPool) string {
	t.Helper()
	conn, err := nginxtest.Dialer(from).Dial("tcp", homeAddr)
	require.NoError(t, err)
	defer conn.Close()
	header := proxyproto.HeaderProxyFromAddrs(1, &net.TCPAddr{IP: net.ParseIP(claimed), Port: 40000}, conn.RemoteAddr())
	_, err = header.WriteTo(conn)
	require.NoError(t, err)

	tlsConn := tls.Client(conn, &tls.Config{ServerName: "grafana.jiucom.test", RootCAs: roots})
	req, err := http.NewRequest(http.MethodGet, "https://grafana.jiucom.test/", nil)
	require.NoError(t, err)
	req.Close = true
	require.NoError(t, req.Write(tlsConn))
	resp, err := http.ReadResponse(bufio.NewReader(tlsConn), req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return string(body)
}

package gateway_test

import (
	"bufio"
	"compress/gzip"
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	proxyproto "github.com/pires/go-proxyproto"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jiucom/jiucom-infra/components/gateway"
	"github.com/jiucom/jiucom-infra/tests/nginxtest"
)

// Loopback addresses stand for the parties: two clients, a stranger and the
// edge, the only source whose PROXY header is believed.
const (
	gatewayIP  = "127.0.0.1"
	client1    = "127.0.0.1"
	client2    = "127.0.0.2"
	strangerIP = "127.0.0.3"
	edgeIP     = "127.0.0.4"
	apiName    = "api.jiucom.test"
)

// echo is what a backend saw.
type echo struct {
	Backend, Path, RealIP, ForwardedFor, Proto string
}

func decode(t *testing.T, r io.Reader) echo {
	t.Helper()
	var e struct {
		Backend      string `json:"backend"`
		Path         string `json:"path"`
		RealIP       string `json:"realIp"`
		ForwardedFor string `json:"forwardedFor"`
		Proto        string `json:"proto"`
	}
	require.NoError(t, json.NewDecoder(r).Decode(&e))
	return echo{e.Backend, e.Path, e.RealIP, e.ForwardedFor, e.Proto}
}

// renderFor renders the real gateway config with loopback upstreams and
// listeners; nothing else differs from what the stack deploys.
func renderFor(t *testing.T, n nginxtest.Nginx, listen gateway.Listen, syslog string, withTLS bool) string {
	t.Helper()
	a := gateway.Args{
		App:     []string{nginxtest.Backend(t, "app-1"), nginxtest.Backend(t, "app-2"), nginxtest.Backend(t, "app-3")},
		Grafana: nginxtest.Backend(t, "grafana"),
		Zipkin:  nginxtest.Backend(t, "zipkin"),
		Extras: []gateway.Extra{
			{Name: "jenkins", Addr: nginxtest.Backend(t, "jenkins"), Path: "/jenkins/"},
			{Name: "n8n", Addr: nginxtest.Backend(t, "n8n"), Host: "n8n.jiucom.test"},
		},
		BehindEdge: withTLS,
		EdgeAddrs:  []string{edgeIP},
		AccessLog:  n.Dir + "/access.log",
		Syslog:     syslog,
		Listen:     listen,
	}
	if withTLS {
		cert, key, _ := nginxtest.SelfSigned(t, n.Dir, apiName)
		a.TLS = &gateway.TLS{Certificate: cert, Key: key}
		a.HTTPSOnly = true
	}
	conf, err := gateway.Render(a)
	require.NoError(t, err)
	return conf
}

func get(t *testing.T, c *http.Client, url string, header ...string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	require.NoError(t, err)
	for i := 0; i+1 < len(header); i += 2 {
		if header[i] == "Host" {
			req.Host = header[i+1]
		} else {
			req.Header.Set(header[i], header[i+1])
		}
	}
	resp, err := c.Do(req)
	require.NoError(t, err)
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

// startGateway runs the rendered gateway on its own loopback ports, with or
// without TLS behind the edge, and returns where it listens and the UDP
// socket that receives its access log as the exporter would.
func startGateway(t *testing.T, withTLS bool) (gateway.Listen, net.PacketConn) {
	t.Helper()
	syslog, err := net.ListenPacket("udp", gatewayIP+":0")
	require.NoError(t, err)
	t.Cleanup(func() { syslog.Close() })
	n := nginxtest.New(t)
	listen := gateway.Listen{HTTP: nginxtest.LoopbackAddr(t, gatewayIP), HTTPS: nginxtest.LoopbackAddr(t, gatewayIP)}
	addrs := []string{listen.HTTP}
	if withTLS {
		addrs = append(addrs, listen.HTTPS)
	}
	n.Run(t, renderFor(t, n, listen, syslog.LocalAddr().String(), withTLS), addrs...)
	return listen, syslog
}

func TestGatewayOnRealNginx(t *testing.T) {
	listen, syslog := startGateway(t, false)
	base := "http://" + listen.HTTP
	c1 := nginxtest.ClientFrom(client1)

	t.Run("routes", func(t *testing.T) {
		routes := map[string][]string{
			"/grafana/login":          {"grafana"},
			"/zipkin/":                {"zipkin"},
			"/jenkins/job/x":          {"jenkins"},
			"/api/v1/actuator/health": {"app-1", "app-2", "app-3"},
		}
		for path, backends := range routes {
			resp := get(t, c1, base+path)
			require.Equal(t, http.StatusOK, resp.StatusCode, path)
			e := decode(t, resp.Body)
			assert.Contains(t, backends, e.Backend, path)
			assert.Equal(t, path, e.Path, "%s: the prefix reaches the upstream unchanged", path)
		}
		resp := get(t, c1, base+"/", "Host", "n8n.jiucom.test")
		assert.Equal(t, "n8n", decode(t, resp.Body).Backend, "host-routed extra service")

		resp = get(t, c1, base+"/")
		assert.Equal(t, http.StatusFound, resp.StatusCode)
		assert.Equal(t, "/api/v1/swagger-ui.html", resp.Header.Get("Location"))

		resp = get(t, c1, base+"/health")
		assert.Equal(t, http.StatusOK, resp.StatusCode)
		body, _ := io.ReadAll(resp.Body)
		assert.JSONEq(t, `{"status":"UP"}`, string(body), "answered by nginx itself")

		for _, hidden := range []string{"/api/v1/actuator/prometheus", "/nowhere"} {
			assert.Equal(t, http.StatusNotFound, get(t, c1, base+hidden).StatusCode, hidden)
		}
	})

	t.Run("the exporter receives the access log with upstream timing", func(t *testing.T) {
		get(t, c1, base+"/api/v1/logged")
		buf := make([]byte, 4096)
		for {
			require.NoError(t, syslog.SetReadDeadline(time.Now().Add(5*time.Second)))
			n, _, err := syslog.ReadFrom(buf)
			require.NoError(t, err, "no syslog line for the request")
			line := string(buf[:n])
			if !strings.Contains(line, "/api/v1/logged") {
				continue // an earlier subtest's request
			}
			assert.Contains(t, line, " "+gateway.SyslogTag+": ", "tagged for the exporter's filter")
			assert.Regexp(t, `" 200 \d+ .* rt=[0-9.]+ uct="[0-9.]+" uht="[0-9.]+" urt="[0-9.]+"`, line)
			return
		}
	})

	t.Run("every app replica is in the upstream", func(t *testing.T) {
		seen := map[string]bool{}
		for range 9 {
			seen[decode(t, get(t, c1, base+"/api/v1/items").Body).Backend] = true
		}
		assert.Equal(t, map[string]bool{"app-1": true, "app-2": true, "app-3": true}, seen)
	})

	t.Run("security headers on every response", func(t *testing.T) {
		for _, path := range []string{"/api/v1/items", "/health", "/", "/nowhere", "/grafana/", "/jenkins/"} {
			h := get(t, c1, base+path).Header
			assert.Equal(t, []string{"DENY"}, h.Values("X-Frame-Options"), "%s: the upstream's value is replaced, not doubled", path)
			assert.Equal(t, "nosniff", h.Get("X-Content-Type-Options"), path)
			assert.Equal(t, "no-referrer", h.Get("Referrer-Policy"), path)
			assert.Contains(t, h.Get("Content-Security-Policy"), "frame-ancestors 'none'", path)
			assert.Empty(t, h.Get("Strict-Transport-Security"), "%s: no HSTS over plain HTTP", path)
		}
		assert.Contains(t, get(t, c1, base+"/api/v1/items").Header.Get("Content-Security-Policy"), "default-src 'self'")
	})

	t.Run("forwarded headers carry the real peer, not a claimed one", func(t *testing.T) {
		resp := get(t, nginxtest.ClientFrom(client2), base+"/api/v1/items", "X-Real-IP", "198.51.100.9", "X-Forwarded-For", "198.51.100.9")
		e := decode(t, resp.Body)
		assert.Equal(t, client2, e.RealIP)
		assert.Equal(t, client2, e.ForwardedFor)
		assert.Equal(t, "http", e.Proto)
	})

	t.Run("JSON is gzipped", func(t *testing.T) {
		resp := get(t, c1, base+"/api/v1/items", "Accept-Encoding", "gzip")
		require.Equal(t, "gzip", resp.Header.Get("Content-Encoding"))
		zr, err := gzip.NewReader(resp.Body)
		require.NoError(t, err)
		assert.Equal(t, "/api/v1/items", decode(t, zr).Path)
	})

	t.Run("WebSocket upgrade", func(t *testing.T) {
		conn, err := nginxtest.DialFrom(context.Background(), client1, listen.HTTP)
		require.NoError(t, err)
		defer conn.Close()
		fmt.Fprint(conn, "GET /api/v1/ws HTTP/1.1\r\nHost: api\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"+
			"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n")
		r := bufio.NewReader(conn)
		resp, err := http.ReadResponse(r, nil)
		require.NoError(t, err)
		require.Equal(t, http.StatusSwitchingProtocols, resp.StatusCode)
		fmt.Fprint(conn, "CONNECT\n")
		line, err := r.ReadString('\n')
		require.NoError(t, err)
		assert.Equal(t, "echo:CONNECT\n", line, "bytes flow both ways through the tunnel")
	})
}

// A fresh gateway, so client1's allowance is whole when the flood starts.
func TestGatewayRateLimitsPerClient(t *testing.T) {
	listen, _ := startGateway(t, false)
	base := "http://" + listen.HTTP
	c1 := nginxtest.ClientFrom(client1)
	codes := map[int]int{}
	for range 300 {
		codes[get(t, c1, base+"/api/v1/items").StatusCode]++
	}
	assert.Positive(t, codes[http.StatusTooManyRequests], "client1 is limited: %v", codes)
	assert.Greater(t, codes[http.StatusOK], gateway.Burst, "the burst passes: %v", codes)
	assert.Equal(t, 300, codes[http.StatusOK]+codes[http.StatusTooManyRequests], "nothing else: %v", codes)
	assert.Equal(t, http.StatusOK, get(t, nginxtest.ClientFrom(client2), base+"/api/v1/items").StatusCode, "client2 is still served")
	assert.Equal(t, http.StatusOK, get(t, c1, base+"/health").StatusCode, "/health is never limited")
}

// viaEdge sends one HTTPS request over a connection from src that starts
// with a PROXY header claiming claimed as the client.
func viaEdge(t *testing.T, src, addr, claimed, path string) echo {
	t.Helper()
	transport := &http.Transport{DialTLSContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		conn, err := nginxtest.DialFrom(ctx, src, addr)
		if err != nil {
			return nil, err
		}
		header := &proxyproto.Header{Version: 1, Command: proxyproto.PROXY, TransportProtocol: proxyproto.TCPv4,
			SourceAddr:      &net.TCPAddr{IP: net.ParseIP(claimed), Port: 40000},
			DestinationAddr: conn.RemoteAddr()}
		if _, err := header.WriteTo(conn); err != nil {
			return nil, err
		}
		tc := tls.Client(conn, &tls.Config{ServerName: apiName, InsecureSkipVerify: true})
		return tc, tc.HandshakeContext(ctx)
	}}
	defer transport.CloseIdleConnections()
	resp, err := (&http.Client{Transport: transport}).Get("https://" + apiName + path)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, resp.Header.Get("Strict-Transport-Security"), "max-age=", "HSTS over TLS")
	return decode(t, resp.Body)
}

func TestGatewayBehindTheEdgeTakesTheClientFromProxyProtocol(t *testing.T) {
	listen, _ := startGateway(t, true)

	e := viaEdge(t, edgeIP, listen.HTTPS, "203.0.113.50", "/api/v1/items")
	assert.Equal(t, "203.0.113.50", e.RealIP, "the edge's PROXY header names the client")
	assert.Equal(t, "https", e.Proto)

	e = viaEdge(t, strangerIP, listen.HTTPS, "203.0.113.50", "/api/v1/items")
	assert.Equal(t, strangerIP, e.RealIP, "a PROXY header from anyone but the edge is ignored")

	// Plain HTTP keeps ACME and /health and sends the rest to https.
	c := nginxtest.ClientFrom(client2)
	assert.Equal(t, http.StatusOK, get(t, c, "http://"+listen.HTTP+"/health").StatusCode)
	resp := get(t, c, "http://"+listen.HTTP+"/api/v1/items", "Host", apiName)
	assert.Equal(t, http.StatusMovedPermanently, resp.StatusCode)
	assert.Equal(t, "https://"+apiName+"/api/v1/items", resp.Header.Get("Location"))
}

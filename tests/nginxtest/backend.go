package nginxtest

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Backend is a Go stand-in for one upstream on 127.0.0.1: it names itself,
// echoes what the gateway told it as JSON, and tunnels a WebSocket-style
// upgrade on /api/v1/ws. It returns its address.
func Backend(t testing.TB, name string) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	mux := http.NewServeMux()
	mux.HandleFunc("/api/v1/ws", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Upgrade") != "websocket" || r.Header.Get("Connection") != "upgrade" {
			http.Error(w, "no upgrade", http.StatusBadRequest)
			return
		}
		conn, rw, err := http.NewResponseController(w).Hijack()
		if err != nil {
			return
		}
		defer conn.Close()
		fmt.Fprint(rw, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n")
		_ = rw.Flush()
		line, _ := rw.ReadString('\n')
		fmt.Fprint(rw, "echo:"+line)
		_ = rw.Flush()
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		// The upstream's own framing header must not reach the client.
		w.Header().Set("X-Frame-Options", "SAMEORIGIN")
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"backend":%q,"path":%q,"realIp":%q,"forwardedFor":%q,"proto":%q,"padding":%q}`,
			name, r.URL.Path, r.Header.Get("X-Real-IP"), r.Header.Get("X-Forwarded-For"),
			r.Header.Get("X-Forwarded-Proto"), strings.Repeat("x", 1024))
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	return l.Addr().String()
}

// ClientFrom is an HTTP client whose connections leave from src; it neither
// follows redirects nor asks for compression unless told.
func ClientFrom(src string) *http.Client {
	return &http.Client{
		Timeout:       10 * time.Second,
		Transport:     &http.Transport{DialContext: Dialer(src).DialContext, DisableCompression: true},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// DialFrom opens a TCP connection from src.
func DialFrom(ctx context.Context, src, addr string) (net.Conn, error) {
	return Dialer(src).DialContext(ctx, "tcp", addr)
}

// Dialer connects from a chosen loopback source address, so tests can tell
// clients, proxies and backends apart by address.
func Dialer(src string) *net.Dialer {
	return &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(src)}, Timeout: 5 * time.Second}
}

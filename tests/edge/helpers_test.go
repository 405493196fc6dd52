package edge_test

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

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

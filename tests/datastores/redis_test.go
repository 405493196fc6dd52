// Package datastores checks the rendered MySQL and Redis files with the real
// servers Debian packages, on loopback.
package datastores

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jiucom/jiucom-infra/components/config"
	"github.com/jiucom/jiucom-infra/components/redis"
	"github.com/jiucom/jiucom-infra/tests/nginxtest"
	"github.com/jiucom/jiucom-infra/tests/tooltest"
)

// resp sends one command in RESP and returns the reply's lines.
func resp(t *testing.T, r *bufio.Reader, conn net.Conn, args ...string) string {
	t.Helper()
	fmt.Fprintf(conn, "*%d\r\n", len(args))
	for _, a := range args {
		fmt.Fprintf(conn, "$%d\r\n%s\r\n", len(a), a)
	}
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(5*time.Second)))
	line, err := r.ReadString('\n')
	require.NoError(t, err)
	line = strings.TrimRight(line, "\r\n")
	if !strings.HasPrefix(line, "*") {
		return line
	}
	var n int
	fmt.Sscanf(line, "*%d", &n)
	var parts []string
	for range n {
		_, _ = r.ReadString('\n') // $len
		v, err := r.ReadString('\n')
		require.NoError(t, err)
		parts = append(parts, strings.TrimRight(v, "\r\n"))
	}
	return strings.Join(parts, " ")
}

// The rendered redis.conf loads in a real redis-server: the password is
// required (even one with quotes and spaces), maxmemory is 75 % of the
// limit with the eviction policy, and persistence follows the setting.
func TestRedisConfigOnRealRedis(t *testing.T) {
	bin := tooltest.Require(t, "redis-server")
	password := `p@ss "word" with spaces\`
	for _, persistence := range []string{config.RedisAOF, config.RedisRDB} {
		t.Run(persistence, func(t *testing.T) {
			dir := t.TempDir()
			conf, err := redis.Config(redis.Settings{Password: password, Persistence: persistence, MemoryLimitMiB: 512, Dir: dir})
			require.NoError(t, err)
			path := filepath.Join(dir, "redis.conf")
			require.NoError(t, os.WriteFile(path, []byte(conf), 0o600))
			addr := nginxtest.LoopbackAddr(t, "127.0.0.1")
			_, port, _ := net.SplitHostPort(addr)
			// Arguments after the file override it: loopback and a free port.
			cmd := exec.Command(bin, path, "--bind", "127.0.0.1", "--port", port, "--daemonize", "no")
			cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
			require.NoError(t, cmd.Start())
			t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })

			var conn net.Conn
			require.Eventually(t, func() bool { conn, err = net.Dial("tcp", addr); return err == nil }, 10*time.Second, 20*time.Millisecond)
			defer conn.Close()
			r := bufio.NewReader(conn)
			assert.Contains(t, resp(t, r, conn, "PING"), "NOAUTH", "a password is required")
			assert.Equal(t, "+OK", resp(t, r, conn, "AUTH", password))
			assert.Equal(t, fmt.Sprintf("maxmemory %d", 384*1024*1024), resp(t, r, conn, "CONFIG", "GET", "maxmemory"))
			assert.Equal(t, "maxmemory-policy "+redis.EvictionPolicy, resp(t, r, conn, "CONFIG", "GET", "maxmemory-policy"))
			want := map[string]string{config.RedisAOF: "appendonly yes", config.RedisRDB: "appendonly no"}[persistence]
			assert.Equal(t, want, resp(t, r, conn, "CONFIG", "GET", "appendonly"))
			saves := resp(t, r, conn, "CONFIG", "GET", "save")
			if persistence == config.RedisRDB {
				assert.NotEqual(t, "save ", saves, "snapshots are scheduled")
			} else {
				assert.Equal(t, "save ", saves, "no snapshots on top of the AOF")
			}
		})
	}
}

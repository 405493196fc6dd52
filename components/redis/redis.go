// Package redis renders redis.conf: the password, persistence on the data
// volume, and a maxmemory below the container's limit.
package redis

import (
	"fmt"
	"strings"

	"github.com/jiucom/jiucom-infra/components/config"
)

// Headroom: maxmemory is this share of the container limit. Redis needs room
// above maxmemory for client buffers, the AOF rewrite and RDB fork
// copy-on-write; at the limit the kernel kills it instead of evicting.
const maxmemoryPercent = 75

// EvictionPolicy suits a cache and session store: only keys with a TTL
// (cache entries, sessions) are evicted, least recently used first; a key
// the app stored without one is never silently dropped.
const EvictionPolicy = "volatile-lru"

// Settings is what the file depends on.
type Settings struct {
	Password       string
	Persistence    string
	MemoryLimitMiB int
	// Dir holds the AOF and RDB files: the data volume, /data in the image.
	Dir string
}

// MaxmemoryMiB is the share of the container limit Redis may use for data.
func MaxmemoryMiB(limitMiB int) int { return limitMiB * maxmemoryPercent / 100 }

// Config returns redis.conf. Command-line arguments still override it (the
// tests bind to loopback that way).
func Config(s Settings) (string, error) {
	if s.MemoryLimitMiB <= 0 {
		return "", fmt.Errorf("redis: a memory limit is required to size maxmemory")
	}
	if s.Dir == "" {
		return "", fmt.Errorf("redis: a data directory is required")
	}
	var b strings.Builder
	fmt.Fprintf(&b, `# Rendered by components/redis.
bind 0.0.0.0
port 6379
requirepass %s
dir %s
maxmemory %dmb
maxmemory-policy %s
`, quote(s.Password), quote(s.Dir), MaxmemoryMiB(s.MemoryLimitMiB), EvictionPolicy)
	switch s.Persistence {
	case config.RedisAOF:
		// At most one second of writes is lost on a crash; no RDB snapshots
		// on top (the AOF has everything, and forks cost memory).
		b.WriteString("appendonly yes\nappendfsync everysec\nsave \"\"\n")
	case config.RedisRDB:
		b.WriteString("appendonly no\nsave 3600 1 300 100 60 10000\n")
	default:
		return "", fmt.Errorf("redis: unknown persistence %q", s.Persistence)
	}
	return b.String(), nil
}

// quote is a redis.conf double-quoted string: any password is safe in it.
func quote(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "\r", `\r`)
	return `"` + r.Replace(s) + `"`
}

package services

import (
	"fmt"

	"github.com/jiucom/jiucom-infra/components/config"
	"github.com/jiucom/jiucom-infra/components/container"
	redisconf "github.com/jiucom/jiucom-infra/components/redis"
)

const (
	redisConfigPath   = "/usr/local/etc/redis/redis.conf"
	redisDataDir      = "/data"
	redisPasswordFile = secretDir + "redis-password"
)

var redis = Record{
	Name: config.Redis, Host: config.Service,
	Image:     "redis:7.4.1-alpine",
	Resources: res(1000, 250, 512, 128),
	Port:      6379,
	Data:      redisDataDir,
	Health: Health{Test: []string{"CMD-SHELL",
		`REDISCLI_AUTH="$(cat ` + redisPasswordFile + `)" redis-cli ping | grep -q PONG`}},
	Spec: func(e *Env, _ Instance) (container.Spec, error) {
		s := e.Cfg.Secrets
		settings := redisconf.Settings{Persistence: e.Cfg.Redis.Persistence, MemoryLimitMiB: e.Cfg.Resources[config.Redis].MemoryLimitMiB, Dir: redisDataDir}
		if _, err := redisconf.Config(settings); err != nil {
			return container.Spec{}, fmt.Errorf("redis: %w", err)
		}
		return container.Spec{
			Command: []string{"redis-server", redisConfigPath},
			Files: []container.File{
				secretFile(redisConfigPath, s.RedisPassword, func(p string) string {
					withPassword := settings
					withPassword.Password = p
					conf, _ := redisconf.Config(withPassword)
					return conf // checked above; only the password differs
				}),
				{Path: redisPasswordFile, Content: s.RedisPassword},
			},
			KeepDefaultCaps: true, // the entrypoint chowns /data and drops to redis with gosu
		}, nil
	},
}

package services

import (
	"encoding/json"
	"time"

	"github.com/jiucom/jiucom-infra/components/config"
	"github.com/jiucom/jiucom-infra/components/container"
)

const redisExporterAuth = secretDir + "redis-exporter-passwords.json"

var redisExporter = Record{
	Name: config.RedisExporter, Host: config.Service,
	Image:     "oliver006/redis_exporter:v1.66.0-alpine",
	Resources: res(250, 100, 128, 64),
	Port:      9121,
	Health:    Health{Path: "/health", StartPeriod: 10 * time.Second},
	Scrape:    &Scrape{Job: "redis"},
	Consumes:  []string{config.Redis},
	Beside:    config.Redis,
	After:     []string{config.Redis, config.Grafana},
	Spec: func(e *Env, in Instance) (container.Spec, error) {
		addr := "redis://" + e.Endpoint(in.Role, config.Redis)
		return container.Spec{
			Command: []string{"--redis.addr=" + addr, "--redis.password-file=" + redisExporterAuth},
			// redis_exporter's password file maps each address to its password.
			Files: []container.File{secretFile(redisExporterAuth, e.Cfg.Secrets.RedisPassword, func(p string) string {
				out, _ := json.Marshal(map[string]string{addr: p}) // a string map always marshals
				return string(out)
			})},
		}, nil
	},
}

package services

import (
	"fmt"
	"net"
	"time"

	"github.com/jiucom/jiucom-infra/components/config"
	"github.com/jiucom/jiucom-infra/components/container"
)

// Passwords are files named after their Spring properties, read as a
// config tree, so they never sit in the container's environment.
const (
	springSecretTree    = secretDir + "spring/"
	springDBPassword    = springSecretTree + "spring.datasource.password"
	springRedisPassword = springSecretTree + "spring.data.redis.password"
)

// appStopGrace is how long a replaced app replica may drain.
const appStopGrace = 20 * time.Second

// app is the Spring Boot API; images.app has no default, and its replicas
// (app.replicas) roll one at a time behind the gateway.
var app = Record{
	Name: config.App, Host: config.Service,
	Resources: res(2000, 500, 1024, 512),
	Port:      8080,
	Health:    Health{Path: "/api/v1/actuator/health", StartPeriod: 120 * time.Second},
	Scrape:    &Scrape{Job: "jiucom-api", Path: "/api/v1/actuator/prometheus"},
	Consumes:  []string{config.MySQL, config.Redis, config.Zipkin},
	After:     []string{config.MySQL, config.Redis},
	Upstream:  true,
	Spec: func(e *Env, in Instance) (container.Spec, error) {
		cfg := e.Cfg
		// Endpoints are host:port, so they always split.
		redisHost, redisPort, _ := net.SplitHostPort(e.Endpoint(in.Role, config.Redis))
		spec := container.Spec{
			Env: map[string]string{
				"SPRING_PROFILES_ACTIVE":                  cfg.Name,
				"SPRING_DATASOURCE_URL":                   fmt.Sprintf("jdbc:mysql://%s/%s", e.Endpoint(in.Role, config.MySQL), mysqlDatabase),
				"SPRING_DATASOURCE_USERNAME":              mysqlAppUser,
				"SPRING_DATA_REDIS_HOST":                  redisHost,
				"SPRING_DATA_REDIS_PORT":                  redisPort,
				"SPRING_CONFIG_IMPORT":                    "optional:configtree:" + springSecretTree,
				"MANAGEMENT_ZIPKIN_TRACING_ENDPOINT":      fmt.Sprintf("http://%s/api/v2/spans", e.Endpoint(in.Role, config.Zipkin)),
				"MANAGEMENT_TRACING_SAMPLING_PROBABILITY": fmt.Sprint(cfg.TracingSampling),
			},
			Files: []container.File{
				{Path: springDBPassword, Content: cfg.Secrets.MySQLPassword},
				{Path: springRedisPassword, Content: cfg.Secrets.RedisPassword},
			},
			WaitTimeout: 300 * time.Second,
			// A replaced replica gets SIGTERM and time to finish its
			// in-flight requests (Spring Boot's graceful shutdown) while the
			// gateway already retries new ones on the other replicas.
			StopGrace: appStopGrace,
		}
		if cfg.App.Build != "" {
			spec.Build = &container.Build{Context: cfg.App.Build}
		}
		return spec, nil
	},
}

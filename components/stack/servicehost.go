package stack

import (
	"fmt"
	"strings"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/jiucom/jiucom-infra/components/config"
	"github.com/jiucom/jiucom-infra/components/container"
)

// Files holding secrets inside containers; images read them through their
// *_FILE variables so passwords stay out of `docker inspect` and command lines.
const (
	secretDir         = "/run/secrets/"
	mysqlDatabase     = "jiucom"
	mysqlAppUser      = "jiucom"
	redisConfigPath   = "/usr/local/etc/redis/redis.conf"
	redisPasswordFile = secretDir + "redis-password"
)

func mysql(d *deployment) error {
	s := d.cfg.Secrets
	return d.runPlaced(config.MySQL, func(in instance) container.Spec {
		return container.Spec{
			Env: map[string]string{
				"MYSQL_DATABASE":           mysqlDatabase,
				"MYSQL_USER":               mysqlAppUser,
				"MYSQL_ROOT_PASSWORD_FILE": secretDir + "mysql-root-password",
				"MYSQL_PASSWORD_FILE":      secretDir + "mysql-password",
			},
			Files: []container.File{
				{Path: secretDir + "mysql-root-password", Content: s.MySQLRootPassword},
				{Path: secretDir + "mysql-password", Content: s.MySQLPassword},
			},
			Mounts: []container.Mount{{Volume: d.volume(in, config.MySQL), Target: "/var/lib/mysql"}},
			Ports:  d.lanPorts(in),
			// The entrypoint's bootstrap server skips networking, so a TCP ping
			// only succeeds once the real server accepts connections.
			Health:          container.Healthcheck{Test: []string{"CMD", "mysqladmin", "ping", "--protocol=tcp", "-h", "127.0.0.1", "--silent"}, StartPeriod: 90 * time.Second},
			KeepDefaultCaps: true, // the entrypoint chowns the datadir and drops to mysql with gosu
			WaitTimeout:     300 * time.Second,
		}
	})
}

func redis(d *deployment) error {
	s := d.cfg.Secrets
	return d.runPlaced(config.Redis, func(in instance) container.Spec {
		return container.Spec{
			Command: []string{"redis-server", redisConfigPath},
			Files: []container.File{
				{Path: redisConfigPath, Content: s.RedisPassword.ApplyT(func(p string) string {
					return fmt.Sprintf("requirepass %s\nappendonly yes\ndir /data\n", p)
				}).(pulumi.StringOutput)},
				{Path: redisPasswordFile, Content: s.RedisPassword},
			},
			Mounts: []container.Mount{{Volume: d.volume(in, config.Redis), Target: "/data"}},
			Ports:  d.lanPorts(in),
			Health: container.Healthcheck{Test: []string{"CMD-SHELL",
				`REDISCLI_AUTH="$(cat ` + redisPasswordFile + `)" redis-cli ping | grep -q PONG`}},
			KeepDefaultCaps: true, // the entrypoint chowns /data and drops to redis with gosu
		}
	})
}

func app(d *deployment) error {
	cfg := d.cfg
	return d.runPlaced(config.App, func(in instance) container.Spec {
		spec := container.Spec{
			Env: map[string]string{
				"SPRING_PROFILES_ACTIVE":                  cfg.Name,
				"SPRING_DATASOURCE_URL":                   fmt.Sprintf("jdbc:mysql://%s/%s", d.endpoint(in.role, config.MySQL), mysqlDatabase),
				"SPRING_DATASOURCE_USERNAME":              mysqlAppUser,
				"SPRING_DATA_REDIS_HOST":                  hostOf(d.endpoint(in.role, config.Redis)),
				"SPRING_DATA_REDIS_PORT":                  portOf(d.endpoint(in.role, config.Redis)),
				"MANAGEMENT_ZIPKIN_TRACING_ENDPOINT":      fmt.Sprintf("http://%s/api/v2/spans", d.endpoint(in.role, config.Zipkin)),
				"MANAGEMENT_TRACING_SAMPLING_PROBABILITY": fmt.Sprint(cfg.TracingSampling),
			},
			// Spring Boot reads these only from the environment; the values
			// stay secret in state.
			SecretEnv: map[string]pulumi.StringInput{
				"SPRING_DATASOURCE_PASSWORD": cfg.Secrets.MySQLPassword,
				"SPRING_DATA_REDIS_PASSWORD": cfg.Secrets.RedisPassword,
			},
			Ports:       d.lanPorts(in),
			Health:      httpHealth("http://127.0.0.1:8080/api/v1/actuator/health", 120*time.Second),
			WaitTimeout: 300 * time.Second,
		}
		if cfg.App.Build != "" {
			spec.Build = &container.Build{Context: cfg.App.Build}
		}
		return spec
	}, config.MySQL, config.Redis)
}

func mysqlExporter(d *deployment) error {
	return d.runPlaced(config.MySQLExporter, func(in instance) container.Spec {
		return container.Spec{
			Command: []string{"--mysqld.address=" + d.endpoint(in.role, config.MySQL), "--mysqld.username=exporter"},
			SecretEnv: map[string]pulumi.StringInput{
				"MYSQLD_EXPORTER_PASSWORD": d.cfg.Secrets.MySQLExporterPassword,
			},
			Ports:  d.lanPorts(in),
			Health: httpHealth("http://127.0.0.1:9104/metrics", 10*time.Second),
		}
	}, config.MySQL, config.Grafana)
}

func redisExporter(d *deployment) error {
	return d.runPlaced(config.RedisExporter, func(in instance) container.Spec {
		return container.Spec{
			Env: map[string]string{"REDIS_ADDR": "redis://" + d.endpoint(in.role, config.Redis)},
			SecretEnv: map[string]pulumi.StringInput{
				"REDIS_PASSWORD": d.cfg.Secrets.RedisPassword,
			},
			Ports:  d.lanPorts(in),
			Health: httpHealth("http://127.0.0.1:9121/health", 10*time.Second),
		}
	}, config.Redis, config.Grafana)
}

// gatewayPublicPort is the one port published on every address: the API
// gateway is the service host's public entry point. When a container edge
// shares its engine the edge owns :80, and the gateway is published on the
// LAN address at gatewayLANPort for direct access.
const (
	gatewayPublicPort = 80
	gatewayLANPort    = 8080
)

func (d *deployment) gatewayPorts(in instance) []container.Port {
	e := d.cfg.Edge
	if e.Mode == config.EdgeContainer && d.cfg.SameEngine(e.ContainerHost, in.role) {
		return []container.Port{{Internal: ports[config.Gateway], External: gatewayLANPort, HostIP: d.cfg.Hosts[in.role].LAN}}
	}
	return []container.Port{{Internal: ports[config.Gateway], External: gatewayPublicPort, HostIP: "0.0.0.0"}}
}

func gateway(d *deployment) error {
	return d.runPlaced(config.Gateway, func(in instance) container.Spec {
		return container.Spec{
			Ports:   d.gatewayPorts(in),
			Health:  httpHealth("http://127.0.0.1/", 10*time.Second),
			CapAdd:  container.NginxCaps,
			Restart: "unless-stopped",
		}
	}, config.App, config.Grafana, config.Zipkin)
}

func hostOf(endpoint string) string {
	host, _, _ := strings.Cut(endpoint, ":")
	return host
}

func portOf(endpoint string) string {
	_, port, _ := strings.Cut(endpoint, ":")
	return port
}

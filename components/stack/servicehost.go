package stack

import (
	"encoding/json"
	"fmt"
	"net"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/jiucom/jiucom-infra/components/config"
	"github.com/jiucom/jiucom-infra/components/container"
	mysqlfiles "github.com/jiucom/jiucom-infra/components/mysql"
	redisconf "github.com/jiucom/jiucom-infra/components/redis"
)

// Files holding secrets inside containers; images read them through their
// *_FILE variables or option files, so passwords stay out of
// `docker inspect`, command lines and logs.
const (
	secretDir           = "/run/secrets/"
	mysqlDatabase       = "jiucom"
	mysqlAppUser        = "jiucom"
	mysqlHealthCnf      = secretDir + "mysql-healthcheck.cnf"
	mysqlExporterCnf    = secretDir + "mysqld-exporter.cnf"
	mysqlInitDir        = "/docker-entrypoint-initdb.d/"
	redisConfigPath     = "/usr/local/etc/redis/redis.conf"
	redisDataDir        = "/data"
	redisPasswordFile   = secretDir + "redis-password"
	redisExporterAuth   = secretDir + "redis-exporter-passwords.json"
	springSecretTree    = secretDir + "spring/"
	springDBPassword    = springSecretTree + "spring.datasource.password"
	springRedisPassword = springSecretTree + "spring.data.redis.password"
)

// secretFile renders a secret into a file's content, keeping it secret.
func secretFile(path string, secret pulumi.StringOutput, render func(string) string) container.File {
	return container.File{Path: path, Content: pulumi.ToSecret(secret.ApplyT(render)).(pulumi.StringOutput)}
}

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
				secretFile(mysqlInitDir+"10-exporter-user.sql", s.MySQLExporterPassword, mysqlfiles.ExporterInitSQL),
				secretFile(mysqlHealthCnf, s.MySQLExporterPassword, func(p string) string {
					return mysqlfiles.ClientConfig(mysqlfiles.ExporterUser, p, "")
				}),
			},
			Mounts: []container.Mount{{Volume: d.volume(in, config.MySQL), Target: "/var/lib/mysql"}},
			Ports:  d.lanPorts(in),
			// The entrypoint's bootstrap server skips networking, so a TCP ping
			// only succeeds once the real server accepts connections. The
			// credentials (the exporter's: it needs no privilege) come from a
			// defaults file, never the command line.
			Health: container.Healthcheck{Test: []string{"CMD", "mysqladmin", "--defaults-extra-file=" + mysqlHealthCnf,
				"ping", "--protocol=tcp", "-h", "127.0.0.1", "--silent"}, StartPeriod: 90 * time.Second},
			KeepDefaultCaps: true, // the entrypoint chowns the datadir and drops to mysql with gosu
			WaitTimeout:     300 * time.Second,
		}
	})
}

func redis(d *deployment) error {
	s := d.cfg.Secrets
	settings := redisconf.Settings{Persistence: d.cfg.Redis.Persistence, MemoryLimitMiB: d.cfg.Resources[config.Redis].MemoryLimitMiB, Dir: redisDataDir}
	if _, err := redisconf.Config(settings); err != nil {
		return fmt.Errorf("stack: %w", err)
	}
	return d.runPlaced(config.Redis, func(in instance) container.Spec {
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
			Mounts: []container.Mount{{Volume: d.volume(in, config.Redis), Target: redisDataDir}},
			Ports:  d.lanPorts(in),
			Health: container.Healthcheck{Test: []string{"CMD-SHELL",
				`REDISCLI_AUTH="$(cat ` + redisPasswordFile + `)" redis-cli ping | grep -q PONG`}},
			KeepDefaultCaps: true, // the entrypoint chowns /data and drops to redis with gosu
		}
	})
}

// appStopGrace is how long a replaced app replica may drain.
const appStopGrace = 20 * time.Second

func app(d *deployment) error {
	cfg := d.cfg
	return d.runPlaced(config.App, func(in instance) container.Spec {
		// Endpoints are host:port built by placement.go, so they always split.
		redisHost, redisPort, _ := net.SplitHostPort(d.endpoint(in.role, config.Redis))
		spec := container.Spec{
			Env: map[string]string{
				"SPRING_PROFILES_ACTIVE":     cfg.Name,
				"SPRING_DATASOURCE_URL":      fmt.Sprintf("jdbc:mysql://%s/%s", d.endpoint(in.role, config.MySQL), mysqlDatabase),
				"SPRING_DATASOURCE_USERNAME": mysqlAppUser,
				"SPRING_DATA_REDIS_HOST":     redisHost,
				"SPRING_DATA_REDIS_PORT":     redisPort,
				// Passwords are files named after their properties, read as a
				// config tree, so they never sit in the container's environment.
				"SPRING_CONFIG_IMPORT":                    "optional:configtree:" + springSecretTree,
				"MANAGEMENT_ZIPKIN_TRACING_ENDPOINT":      fmt.Sprintf("http://%s/api/v2/spans", d.endpoint(in.role, config.Zipkin)),
				"MANAGEMENT_TRACING_SAMPLING_PROBABILITY": fmt.Sprint(cfg.TracingSampling),
			},
			Files: []container.File{
				{Path: springDBPassword, Content: cfg.Secrets.MySQLPassword},
				{Path: springRedisPassword, Content: cfg.Secrets.RedisPassword},
			},
			Ports:       d.lanPorts(in),
			Health:      httpHealth("http://127.0.0.1:8080/api/v1/actuator/health", 120*time.Second),
			WaitTimeout: 300 * time.Second,
			// A replaced replica gets SIGTERM and time to finish its
			// in-flight requests (Spring Boot's graceful shutdown) while the
			// gateway already retries new ones on the other replicas.
			StopGrace: appStopGrace,
		}
		if cfg.App.Build != "" {
			spec.Build = &container.Build{Context: cfg.App.Build}
		}
		return spec
	}, config.MySQL, config.Redis)
}

func mysqlExporter(d *deployment) error {
	return d.runPlaced(config.MySQLExporter, func(in instance) container.Spec {
		db := d.endpoint(in.role, config.MySQL)
		return container.Spec{
			Command: []string{"--config.my-cnf=" + mysqlExporterCnf},
			Files: []container.File{secretFile(mysqlExporterCnf, d.cfg.Secrets.MySQLExporterPassword, func(p string) string {
				return mysqlfiles.ClientConfig(mysqlfiles.ExporterUser, p, db)
			})},
			Ports:  d.lanPorts(in),
			Health: httpHealth("http://127.0.0.1:9104/metrics", 10*time.Second),
		}
	}, config.MySQL, config.Grafana)
}

func redisExporter(d *deployment) error {
	return d.runPlaced(config.RedisExporter, func(in instance) container.Spec {
		addr := "redis://" + d.endpoint(in.role, config.Redis)
		return container.Spec{
			Command: []string{"--redis.addr=" + addr, "--redis.password-file=" + redisExporterAuth},
			// redis_exporter's password file maps each address to its password.
			Files: []container.File{secretFile(redisExporterAuth, d.cfg.Secrets.RedisPassword, func(p string) string {
				return jsonObject(map[string]string{addr: p})
			})},
			Ports:  d.lanPorts(in),
			Health: httpHealth("http://127.0.0.1:9121/health", 10*time.Second),
		}
	}, config.Redis, config.Grafana)
}

// jsonObject renders a string map; it cannot fail.
func jsonObject(m map[string]string) string {
	out, _ := json.Marshal(m)
	return string(out)
}

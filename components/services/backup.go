package services

import (
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/jiucom/jiucom-infra/assets"
	"github.com/jiucom/jiucom-infra/components/config"
	"github.com/jiucom/jiucom-infra/components/container"
	mysqlfiles "github.com/jiucom/jiucom-infra/components/mysql"
)

// Where the backup container keeps its scripts, secrets and the volumes it
// backs up (each data volume of its engine at volumesDir/<service>).
const (
	backupScripts       = "/usr/local/lib/jiucom/backup/"
	volumesDir          = "/volumes/"
	resticPasswordFile  = secretDir + "restic-password"
	mysqlBackupCnf      = secretDir + "mysql-backup.cnf"
	backupRedisPassword = secretDir + "redis-password"
)

// BackupService is the backup record's name, and so its containers'
// com.jiucom.service label.
const BackupService = "backup"

// BackupImage is restic's image with the clients the dumps need (built
// from assets/backup/Dockerfile on the host's engine).
const BackupImage = "jiucom/backup:0.17.3-1"

// backup runs on every docker engine that holds a data volume: a nightly
// restic run over the application-consistent snapshots of the services
// there (assets/backup), retention, a weekly check, and the results pushed
// to the Pushgateway. It is off when backup.enabled is false.
var backup = Record{
	Name: BackupService, DataHosts: true,
	Image:     BackupImage,
	Resources: res(1000, 100, 512, 128),
	Health:    Health{Test: []string{"CMD", "pgrep", "crond"}},
	Consumes:  []string{"pushgateway"},
	When:      func(cfg *config.Stack) bool { return cfg.Backup.Enabled },
	Spec:      backupSpec,
}

func backupSpec(e *Env, in Instance) (container.Spec, error) {
	b := e.Cfg.Backup
	repo, err := e.backupRepository(in)
	if err != nil {
		return container.Spec{}, err
	}
	services := e.dataServicesOn(in.Role)
	env := map[string]string{
		"BACKUP_HOST":           e.HostName(in.Role),
		"BACKUP_SERVICES":       strings.Join(services, " "),
		"BACKUP_SCHEDULE":       b.Schedule,
		"BACKUP_CHECK_SCHEDULE": b.CheckSchedule,
		"BACKUP_VOLUMES":        volumesDir,
		"BACKUP_PUSHGATEWAY":    "http://" + e.Endpoint(in.Role, "pushgateway"),
		"KEEP_DAILY":            fmt.Sprint(b.Keep.Daily),
		"KEEP_WEEKLY":           fmt.Sprint(b.Keep.Weekly),
		"KEEP_MONTHLY":          fmt.Sprint(b.Keep.Monthly),
		"RESTIC_PASSWORD_FILE":  resticPasswordFile,
		"RESTIC_CACHE_DIR":      "/tmp/restic-cache",
	}
	for k, v := range repo.env {
		env[k] = v
	}
	files := append([]container.File{{Path: resticPasswordFile, Content: b.ResticPassword, Mode: "0400"}}, repo.files...)
	for _, script := range []string{"lib.sh", "backup.sh", "restore.sh", "schedule.sh"} {
		content, err := assets.Backup.ReadFile("backup/" + script)
		if err != nil {
			return container.Spec{}, fmt.Errorf("backup: %w", err)
		}
		files = append(files, container.File{Path: backupScripts + script, Content: pulumi.String(content), Mode: "0555"})
	}
	var mounts []container.Mount
	for _, service := range services {
		target := volumesDir + service
		mounts = append(mounts, container.Mount{Volume: e.HostFor(in.Role).Volumes[DataVolume(service)].Name, Target: target})
		switch service {
		case config.MySQL:
			host, port, _ := net.SplitHostPort(e.Endpoint(in.Role, config.MySQL))
			env["MYSQL_HOST"], env["MYSQL_PORT"], env["MYSQL_DATABASE"] = host, port, mysqlDatabase
			env["MYSQL_DEFAULTS_FILE"] = mysqlBackupCnf
			files = append(files, secretFile(mysqlBackupCnf, b.MySQLPassword, func(p string) string {
				return mysqlfiles.ClientConfig(mysqlfiles.BackupUser, p, "")
			}))
		case config.Redis:
			host, port, _ := net.SplitHostPort(e.Endpoint(in.Role, config.Redis))
			env["REDIS_HOST"], env["REDIS_PORT"], env["REDIS_DATA"] = host, port, target
			env["REDIS_PASSWORD_FILE"] = backupRedisPassword
			files = append(files, container.File{Path: backupRedisPassword, Content: e.Cfg.Secrets.RedisPassword, Mode: "0400"})
		case config.Grafana:
			env["GRAFANA_DB"] = target + "/grafana.db"
		case config.Prometheus:
			env["PROMETHEUS_URL"] = "http://" + e.Endpoint(in.Role, config.Prometheus)
			env["PROMETHEUS_DATA"] = target
		case config.Elasticsearch:
			// Registering a repository and restoring need the manage
			// privileges, close to a superuser's, so the backup logs in as
			// elastic rather than as one more user with a secret to set.
			env["ELASTICSEARCH_URL"] = "http://" + e.Endpoint(in.Role, config.Elasticsearch)
			env["ELASTICSEARCH_CURL"] = esCurlConfig
			env["ELASTICSEARCH_REPO"] = esRepository
			env["ELASTICSEARCH_REPO_DATA"] = target + strings.TrimPrefix(esRepository, elasticsearch.Data)
			files = append(files, esLogin(e.Cfg.Zipkin))
		}
	}
	return container.Spec{
		Build:   &container.Build{Context: "assets/backup"},
		Command: []string{backupScripts + "schedule.sh"},
		Env:     env,
		Files:   files,
		Mounts:  append(mounts, repo.mounts...),
		// Root reads and restores every service's files whatever their
		// owner, and crond runs the jobs; nothing else is kept.
		CapAdd:      []string{"CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "SETUID", "SETGID"},
		WaitTimeout: 60 * time.Second,
	}, nil
}

// dataServicesOn are the services with a data volume on a host's engine:
// those with a container there. Its backup container backs up every one.
func (e *Env) dataServicesOn(role config.Role) []string {
	var out []string
	for _, service := range e.DataServices() {
		if len(e.instancesOn(service, role)) > 0 {
			out = append(out, service)
		}
	}
	return out
}

// BackupTarget is where the host-side restore (assets/backup/host.sh) finds
// a backed-up service on one engine: its docker endpoint, the backup
// container there (which alone holds the repository's password) and the
// service's own containers on it, which a file restore stops and starts
// unless the service is restored Online (Record.OnlineRestore).
type BackupTarget struct {
	Engine     string   `json:"engine"`
	Docker     string   `json:"docker"`
	Backup     string   `json:"backup"`
	Containers []string `json:"containers"`
	Online     bool     `json:"online"`
}

// BackupTargets are the backed-up services by name, one target per engine
// that holds the service's data (the ACME clients' is on every engine with
// a home nginx); none with backups off.
func (e *Env) BackupTargets() map[string][]BackupTarget {
	out := map[string][]BackupTarget{}
	if !e.Cfg.Backup.Enabled {
		return out
	}
	for _, engine := range e.Cfg.Engines() {
		for _, service := range e.dataServicesOn(engine.Roles[0]) {
			t := BackupTarget{Engine: engine.Name, Docker: engine.Host.Docker, Backup: AgentInstance(backup.Name, engine).ContainerName,
				Online: e.Record(service).OnlineRestore}
			for _, in := range e.instancesOn(service, engine.Roles[0]) {
				t.Containers = append(t.Containers, in.ContainerName)
			}
			out[service] = append(out[service], t)
		}
	}
	return out
}

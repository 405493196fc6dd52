package services

import (
	"time"

	"github.com/jiucom/jiucom-infra/components/config"
	"github.com/jiucom/jiucom-infra/components/container"
	mysqlfiles "github.com/jiucom/jiucom-infra/components/mysql"
)

// The database the app uses and the files MySQL reads its secrets from.
const (
	mysqlDatabase     = "jiucom"
	mysqlAppUser      = "jiucom"
	mysqlRootPassword = secretDir + "mysql-root-password"
	mysqlPassword     = secretDir + "mysql-password"
	mysqlHealthCnf    = secretDir + "mysql-healthcheck.cnf"
	mysqlInitDir      = "/docker-entrypoint-initdb.d/"
)

var mysql = Record{
	Name: config.MySQL, Host: config.Service,
	Image:     "mysql:8.0.40",
	Resources: res(2000, 500, 2048, 512),
	Port:      3306,
	Data:      "/var/lib/mysql",
	// Loaded through the mysql container's own root client.
	OnlineRestore: true,
	// The entrypoint's bootstrap server skips networking, so a TCP ping only
	// succeeds once the real server accepts connections. The credentials
	// (the exporter's: it needs no privilege) come from a defaults file,
	// never the command line.
	Health: Health{Test: []string{"CMD", "mysqladmin", "--defaults-extra-file=" + mysqlHealthCnf,
		"ping", "--protocol=tcp", "-h", "127.0.0.1", "--silent"}, StartPeriod: 90 * time.Second},
	Spec: func(e *Env, _ Instance) (container.Spec, error) {
		s := e.Cfg.Secrets
		spec := container.Spec{
			Env: map[string]string{
				"MYSQL_DATABASE":           mysqlDatabase,
				"MYSQL_USER":               mysqlAppUser,
				"MYSQL_ROOT_PASSWORD_FILE": mysqlRootPassword,
				"MYSQL_PASSWORD_FILE":      mysqlPassword,
			},
			Files: []container.File{
				{Path: mysqlRootPassword, Content: s.MySQLRootPassword},
				{Path: mysqlPassword, Content: s.MySQLPassword},
				secretFile(mysqlInitDir+"10-exporter-user.sql", s.MySQLExporterPassword, mysqlfiles.ExporterInitSQL),
				secretFile(mysqlHealthCnf, s.MySQLExporterPassword, func(p string) string {
					return mysqlfiles.ClientConfig(mysqlfiles.ExporterUser, p, "")
				}),
			},
			KeepDefaultCaps: true, // the entrypoint chowns the datadir and drops to mysql with gosu
			WaitTimeout:     300 * time.Second,
		}
		if b := e.Cfg.Backup; b.Enabled {
			// The backup service's own read-only user, created on the
			// first boot like the exporter's (docs/backups.md for a
			// database that already exists).
			spec.Files = append(spec.Files, secretFile(mysqlInitDir+"20-backup-user.sql", b.MySQLPassword, func(p string) string {
				return mysqlfiles.BackupInitSQL(mysqlDatabase, p)
			}))
		}
		return spec, nil
	},
}

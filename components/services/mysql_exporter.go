package services

import (
	"time"

	"github.com/jiucom/jiucom-infra/components/config"
	"github.com/jiucom/jiucom-infra/components/container"
	mysqlfiles "github.com/jiucom/jiucom-infra/components/mysql"
)

const mysqlExporterCnf = secretDir + "mysqld-exporter.cnf"

var mysqlExporter = Record{
	Name: config.MySQLExporter, Host: config.Service,
	Image:     "prom/mysqld-exporter:v0.16.0",
	Resources: res(250, 100, 128, 64),
	Port:      9104,
	Health:    Health{Path: "/metrics", StartPeriod: 10 * time.Second},
	Scrape:    &Scrape{Job: "mysql"},
	Consumes:  []string{config.MySQL},
	Beside:    config.MySQL,
	After:     []string{config.MySQL, config.Grafana},
	Spec: func(e *Env, in Instance) (container.Spec, error) {
		db := e.Endpoint(in.Role, config.MySQL)
		return container.Spec{
			Command: []string{"--config.my-cnf=" + mysqlExporterCnf},
			Files: []container.File{secretFile(mysqlExporterCnf, e.Cfg.Secrets.MySQLExporterPassword, func(p string) string {
				return mysqlfiles.ClientConfig(mysqlfiles.ExporterUser, p, db)
			})},
		}, nil
	},
}

package services

import (
	"time"

	"github.com/jiucom/jiucom-infra/components/config"
	"github.com/jiucom/jiucom-infra/components/container"
)

// pushgateway holds the last metrics of batch jobs (backups, cron tasks,
// CI runs) that end before Prometheus could scrape them: a job pushes to
// http://<monitoring LAN>:9091/metrics/job/<name>, Prometheus scrapes the
// gateway keeping the pushed job labels. Pushed metrics survive a restart
// in its data volume.
var pushgateway = Record{
	Name: "pushgateway", Host: config.Monitoring,
	Image:      "prom/pushgateway:v1.10.0",
	Resources:  res(250, 100, 128, 64),
	Port:       9091,
	Data:       "/pushgateway",
	Health:     Health{Path: "/-/healthy", StartPeriod: 10 * time.Second},
	Scrape:     &Scrape{Job: "pushgateway", HonorLabels: true},
	OperatorUI: true, // batch jobs on any host push to its LAN address
	Spec: func(_ *Env, _ Instance) (container.Spec, error) {
		return container.Spec{Command: []string{"--persistence.file=/pushgateway/metrics.store", "--persistence.interval=1m"}}, nil
	},
}

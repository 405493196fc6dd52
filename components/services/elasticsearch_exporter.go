package services

import (
	"time"

	"github.com/jiucom/jiucom-infra/components/config"
	"github.com/jiucom/jiucom-infra/components/container"
)

const esExporterPassword = secretDir + "elasticsearch-exporter-password"

// elasticsearchExporter reports Elasticsearch's cluster health and disk
// (job elasticsearch) as the exporter user, who may only monitor.
var elasticsearchExporter = Record{
	Name: config.ElasticsearchExporter, Host: config.Monitoring,
	Image:     "quay.io/prometheuscommunity/elasticsearch-exporter:v1.8.0",
	Resources: res(250, 100, 128, 64),
	Port:      9114,
	Health:    Health{Path: "/healthz", StartPeriod: 10 * time.Second},
	Scrape:    &Scrape{Job: "elasticsearch"},
	Consumes:  []string{config.Elasticsearch},
	Beside:    config.Elasticsearch,
	After:     []string{config.Elasticsearch, config.Grafana},
	When:      durableTraces,
	Spec: func(e *Env, in Instance) (container.Spec, error) {
		return container.Spec{
			// The exporter takes its password from ES_PASSWORD only; the
			// wrapper reads it from the file inside the container.
			Entrypoint: passwordFromFile(esExporterPassword, "/bin/elasticsearch_exporter"),
			Command:    []string{"--es.uri=http://" + e.Endpoint(in.Role, config.Elasticsearch), "--es.timeout=10s"},
			Env:        map[string]string{"ES_USERNAME": esExporterUser},
			Files:      []container.File{{Path: esExporterPassword, Content: e.Cfg.Zipkin.ExporterPassword}},
		}, nil
	},
}

// passwordFromFile is an entrypoint that exports ES_PASSWORD from a
// secret file, then runs program with the container's command: for
// images that read the password from the environment only, so that it is
// in neither the container's definition nor its command line.
func passwordFromFile(file, program string) []string {
	return []string{"/bin/sh", "-c", `ES_PASSWORD="$(cat "$0")" && export ES_PASSWORD && exec "$@"`, file, program}
}

package services

import (
	"fmt"
	"maps"
	"strings"
	"time"

	"github.com/jiucom/jiucom-infra/components/config"
	"github.com/jiucom/jiucom-infra/components/container"
)

// Zipkin's login to Elasticsearch, and the prefix of its daily indices
// (zipkin-span-2026-01-31, zipkin-dependency-…) the ILM template matches.
const (
	zipkinESCredentials = secretDir + "zipkin-elasticsearch.properties"
	zipkinIndex         = "zipkin"
)

// zipkin keeps the app's traces in memory or, with zipkin.storage
// elasticsearch, in Elasticsearch, which it then waits for.
var zipkin = Record{
	Name: config.Zipkin, Host: config.Monitoring,
	Image:      "openzipkin/zipkin:3.4.2",
	Resources:  res(500, 250, 512, 256),
	Port:       9411,
	Health:     Health{Test: []string{"CMD", "docker-healthcheck"}, StartPeriod: 60 * time.Second},
	After:      []string{config.App, config.Elasticsearch},
	Consumes:   []string{config.Elasticsearch},
	Upstream:   true,
	OperatorUI: true,
	Spec: func(e *Env, in Instance) (container.Spec, error) {
		heap := e.Cfg.Resources[config.Zipkin].MemoryLimitMiB * 3 / 4
		spec := container.Spec{
			Env: map[string]string{
				"STORAGE_TYPE": e.Cfg.Zipkin.Storage,
				// Keep the JVM heap inside the container limit, with room for metaspace.
				"JAVA_OPTS": fmt.Sprintf("-Xms%dm -Xmx%dm", heap/2, heap),
			},
		}
		if !e.Cfg.Zipkin.Durable() {
			return spec, nil
		}
		maps.Copy(spec.Env, map[string]string{
			"ES_HOSTS": "http://" + e.Endpoint(in.Role, config.Elasticsearch),
			"ES_INDEX": zipkinIndex,
			// One node: a replica could never be allocated.
			"ES_INDEX_SHARDS":   "1",
			"ES_INDEX_REPLICAS": "0",
			// Zipkin reads its login from this properties file (and
			// re-reads it), so the password is in no variable.
			"ES_CREDENTIALS_FILE": zipkinESCredentials,
		})
		spec.Files = []container.File{secretFile(zipkinESCredentials, e.Cfg.Zipkin.WriterPassword, func(p string) string {
			escape := strings.NewReplacer(`\`, `\\`)
			return "zipkin.storage.elasticsearch.username=" + esZipkinUser + "\nzipkin.storage.elasticsearch.password=" + escape.Replace(p) + "\n"
		})}
		return spec, nil
	},
}

package services

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/jiucom/jiucom-infra/assets"
	"github.com/jiucom/jiucom-infra/components/config"
	"github.com/jiucom/jiucom-infra/components/container"
)

const (
	dependenciesScript   = "/usr/local/lib/jiucom/zipkin/dependencies.sh"
	dependenciesPassword = secretDir + "zipkin-elasticsearch-password"
	// dependenciesAt is when the day's job runs (UTC): just after
	// midnight, once the day it links has no more spans coming.
	dependenciesAt = "00:10"
)

// zipkinDependencies links the previous day's spans into the service
// graph Zipkin shows under Dependencies, once a day, as Zipkin's own user.
var zipkinDependencies = Record{
	Name: config.ZipkinDependencies, Host: config.Monitoring,
	Image: "openzipkin/zipkin-dependencies:3.2.0",
	// Idle all day, then a Spark job: the reservation is the idle loop's,
	// the limit the job's.
	Resources: res(1000, 100, 1024, 128),
	Health:    Health{Test: []string{"CMD", "pgrep", "-f", dependenciesScript}},
	Consumes:  []string{config.Elasticsearch},
	After:     []string{config.Elasticsearch},
	When:      durableTraces,
	Spec: func(e *Env, in Instance) (container.Spec, error) {
		script, err := assets.Zipkin.ReadFile("zipkin/dependencies.sh")
		if err != nil {
			return container.Spec{}, fmt.Errorf("zipkin-dependencies: %w", err)
		}
		heap := e.Cfg.Resources[config.ZipkinDependencies].MemoryLimitMiB * 3 / 4
		return container.Spec{
			Entrypoint: passwordFromFile(dependenciesPassword, "/bin/sh"),
			Command:    []string{dependenciesScript},
			Env: map[string]string{
				"STORAGE_TYPE":      config.ZipkinElasticsearch,
				"ES_HOSTS":          "http://" + e.Endpoint(in.Role, config.Elasticsearch),
				"ES_INDEX":          zipkinIndex,
				"ES_USERNAME":       esZipkinUser,
				"ES_NODES_WAN_ONLY": "true", // Spark talks to ES_HOSTS only, not the addresses the node advertises
				"DEPENDENCIES_AT":   dependenciesAt,
				"JAVA_OPTS":         fmt.Sprintf("-Xms%dm -Xmx%dm -XX:+ExitOnOutOfMemoryError", heap/2, heap),
			},
			Files: []container.File{
				{Path: dependenciesPassword, Content: e.Cfg.Zipkin.WriterPassword},
				{Path: dependenciesScript, Content: pulumi.String(script), Mode: "0555"},
			},
		}, nil
	},
}

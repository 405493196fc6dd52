package services

import (
	"fmt"
	"time"

	"github.com/jiucom/jiucom-infra/components/config"
	"github.com/jiucom/jiucom-infra/components/container"
)

// zipkin keeps the app's traces in memory.
var zipkin = Record{
	Name: config.Zipkin, Host: config.Monitoring,
	Image:      "openzipkin/zipkin:3.4.2",
	Resources:  res(500, 250, 512, 256),
	Port:       9411,
	Health:     Health{Test: []string{"CMD", "docker-healthcheck"}, StartPeriod: 60 * time.Second},
	After:      []string{config.App},
	Upstream:   true,
	OperatorUI: true,
	Spec: func(e *Env, _ Instance) (container.Spec, error) {
		heap := e.Cfg.Resources[config.Zipkin].MemoryLimitMiB * 3 / 4
		return container.Spec{
			Env: map[string]string{
				"STORAGE_TYPE": "mem",
				// Keep the JVM heap inside the container limit, with room for metaspace.
				"JAVA_OPTS": fmt.Sprintf("-Xms%dm -Xmx%dm", heap/2, heap),
			},
		}, nil
	},
}

package stack_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jiucom/jiucom-infra/components/config"
	"github.com/jiucom/jiucom-infra/tests/harness"
)

// The manual's health-gated order: mysql, redis → app → prometheus, zipkin →
// grafana → exporters (after their database) → gateway (after app, grafana, zipkin).
var startOrder = map[string][]string{
	config.App:           {config.MySQL, config.Redis},
	config.Prometheus:    {config.App},
	config.Zipkin:        {config.App},
	config.Grafana:       {config.Prometheus, config.Zipkin},
	config.MySQLExporter: {config.MySQL, config.Grafana},
	config.RedisExporter: {config.Redis, config.Grafana},
	config.Gateway:       {config.App, config.Grafana, config.Zipkin},
}

// containersOf returns the containers of a service and their components.
func containersOf(rec *harness.Recording, name string) (containers, components []harness.Resource) {
	for _, c := range rec.OfType(containerType) {
		if service(c) == name {
			parent, _ := rec.ByURN(c.Parent)
			containers = append(containers, c)
			components = append(components, parent)
		}
	}
	return containers, components
}

func TestStartOrderEdgesExist(t *testing.T) {
	for _, stackName := range []string{"dev", "prod"} {
		rec := run(t, stackName)
		for svc, deps := range startOrder {
			_, components := containersOf(rec, svc)
			require.NotEmpty(t, components, svc)
			for _, in := range components {
				for _, dep := range deps {
					// The SDK expands a dependency on a component to its
					// children: the dependent waits for the healthy container.
					depContainers, _ := containersOf(rec, dep)
					require.NotEmpty(t, depContainers, dep)
					for _, d := range depContainers {
						assert.True(t, harness.DependsOn(in, d), "%s: %s must start after %s", stackName, in.Name, d.Name)
					}
				}
			}
		}
		// Databases and host agents wait for nothing.
		for _, svc := range []string{config.MySQL, config.Redis, config.NodeExporter} {
			_, components := containersOf(rec, svc)
			for _, in := range components {
				assert.Empty(t, in.Dependencies, "%s: %s", stackName, in.Name)
			}
		}
	}
}

func TestDependentsWaitForHealth(t *testing.T) {
	rec := run(t, "prod")
	for _, c := range rec.OfType(containerType) {
		assert.True(t, harness.Bool(c.Inputs["wait"]), c.Name)
		assert.Positive(t, harness.Num(c.Inputs["waitTimeout"]), c.Name)
	}
}

package stack_test

import (
	"slices"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jiucom/jiucom-infra/components/config"
	"github.com/jiucom/jiucom-infra/tests/harness"
)

// touched names the provider resources a `pulumi up` from before to after
// would create, replace or delete. The mocks give each resource an ID that
// changes with its inputs, so a dependent that carries an ID shows up too.
func touched(before, after *harness.Recording) []string {
	var names []string
	for _, urn := range harness.Changed(before, after) {
		r, ok := after.ByURN(urn)
		if !ok {
			r, _ = before.ByURN(urn)
		}
		if r.Custom {
			names = append(names, r.Name)
		}
	}
	slices.Sort(names)
	return names
}

// One change touches its own container(s); nginx in front of a replaced
// upstream is reloaded by a command, never replaced.
func TestOneChangeTouchesOnlyItsService(t *testing.T) {
	cases := []struct {
		name, stack string
		values      map[string]string
		want        []string
	}{
		{"nothing", "dev", nil, nil},
		{"nothing", "prod", nil, nil},
		{"retention", "dev", map[string]string{config.KeyPrometheusRetention: "30d"},
			[]string{"prometheus-container"}},
		{"retention", "prod", map[string]string{config.KeyPrometheusRetention: "30d"},
			[]string{"prometheus-container"}},
		// dev: nginx_mon and the gateway resolve Grafana by name on the one
		// engine, so both reload.
		{"grafana image", "dev", map[string]string{config.KeyImages: `{"app": "jiucom/api-stub:dev-1", "grafana": "grafana/grafana:11.4.1"}`},
			[]string{"gateway-reload", "grafana-container", "grafana-image", "nginx-mon-reload"}},
		// prod: the gateway reaches Grafana at its LAN address: no reload.
		{"grafana image", "prod", map[string]string{config.KeyImages: `{"app": "ghcr.io/jiucom/api:1.0.0", "grafana": "grafana/grafana:11.4.1"}`},
			[]string{"grafana-container", "grafana-image", "nginx-mon-reload"}},
		{"redis password", "prod", map[string]string{config.KeyRedisPassword: "rotated-redis-Secret"},
			[]string{"app-1-container", "app-1-gateway-reload", "app-2-container", "backup-service-container", "gateway-reload", "redis-container", "redis-exporter-container"}},
		{"app image", "prod", map[string]string{config.KeyImages: `{"app": "ghcr.io/jiucom/api:1.0.1"}`},
			[]string{"app-1-container", "app-1-gateway-reload", "app-1-image", "app-2-container", "app-2-image", "gateway-reload"}},
		// A new replica: its container, a reload step before it, the
		// gateway's new upstream list and Prometheus's new target.
		{"replicas 2 to 3", "prod", map[string]string{config.KeyApp: `{"replicas": 3}`},
			[]string{"app-2-gateway-reload", "app-3-container", "app-3-image", "gateway-reload", "prometheus-container"}},
	}
	for _, c := range cases {
		t.Run(c.stack+"/"+c.name, func(t *testing.T) {
			before := runWith(t, c.stack, nil)
			assert.Equal(t, c.want, touched(before, runWith(t, c.stack, c.values)))
		})
	}
}

// Replicas roll: each waits for the one before it to be healthy and for the
// gateway to have reloaded onto it, so a new image never takes every
// replica down at once.
func TestAppReplicasReplaceOneAtATime(t *testing.T) {
	rec := runWith(t, "prod", map[string]string{config.KeyApp: `{"replicas": 3}`})
	for i, next := range []string{"app-2", "app-3"} {
		prev := []string{"app-1", "app-2"}[i]
		// Dependencies sit on the replica's component, as for the start order.
		c, ok := rec.Named("jiucom:container:Service", next)
		require.True(t, ok)
		prevContainer, _ := rec.Named(containerType, prev+"-container")
		reload, ok := rec.Named("command:local:Command", prev+"-gateway-reload")
		require.True(t, ok, "a gateway reload after %s", prev)
		assert.True(t, harness.DependsOn(c, prevContainer), "%s waits for %s", next, prev)
		assert.True(t, harness.DependsOn(c, reload), "%s waits for the gateway to route to %s", next, prev)
		assert.Equal(t, "1", harness.Str(harness.Obj(reload.Inputs["environment"])["RELOAD_IF_RUNNING"]))
		assert.Equal(t, []string{prevContainer.ID}, strs(harness.Arr(reload.Inputs["triggers"])))
	}
	_, last := rec.Named("command:local:Command", "app-3-gateway-reload")
	assert.False(t, last, "the last replica is covered by the gateway's own reload")
}

func strs(vs []resource.PropertyValue) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = harness.Str(v)
	}
	return out
}

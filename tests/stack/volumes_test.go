package stack_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jiucom/jiucom-infra/components/config"
	"github.com/jiucom/jiucom-infra/tests/harness"
)

func TestDataVolumesSurviveDestroyUnlessAsked(t *testing.T) {
	for _, stackName := range []string{"dev", "prod"} {
		for _, retain := range []bool{true, false} {
			in, err := harness.StackInput(stackName)
			require.NoError(t, err)
			if !retain {
				in.Values[config.KeyRetainData] = "false"
			}
			rec, err := harness.Run(stackName, in)
			require.NoError(t, err)
			volumes := rec.OfType(volumeType)
			names := map[string]bool{}
			for _, v := range volumes {
				names[harness.Str(v.Inputs["name"])] = true
				assert.Equal(t, retain, v.Retain, "%s %s retainOnDelete", stackName, v.Name)
			}
			for _, want := range []string{"jiucom-mysql-data", "jiucom-redis-data", "jiucom-prometheus-data", "jiucom-grafana-data"} {
				assert.True(t, names[want], "%s: volume %s", stackName, want)
			}
			// Containers are never retained: destroy removes them.
			for _, c := range rec.OfType(containerType) {
				assert.False(t, c.Retain, c.Name)
			}
		}
	}
}

func TestVolumesAreMountedWhereTheManualSays(t *testing.T) {
	rec := run(t, "prod")
	want := map[string]string{
		config.MySQL: "/var/lib/mysql", config.Redis: "/data",
		config.Prometheus: "/prometheus", config.Grafana: "/var/lib/grafana",
	}
	for _, c := range rec.OfType(containerType) {
		path, ok := want[service(c)]
		if !ok {
			continue
		}
		var mounted bool
		for _, v := range harness.Arr(c.Inputs["volumes"]) {
			o := harness.Obj(v)
			if harness.Str(o["containerPath"]) == path && harness.Str(o["volumeName"]) == "jiucom-"+service(c)+"-data" {
				mounted = true
			}
		}
		assert.True(t, mounted, "%s mounts its volume at %s", c.Name, path)
	}
}

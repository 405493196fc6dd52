package stack_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jiucom/jiucom-infra/components/config"
	"github.com/jiucom/jiucom-infra/tests/harness"
)

// The cost model of a `pulumi up` from nothing with the images present,
// arithmetic on the declared graph rather than a timed run:
//   - a container costs its start plus the wait for its first passing
//     healthcheck: the start interval when the engine has one, else a whole
//     interval (Docker runs the first check only after it). The service's own
//     start-up time is its own, not health gating, and is left out;
//   - a reload command costs one docker exec;
//   - a node is ready when everything it waits for is ready, plus its cost.
const (
	containerStart = 500 * time.Millisecond
	reloadExec     = 500 * time.Millisecond
	// gatingBudget is what the health gates may add up to along the
	// longest chain (issue 16: ≤ 30 s for dev).
	gatingBudget = 30 * time.Second
)

// criticalPath returns the longest chain of health gates and its length.
func criticalPath(t *testing.T, rec *harness.Recording) ([]string, time.Duration) {
	t.Helper()
	cost := map[string]time.Duration{}
	waitsFor := map[string][]string{}
	for _, r := range rec.Resources {
		switch r.Type {
		case containerType:
			hc := harness.Obj(r.Inputs["healthcheck"])
			first := harness.Str(hc["startInterval"])
			if first == "" {
				first = harness.Str(hc["interval"])
			}
			gate, err := time.ParseDuration(first)
			require.NoError(t, err, "%s healthcheck", r.Name)
			cost[r.URN] = containerStart + gate
			// Start-order waits sit on the container's component (and, for
			// the dev edge, on the edge component above it).
			waitsFor[r.URN] = slices.Clone(r.Dependencies)
			for parent, ok := rec.ByURN(r.Parent); ok; parent, ok = rec.ByURN(parent.Parent) {
				waitsFor[r.URN] = append(waitsFor[r.URN], parent.Dependencies...)
			}
		case "command:local:Command":
			if strings.HasSuffix(r.Name, "-reload") {
				cost[r.URN] = reloadExec
				waitsFor[r.URN] = r.Dependencies
			}
		}
	}
	ready := map[string]time.Duration{}
	via := map[string]string{}
	var visit func(urn string) time.Duration
	visit = func(urn string) time.Duration {
		if d, ok := ready[urn]; ok {
			return d
		}
		var longest time.Duration
		for _, dep := range waitsFor[urn] {
			if _, gated := cost[dep]; gated {
				if d := visit(dep); d > longest {
					longest, via[urn] = d, dep
				}
			}
		}
		ready[urn] = longest + cost[urn]
		return ready[urn]
	}
	var end string
	for urn := range cost {
		if visit(urn) > ready[end] {
			end = urn
		}
	}
	var path []string
	for urn := end; urn != ""; urn = via[urn] {
		r, _ := rec.ByURN(urn)
		path = append([]string{fmt.Sprintf("%s (+%s → %s)", r.Name, cost[urn], ready[urn])}, path...)
	}
	return path, ready[end]
}

func TestHealthGatingCriticalPath(t *testing.T) {
	for _, stackName := range []string{"dev", "prod"} {
		t.Run(stackName, func(t *testing.T) {
			path, total := criticalPath(t, run(t, stackName))
			t.Logf("%s critical path, %s of health gating:\n  %s", stackName, total, strings.Join(path, "\n  "))
			assert.LessOrEqual(t, total, gatingBudget, "%s: the longest chain of health gates", stackName)

			// What an engine without start intervals (before API 1.44) pays:
			// every gate waits a whole interval.
			in, err := harness.StackInput(stackName)
			require.NoError(t, err)
			in.Values[config.KeyHosts] = strings.ReplaceAll(in.Values[config.KeyHosts], `"lan"`, `"startInterval": "0s", "lan"`)
			old, err := harness.Run(stackName, in)
			require.NoError(t, err)
			for _, c := range old.OfType(containerType) {
				_, sent := harness.Obj(c.Inputs["healthcheck"])["startInterval"]
				assert.False(t, sent, "%s: startInterval \"0s\" sends none (an old engine would drop it: a diff on every preview)", c.Name)
			}
			_, oldTotal := criticalPath(t, old)
			t.Logf("%s without start intervals: %s", stackName, oldTotal)
			assert.Greater(t, oldTotal, total, "start intervals shorten the gates")
		})
	}
}

// Services the manual does not order start at once; the dev edge waits
// only for the home nginx it routes to.
func TestUnorderedServicesWaitForNothing(t *testing.T) {
	rec := run(t, "dev")
	for _, name := range []string{"alertmanager", "blackbox-exporter", "gateway-exporter", "node-exporter-monitoring-service", "cadvisor-monitoring-service"} {
		component, ok := rec.Named("jiucom:container:Service", name)
		require.True(t, ok, name)
		assert.Empty(t, component.Dependencies, "%s waits for nothing", name)
	}
	edge, _ := rec.Named("jiucom:edge:Edge", "edge")
	var waits []string
	for _, urn := range edge.Dependencies {
		r, _ := rec.ByURN(urn)
		waits = append(waits, r.Name)
	}
	slices.Sort(waits)
	assert.Equal(t, []string{"gateway-container", "nginx-mon-container"}, waits)
}

// Nothing before a container's start is on another service's path: a
// container's own inputs wait only for its image, its network, the volumes
// it mounts, its own certificate and (home nginx) the edge's address.
func TestContainersWaitOnlyForWhatTheyUse(t *testing.T) {
	for _, stackName := range []string{"dev", "prod"} {
		rec := run(t, stackName)
		for _, c := range rec.OfType(containerType) {
			mounted := map[string]bool{}
			for _, v := range harness.Arr(c.Inputs["volumes"]) {
				mounted[harness.Str(harness.Obj(v)["volumeName"])] = true
			}
			for _, urn := range c.Dependencies {
				dep, _ := rec.ByURN(urn)
				switch dep.Type {
				case "docker:index/remoteImage:RemoteImage":
					assert.Equal(t, c.Parent, dep.Parent, "%s: %s runs its own image", stackName, c.Name)
				case "docker:index/network:Network":
				case "gcp:compute/address:Address":
					// Home nginx trusts PROXY headers from the edge's static IP only.
					assert.Contains(t, []string{config.Gateway, config.NginxMon}, service(c), "%s: %s waits for the edge IP", stackName, c.Name)
				case "docker:index/volume:Volume":
					assert.True(t, mounted[harness.Str(dep.Inputs["name"])], "%s: %s waits for volume %s it does not mount", stackName, c.Name, dep.Name)
				case "gcp:serviceaccount/key:Key":
					// The backup's bucket key file.
					assert.Equal(t, "backup", service(c), "%s: %s waits for the backup key", stackName, c.Name)
				case "command:local:Command":
					assert.True(t, strings.HasPrefix(dep.Name, service(c)+"-tls"), "%s: %s waits for %s", stackName, c.Name, dep.Name)
				default:
					t.Errorf("%s: %s waits for %s (%s)", stackName, c.Name, dep.Name, dep.Type)
				}
			}
		}
	}
}

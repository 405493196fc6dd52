package stack_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jiucom/jiucom-infra/components/config"
	"github.com/jiucom/jiucom-infra/components/services"
	"github.com/jiucom/jiucom-infra/tests/harness"
)

// edgeTypes are the resources that make up the edge in each stack: a
// container in dev, a VM with its network, address and firewall in prod.
var edgeTypes = map[string][]string{
	"dev":  {containerType},
	"prod": {"gcp:compute/instance:Instance", "gcp:compute/firewall:Firewall", "gcp:compute/address:Address", "gcp:compute/network:Network"},
}

// `pulumi destroy` deletes a resource unless it is retained, and refuses to
// run at all while a protected one exists. So: nothing may be protected, and
// the data volumes are the only retained resources, exactly when asked.
const bucketType = "gcp:storage/bucket:Bucket"

func TestDestroyRemovesEverythingButTheDataVolumes(t *testing.T) {
	for _, stackName := range []string{"dev", "prod"} {
		for _, retain := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s/retain=%v", stackName, retain), func(t *testing.T) {
				rec := runRetaining(t, stackName, retain)
				var retained []string
				for _, r := range rec.Resources {
					assert.False(t, r.Protect, "%s %s is protected: destroy would refuse to run", r.Type, r.Name)
					if r.Retain {
						retained = append(retained, r.Type)
					}
					if r.Type != volumeType && r.Type != bucketType {
						assert.False(t, r.Retain, "%s %s must be deleted by destroy", r.Type, r.Name)
					}
				}
				volumes := rec.OfType(volumeType)
				dataServices := 0
				for _, r := range services.Inventory(parsed(t, stackName)) {
					if r.Data != "" && !r.BesideHome {
						dataServices++
					}
				}
				// prod's ACME clients, one per home nginx on its own host: the
				// client's state, the certificates and the reload handshake.
				acme := map[string]int{"dev": 0, "prod": 2 * 3}[stackName]
				require.Len(t, volumes, dataServices+acme, "one volume per data service the stack runs, three per ACME client")
				// prod's backups live in a GCS bucket: data like the volumes.
				buckets := rec.OfType(bucketType)
				assert.Len(t, buckets, map[string]int{"dev": 0, "prod": 1}[stackName])
				if retain {
					assert.Len(t, retained, len(volumes)+len(buckets), "exactly the volumes and the backup bucket are retained")
				} else {
					assert.Empty(t, retained)
					for _, b := range buckets {
						assert.True(t, harness.Bool(b.Inputs["forceDestroy"]), "asked to delete the data, destroy empties the bucket")
					}
				}
				// The resources destroy must remove are really in the graph.
				assert.NotEmpty(t, rec.OfType(containerType))
				assert.NotEmpty(t, rec.OfType("docker:index/network:Network"))
				for _, typ := range edgeTypes[stackName] {
					assert.NotEmpty(t, rec.OfType(typ), "edge resource %s", typ)
				}
			})
		}
	}
}

// The exported teardown plan (what operators and the destroy script read)
// names exactly the volumes the program registers, on the right engines,
// and says what destroy will do to them.
func TestTeardownNoticeMatchesTheVolumes(t *testing.T) {
	for _, stackName := range []string{"dev", "prod"} {
		for _, retain := range []bool{true, false} {
			rec := runRetaining(t, stackName, retain)
			require.NotNil(t, rec.Platform)
			plan := rec.Platform.Teardown
			assert.Equal(t, retain, plan.Retained)
			recorded := map[string][]string{}
			for _, v := range rec.OfType(volumeType) {
				engine := v.Parent[strings.LastIndex(v.Parent, "::")+2:]
				recorded[engine] = append(recorded[engine], harness.Str(v.Inputs["name"]))
			}
			for _, names := range recorded {
				slices.Sort(names)
			}
			assert.Equal(t, recorded, plan.Volumes, "%s: planned volumes by engine", stackName)

			notice := plan.Notice(stackName)
			for engine, names := range recorded {
				assert.Contains(t, notice, strings.Join(names, ", ")+" (engine "+engine+")")
			}
			if retain {
				assert.Contains(t, notice, "KEEPS")
				assert.Contains(t, notice, "make destroy STACK="+stackName+" DELETE_DATA=yes")
			} else {
				assert.Contains(t, notice, "DELETES")
				assert.Contains(t, notice, "pulumi config set retainDataOnDestroy true -s "+stackName)
			}
		}
	}
}

func runRetaining(t *testing.T, stackName string, retain bool) *harness.Recording {
	t.Helper()
	in, err := harness.StackInput(stackName)
	require.NoError(t, err)
	in.Values[config.KeyRetainData] = fmt.Sprint(retain)
	rec, err := harness.Run(stackName, in)
	require.NoError(t, err)
	return rec
}

package edge_test

import (
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/jiucom/jiucom-infra/tests/harness"
)

// registered is one resource the program registered with the mock engine.
type registered struct {
	Type, Name, URN, Parent, Provider string
	Inputs                            resource.PropertyMap
	Deps                              []string
}

// recorder is a mock engine that returns inputs as outputs (plus the few
// computed outputs the edge reads) and records every registration.
type recorder struct {
	mu  sync.Mutex
	all []registered
}

// computed stands in for outputs the cloud would compute.
var computed = map[string]resource.PropertyMap{
	"gcp:compute/address:Address":        {"address": resource.NewProperty("203.0.113.10")},
	"gcp:serviceaccount/account:Account": {"email": resource.NewProperty("edge-proxy@proj.iam.gserviceaccount.com")},
	"gcp:compute/instance:Instance":      {"instanceId": resource.NewProperty("4242")},
	"gcp:compute/network:Network":        {"selfLink": resource.NewProperty("projects/proj/global/networks/edge-network")},
	"gcp:compute/subnetwork:Subnetwork":  {"selfLink": resource.NewProperty("projects/proj/regions/asia-northeast3/subnetworks/edge-subnet")},
}

func (r *recorder) NewResource(a pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	outs := a.Inputs.Copy()
	for k, v := range computed[a.TypeToken] {
		outs[k] = v
	}
	if a.TypeToken == "docker:index/remoteImage:RemoteImage" {
		outs["imageId"] = resource.NewProperty("sha256:feed")
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.all = append(r.all, registered{
		Type: a.TypeToken, Name: a.Name, Provider: a.Provider, Inputs: a.Inputs,
		Parent: a.RegisterRPC.GetParent(), Deps: a.RegisterRPC.GetDependencies(),
		URN: harness.URN("test", "jiucom", a.RegisterRPC.GetParent(), a.TypeToken, a.Name),
	})
	return a.Name + "-id", outs, nil
}

func (r *recorder) Call(pulumi.MockCallArgs) (resource.PropertyMap, error) {
	return resource.PropertyMap{}, nil
}

func (r *recorder) ofType(typ string) []registered {
	var out []registered
	for _, x := range r.all {
		if x.Type == typ {
			out = append(out, x)
		}
	}
	return out
}

func (r *recorder) named(t *testing.T, name string) registered {
	t.Helper()
	for _, x := range r.all {
		if x.Name == name {
			return x
		}
	}
	t.Fatalf("no resource named %q; have %v", name, r.names())
	return registered{}
}

func (r *recorder) names() []string {
	var n []string
	for _, x := range r.all {
		n = append(n, x.Name)
	}
	return n
}

// dependsOn reports whether x lists a resource with the given name among its
// explicit dependencies.
func (x registered) dependsOn(name string) bool {
	for _, d := range x.Deps {
		if strings.HasSuffix(d, "::"+name) {
			return true
		}
	}
	return false
}

// run executes program under mocks and returns what it registered.
func run(t *testing.T, program pulumi.RunFunc) *recorder {
	t.Helper()
	rec := &recorder{}
	err := pulumi.RunErr(program, pulumi.WithMocks("jiucom", "test", rec))
	require.NoError(t, err)
	return rec
}

// strs reads a string-array input property.
func strs(v resource.PropertyValue) []string {
	var out []string
	for _, e := range v.ArrayValue() {
		out = append(out, e.StringValue())
	}
	return out
}

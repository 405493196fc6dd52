// Package harness runs the whole Pulumi program under mocks and records what
// it registers, so tests (and the policy pack's fixtures) can assert on the
// real resource graph: types, names, inputs, parents, providers, dependencies.
package harness

import (
	"encoding/base64"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/jiucom/jiucom-infra/components/config"
	"github.com/jiucom/jiucom-infra/components/services"
	"github.com/jiucom/jiucom-infra/components/stack"
)

// Project is the Pulumi project name from Pulumi.yaml.
const Project = "jiucom-infra"

// Resource is one registration as the engine saw it.
type Resource struct {
	URN          string
	Type         string
	Name         string
	Custom       bool
	Inputs       resource.PropertyMap
	Parent       string
	Provider     string // "urn::id" of the explicit provider, or "" (default provider)
	Dependencies []string
	Retain       bool
	DeleteFirst  bool
	// Protect makes `pulumi destroy` refuse to run while the resource exists.
	Protect bool
	// IgnoreChanges are the input paths a later update keeps from the state.
	IgnoreChanges []string
	// AliasTypes are the former types the resource answers to.
	AliasTypes []string
	// ID is what the mock provider assigned: it changes with the inputs, as a
	// replaced resource's ID does.
	ID string
	// Outputs are the state as the real provider reads it back (ReadBack).
	Outputs resource.PropertyMap
}

// Recording is everything a program run registered.
type Recording struct {
	mu        sync.Mutex
	Resources []Resource
	// Platform is what stack.Deploy returned (nil if it failed).
	Platform *stack.Platform
}

// OfType returns the resources of a type token, in registration order.
func (r *Recording) OfType(typ string) []Resource {
	var out []Resource
	for _, res := range r.Resources {
		if res.Type == typ {
			out = append(out, res)
		}
	}
	return out
}

// Named returns the resource with a given type and name.
func (r *Recording) Named(typ, name string) (Resource, bool) {
	for _, res := range r.Resources {
		if res.Type == typ && res.Name == name {
			return res, true
		}
	}
	return Resource{}, false
}

// ByURN returns the resource with a URN.
func (r *Recording) ByURN(urn string) (Resource, bool) {
	for _, res := range r.Resources {
		if res.URN == urn {
			return res, true
		}
	}
	return Resource{}, false
}

// ProviderOf resolves the "urn::id" provider reference of a resource.
func (r *Recording) ProviderOf(res Resource) (Resource, bool) {
	if res.Provider == "" {
		return Resource{}, false
	}
	// The reference is "<urn>::<id>" and URNs contain "::" themselves: cut at the last one.
	return r.ByURN(res.Provider[:strings.LastIndex(res.Provider, "::")])
}

// DependsOn reports whether res lists dep's URN among its dependencies.
func DependsOn(res, dep Resource) bool { return slices.Contains(res.Dependencies, dep.URN) }

type mocks struct {
	project, stack string
	rec            *Recording
}

// imageNames maps the mock image IDs back to the image names, so a
// container's read-back knows which image's CMD it would record.
var imageNames sync.Map

// URN builds a URN the way the engine (and the mock monitor) does: the type
// is qualified by the parent's type chain unless the parent is the stack.
func URN(stack, project, parent, typ, name string) string {
	qualified := typ
	if parts := strings.Split(parent, "::"); len(parts) == 4 && parts[2] != "pulumi:pulumi:Stack" {
		qualified = parts[2] + "$" + typ
	}
	return fmt.Sprintf("urn:pulumi:%s::%s::%s::%s", stack, project, qualified, name)
}

// IsRoot reports whether a parent URN is the stack itself.
func IsRoot(parent string) bool { return strings.Contains(parent, "::pulumi:pulumi:Stack::") }

func (m mocks) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	rpc := args.RegisterRPC
	res := Resource{
		URN:          URN(m.stack, m.project, rpc.GetParent(), args.TypeToken, args.Name),
		Type:         args.TypeToken,
		Name:         args.Name,
		Custom:       args.Custom,
		Inputs:       args.Inputs,
		Parent:       rpc.GetParent(),
		Provider:     args.Provider,
		Dependencies: rpc.GetDependencies(),
		Retain:       rpc.GetRetainOnDelete(),
		Protect:      rpc.GetProtect(),
		DeleteFirst:  rpc.GetDeleteBeforeReplace(),
	}
	res.IgnoreChanges = rpc.GetIgnoreChanges()
	for _, a := range rpc.GetAliases() {
		if t := a.GetSpec().GetType(); t != "" {
			res.AliasTypes = append(res.AliasTypes, t)
		}
	}
	res.ID = args.Name + "-" + fingerprint(Comparable(res))
	image, _ := imageNames.Load(Str(args.Inputs["image"]))
	imageName, _ := image.(string)
	state := ReadBack(args.TypeToken, args.Inputs, imageName)
	for k, v := range computedOutputs(args.TypeToken, args.Name, args.Inputs) {
		if _, set := state[k]; !set {
			state[k] = v
		}
	}
	if id := Str(state["imageId"]); id != "" && args.TypeToken == "docker:index/remoteImage:RemoteImage" {
		imageNames.Store(id, Str(args.Inputs["name"]))
	}
	res.Outputs = state
	m.rec.mu.Lock()
	m.rec.Resources = append(m.rec.Resources, res)
	m.rec.mu.Unlock()
	return res.ID, state, nil
}

func (m mocks) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	return resource.PropertyMap{}, nil
}

// mockKeyPEM and mockCertPEM stand in for a generated key and certificate.
const (
	mockKeyPEM  = "-----BEGIN PRIVATE KEY-----\nbW9jay1rZXk=\n-----END PRIVATE KEY-----\n"
	mockCertPEM = "-----BEGIN CERTIFICATE-----\nbW9jay1jZXJ0\n-----END CERTIFICATE-----\n"
)

// MockInstanceID is the id the mocks give every GCP instance.
const MockInstanceID = "4242"

// computedOutputs fakes what providers compute so dependent values resolve.
func computedOutputs(typ, name string, in resource.PropertyMap) resource.PropertyMap {
	project := Str(in["project"])
	switch typ {
	case "gcp:compute/instance:Instance":
		return resource.PropertyMap{"instanceId": resource.NewProperty(MockInstanceID)}
	case "gcp:compute/network:Network":
		return resource.PropertyMap{"selfLink": resource.NewProperty(fmt.Sprintf("projects/%s/global/networks/%s", project, name))}
	case "gcp:compute/subnetwork:Subnetwork":
		return resource.PropertyMap{"selfLink": resource.NewProperty(fmt.Sprintf("projects/%s/regions/%s/subnetworks/%s", project, Str(in["region"]), name))}
	case "docker:index/remoteImage:RemoteImage":
		// A new image reference (or build) is a new image.
		return resource.PropertyMap{"imageId": resource.NewProperty("sha256:" + fingerprint(in))}
	case "gcp:compute/address:Address":
		return resource.PropertyMap{"address": resource.NewProperty("203.0.113.10")}
	case "gcp:serviceaccount/account:Account":
		return resource.PropertyMap{"email": resource.NewProperty(Str(in["accountId"]) + "@" + project + ".iam.gserviceaccount.com")}
	case "gcp:serviceaccount/key:Key":
		// A service account key file, base64 as GCP returns it.
		return resource.PropertyMap{"privateKey": resource.MakeSecret(resource.NewProperty(base64.StdEncoding.EncodeToString([]byte(`{"type":"service_account","private_key":"mock-gcs-key-Secret-11"}`))))}
	case "command:local:Command":
		// What tlscert's openssl command prints: a key, then its certificate.
		return resource.PropertyMap{"stdout": resource.NewProperty(mockKeyPEM + mockCertPEM)}
	}
	return nil
}

// Run parses cfg exactly as Load would, then runs stack.Deploy under mocks.
// It returns the config error, if any, before anything is registered.
func Run(stackName string, in config.Input) (*Recording, error) {
	rec := &Recording{}
	in.Stack = stackName
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		cfg, err := config.Load(ctx, services.Catalog())
		if err != nil {
			return err
		}
		rec.Platform, err = stack.Deploy(ctx, cfg)
		return err
	}, pulumi.WithMocks(Project, stackName, mocks{project: Project, stack: stackName, rec: rec}), withConfig(in))
	return rec, err
}

// RunProgram runs any program (a single component, in its package's tests)
// under the same recording mocks.
func RunProgram(project, stackName string, program pulumi.RunFunc) (*Recording, error) {
	rec := &Recording{}
	err := pulumi.RunErr(program, pulumi.WithMocks(project, stackName, mocks{project: project, stack: stackName, rec: rec}))
	return rec, err
}

func withConfig(in config.Input) pulumi.RunOption {
	return func(info *pulumi.RunInfo) {
		info.Config = map[string]string{}
		info.ConfigSecretKeys = nil
		for k, v := range in.Values {
			info.Config[Project+":"+k] = v
			if in.Secrets[k] {
				info.ConfigSecretKeys = append(info.ConfigSecretKeys, Project+":"+k)
			}
		}
	}
}

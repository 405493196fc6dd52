package harness

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// Comparable is what a later `pulumi up` diffs for res: its inputs with the
// ignoreChanges paths blanked, since the engine keeps those from the state.
func Comparable(res Resource) resource.PropertyMap {
	return WithoutPaths(res.Inputs, res.IgnoreChanges)
}

// WithoutPaths is a copy of m with the property paths set to null.
func WithoutPaths(m resource.PropertyMap, paths []string) resource.PropertyMap {
	out := deepCopy(resource.NewProperty(m)).ObjectValue()
	for _, p := range paths {
		path, err := resource.ParsePropertyPath(p)
		if err != nil {
			panic("harness: bad property path " + p)
		}
		obj := resource.NewProperty(out)
		if _, found := path.Get(obj); found {
			path.Set(obj, resource.NewNullProperty())
		}
	}
	return out
}

// providerURN is the provider reference without its ID (the mock IDs of
// providers change with their inputs, which do not move resources).
func providerURN(r Resource) string {
	if i := strings.LastIndex(r.Provider, "::"); i >= 0 {
		return r.Provider[:i]
	}
	return r.Provider
}

// deepCopy copies arrays, objects and secrets, so blanking a path never
// touches the recorded inputs.
func deepCopy(v resource.PropertyValue) resource.PropertyValue {
	switch {
	case v.IsArray():
		out := make([]resource.PropertyValue, len(v.ArrayValue()))
		for i, e := range v.ArrayValue() {
			out[i] = deepCopy(e)
		}
		return resource.NewProperty(out)
	case v.IsObject():
		out := resource.PropertyMap{}
		for k, e := range v.ObjectValue() {
			out[k] = deepCopy(e)
		}
		return resource.NewProperty(out)
	case v.IsSecret():
		return resource.MakeSecret(deepCopy(v.SecretValue().Element))
	}
	return v
}

// fingerprint is a short stable digest of a property map.
func fingerprint(m resource.PropertyMap) string {
	raw, err := json.Marshal(m.Mappable())
	if err != nil {
		panic("harness: inputs do not marshal: " + err.Error())
	}
	sum := sha256.Sum256(raw)
	return hex.EncodeToString(sum[:6])
}

// Changed lists, by URN, the resources whose comparable inputs or provider
// differ between two runs of the program (a resource moved to another
// provider is replaced), plus those only one run has: what a `pulumi up`
// from the first state to the second would touch.
func Changed(before, after *Recording) []string {
	old := map[string]Resource{}
	for _, r := range before.Resources {
		old[r.URN] = r
	}
	var out []string
	seen := map[string]bool{}
	for _, r := range after.Resources {
		seen[r.URN] = true
		prev, ok := old[r.URN]
		if !ok || providerURN(prev) != providerURN(r) || fingerprint(Comparable(prev)) != fingerprint(Comparable(r)) {
			out = append(out, r.URN)
		}
	}
	for _, r := range before.Resources {
		if !seen[r.URN] {
			out = append(out, r.URN)
		}
	}
	return out
}

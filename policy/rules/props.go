package rules

import (
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/property"
)

// Safe readers over the engine's property values: a policy must report a
// violation, never panic, whatever shape a resource arrives in. Unknown
// (computed) values read as absent; each caller decides what absent means.

// field follows nested object keys.
func field(m property.Map, keys ...string) property.Value {
	v := property.New(m)
	for _, k := range keys {
		if !v.IsMap() {
			return property.Value{}
		}
		v = v.AsMap().Get(k)
	}
	return v
}

func text(v property.Value) string {
	if v.IsString() {
		return v.AsString()
	}
	return ""
}

func number(v property.Value) (float64, bool) {
	if v.IsNumber() {
		return v.AsNumber(), true
	}
	return 0, false
}

func flag(v property.Value) bool { return v.IsBool() && v.AsBool() }

func list(v property.Value) []property.Value {
	if v.IsArray() {
		return v.AsArray().AsSlice()
	}
	return nil
}

func object(v property.Value) property.Map {
	if v.IsMap() {
		return v.AsMap()
	}
	return property.Map{}
}

func texts(v property.Value) []string {
	var out []string
	for _, e := range list(v) {
		out = append(out, text(e))
	}
	return out
}

// containsFold reports whether one of the values equals s, ignoring case.
func containsFold(values []string, s string) bool {
	for _, v := range values {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}

// label returns a docker label's value from a container's `labels` list.
func label(m property.Map, name string) string {
	for _, l := range list(m.Get("labels")) {
		if text(field(object(l), "label")) == name {
			return text(field(object(l), "value"))
		}
	}
	return ""
}

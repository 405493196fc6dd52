package harness

import "github.com/pulumi/pulumi/sdk/v3/go/common/resource"

// Safe property accessors: resource.PropertyValue's own accessors panic on a
// missing or differently typed value, and a test should fail, not crash.
// Secrets are looked through; use IsSecret to check secretness.

func unwrap(v resource.PropertyValue) resource.PropertyValue {
	for v.IsSecret() {
		v = v.SecretValue().Element
	}
	return v
}

// Arr returns the elements of an array value, or nil.
func Arr(v resource.PropertyValue) []resource.PropertyValue {
	if v = unwrap(v); v.IsArray() {
		return v.ArrayValue()
	}
	return nil
}

// Obj returns an object value, or an empty map.
func Obj(v resource.PropertyValue) resource.PropertyMap {
	if v = unwrap(v); v.IsObject() {
		return v.ObjectValue()
	}
	return resource.PropertyMap{}
}

// Str returns a string value, or "".
func Str(v resource.PropertyValue) string {
	if v = unwrap(v); v.IsString() {
		return v.StringValue()
	}
	return ""
}

// Num returns a number value as an int, or 0.
func Num(v resource.PropertyValue) int {
	if v = unwrap(v); v.IsNumber() {
		return int(v.NumberValue())
	}
	return 0
}

// Bool returns a boolean value, or false.
func Bool(v resource.PropertyValue) bool {
	if v = unwrap(v); v.IsBool() {
		return v.BoolValue()
	}
	return false
}

// Label returns a docker container label's value, or "".
func Label(c Resource, label string) string {
	for _, l := range Arr(c.Inputs["labels"]) {
		if Str(Obj(l)["label"]) == label {
			return Str(Obj(l)["value"])
		}
	}
	return ""
}

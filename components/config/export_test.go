package config

// The decoder's internals, for the fuzz targets in package config_test
// (which imports the records' catalog, so it cannot be package config).
var (
	WithoutMember = withoutMember
	Decode        = decode
)

// ScanSpans is scanJSON's node spans: [start, end) in the text.
func ScanSpans(key, text string) [][2]int64 {
	var out [][2]int64
	for _, n := range scanJSON(key, text) {
		out = append(out, [2]int64{n.start, n.end})
	}
	return out
}

// InstancesOn is what the capacity check counts of a service on an engine.
func (s *Stack) InstancesOn(service string, e Engine) int { return s.instancesOn(service, e) }

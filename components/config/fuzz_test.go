package config

import "testing"

// FuzzConfigParse feeds arbitrary text to every key: Parse must return a
// Stack or Problems, never panic. Seeds live in testdata/fuzz/FuzzConfigParse.
func FuzzConfigParse(f *testing.F) {
	f.Add(`{"monitoring": {"docker": "unix:///x", "lan": "127.0.0.1", "cpus": 1, "memory": "1GB"}}`, `{"mode": "gcp"}`, `{"mysql": {"cpu": "two"}}`, "0.5")
	f.Fuzz(func(t *testing.T, hosts, edge, resources, sampling string) {
		in := validInput()
		in.Values[KeyHosts] = hosts
		in.Values[KeyEdge] = edge
		in.Values[KeyResources] = resources
		in.Values[KeyTracingSampling] = sampling
		s, err := Parse(in)
		if err == nil && s == nil {
			t.Fatal("no stack and no error")
		}
		if err != nil {
			if _, ok := err.(Problems); !ok {
				t.Fatalf("error is not Problems: %T %v", err, err)
			}
		}
	})
}

// FuzzConfigQuantities checks the unit parsers never panic and stay in range.
func FuzzConfigQuantities(f *testing.F) {
	for _, s := range []string{"2", "0.5", "500m", "512MB", "2GiB", "1e400", "9999999999999999999m"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if v, err := ParseMilliCPU(s); err == nil && (v <= 0 || v > maxMilliCPU) {
			t.Fatalf("%q parsed to out-of-range %d", s, v)
		}
		if v, err := ParseMemoryMiB(s); err == nil && (v < 6 || v > maxMemoryMiB) {
			t.Fatalf("%q parsed to out-of-range %d", s, v)
		}
	})
}

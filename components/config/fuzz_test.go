package config_test

import (
	"strings"
	"testing"

	. "github.com/jiucom/jiucom-infra/components/config"
	"github.com/jiucom/jiucom-infra/components/services"
	"github.com/jiucom/jiucom-infra/components/validate"
)

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
		s, err := Parse(in, services.Catalog())
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
		if v, err := ParseMilliCPU(s); err == nil && (v <= 0 || v > validate.MaxMilliCPU) {
			t.Fatalf("%q parsed to out-of-range %d", s, v)
		}
		if v, err := ParseMemoryMiB(s); err == nil && (v < 6 || v > validate.MaxMemoryMiB) {
			t.Fatalf("%q parsed to out-of-range %d", s, v)
		}
	})
}

// FuzzConfigParseServices feeds arbitrary text to the keys the port,
// presence, type and character checks read: the extra services, the app,
// placement, alerting and the webhook secret. Parse must return a Stack or
// Problems, never panic, and every problem names a key and a fix. Seeds live
// in testdata/fuzz/FuzzConfigParseServices.
func FuzzConfigParseServices(f *testing.F) {
	f.Add(`[{"name": "jenkins", "image": "jenkins/jenkins:2.479.2-lts", "port": "8080", "path": "/jenkins/", "role": "monitoring", "resources": {"cpu": [1], "memory": ""}, "health": "x"}]`,
		`{"replicas": "three", "build": 5}`, `{"nginx-mon": "service", "gra\u200bfana": "monitoring"}`, `{"email": {"to": 5, "smarthost": ":"}}`, "http://hooks.slack.com")
	f.Add(`[{"name": "a", "lans": 1, "lans": 2}]`, `{"replicas": 1e400}`, `{`, `{"slack": {"channel": "\u202e"}}`, "https://")
	f.Fuzz(func(t *testing.T, extras, app, placement, alerting, webhook string) {
		in := validInput()
		in.Values[KeyExtraServices] = extras
		in.Values[KeyApp] = app
		in.Values[KeyPlacement] = placement
		in.Values[KeyAlerting] = alerting
		in.Values[KeySlackWebhookURL] = webhook
		s, err := Parse(in, services.Catalog())
		if err == nil && s == nil {
			t.Fatal("no stack and no error")
		}
		if err != nil {
			ps, ok := err.(Problems)
			if !ok {
				t.Fatalf("error is not Problems: %T %v", err, err)
			}
			for _, p := range ps {
				if p.Key == "" || p.Fix == "" {
					t.Fatalf("problem without key or fix: %#v", p)
				}
				if strings.Contains(p.Message, "json: ") {
					t.Fatalf("problem in Go's words: %s", p)
				}
			}
		}
	})
}

// FuzzConfigScanJSON checks the path scanner and the member remover never
// panic on any text, well-formed or not.
func FuzzConfigScanJSON(f *testing.F) {
	for _, s := range []string{`{"a": [1, {"b": "c"}], "d": null}`, `[{"x": 1}, {"x": 2}]`, `{"a": {`, `{"a":1,}`, `"\u200b"`} {
		f.Add(s, "a")
	}
	f.Fuzz(func(t *testing.T, text, name string) {
		for _, n := range ScanSpans("k", text) {
			start, end := n[0], n[1]
			if start < 0 || end < start && end != 0 || end > int64(len(text)) {
				t.Fatalf("node %v outside the text", n)
			}
		}
		_, _, _ = WithoutMember("k", text, name)
		var into map[string]any
		var ps Problems
		Decode(map[string]string{"k": text}, "k", &into, &ps)
	})
}

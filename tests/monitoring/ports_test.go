package monitoring_test

import (
	"fmt"
	"net"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/jiucom/jiucom-infra/components/config"
	"github.com/jiucom/jiucom-infra/tests/harness"
)

// Every published port is bound to one specific address, and no two
// containers of an engine claim the same address and port (docker would
// refuse the second at `pulumi up`).
func TestPublishedPortsAreSpecificAndDistinct(t *testing.T) {
	// Prod at the committed 2 app replicas and at the maximum of 10, whose
	// host ports run from 8080 to 8089.
	for _, run := range []struct{ stackName, app string }{{"dev", `{"replicas": 1}`}, {"prod", `{"replicas": 2}`}, {"prod", `{"replicas": 10}`}} {
		rec := runStack(t, run.stackName, func(in config.Input) { in.Values[config.KeyApp] = run.app })
		claimed := map[string]string{}
		for _, c := range rec.OfType(containerType) {
			service := harness.Label(c, "com.jiucom.service")
			p, _ := rec.ProviderOf(c)
			for _, port := range harness.Arr(c.Inputs["ports"]) {
				ip := harness.Str(harness.Obj(port)["ip"])
				parsed := net.ParseIP(ip)
				if !assert.NotNil(t, parsed, "%s %s: %q is an address", run.stackName, c.Name, ip) {
					continue
				}
				if parsed.IsUnspecified() {
					assert.Contains(t, []string{config.Gateway, config.EdgeProxy}, service, "only public entry points listen everywhere")
				}
				key := fmt.Sprintf("%s %s:%d", p.Name, ip, harness.Num(harness.Obj(port)["external"]))
				assert.Empty(t, claimed[key], "%s: %s wants %s, taken by %s", run.stackName, c.Name, key, claimed[key])
				claimed[key] = c.Name
			}
		}
	}
}

// nginx_mon is reached by the router on the LAN address in prod, and over
// the docker network by the dev edge container (so not published there).
func TestNginxMonPublishesOnTheLANAddress(t *testing.T) {
	prod := harness.Arr(containerOf(t, runStack(t, "prod", nil), config.NginxMon).Inputs["ports"])
	var bound []string
	for _, p := range prod {
		bound = append(bound, fmt.Sprintf("%s:%d", harness.Str(harness.Obj(p)["ip"]), harness.Num(harness.Obj(p)["external"])))
	}
	assert.ElementsMatch(t, []string{"192.168.0.20:443", "192.168.0.20:80"}, bound)
	assert.Empty(t, harness.Arr(containerOf(t, runStack(t, "dev", nil), config.NginxMon).Inputs["ports"]))
}

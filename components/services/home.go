package services

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/jiucom/jiucom-infra/components/config"
	"github.com/jiucom/jiucom-infra/components/container"
	"github.com/jiucom/jiucom-infra/components/homenginx"
)

// homeNginx is the record of the nginx that terminates TLS for a host's
// public names: the home nginx placed there (config.Parse refuses a route
// to a host with none, and two on one host collide on :443).
func (e *Env) homeNginx(host config.Role) Record {
	var first Record
	for _, r := range e.Records {
		if r.Home == nil {
			continue
		}
		if e.Cfg.Placement[r.Name] == host {
			return r
		}
		if first.Name == "" {
			first = r
		}
	}
	return first
}

// homeCertificate is a home nginx instance's certificate, as its record's
// Home.TLS configures it: its ACME client's (sharing the volumes of their
// pair), configured or generated.
func (e *Env) homeCertificate(in Instance, names []string, p homenginx.Paths) (homenginx.Certificate, error) {
	var store homenginx.ACMEStore
	for _, pair := range e.acmePairs() {
		if pair.nginx.Name == in.Name {
			store = e.acmeStore(pair)
		}
	}
	return homenginx.NewCertificate(e.Ctx, in.Name, e.Record(in.Service).Home.TLS(e.Cfg), names, p, store)
}

// HomeNames are the public names the edge routes to a host.
func (e *Env) HomeNames(host config.Role) []string {
	var names []string
	for _, r := range e.Cfg.Edge.Routes {
		if r.Role == host {
			names = append(names, r.Name)
		}
	}
	return names
}

// LiveConfig is a home nginx's config, applied by a graceful reload on
// every change of the config or of an upstream container it resolves by
// name: one on its own engine. Upstreams on other hosts are reached at a
// fixed LAN address and port, which a replacement does not move.
func (e *Env) LiveConfig(in Instance, path string, conf pulumi.StringInput, upstreams ...string) *container.LiveConfig {
	c := &container.LiveConfig{Path: path, Content: conf, Engine: e.Cfg.EngineOf(in.Role).Host.Docker}
	for _, service := range upstreams {
		for i, s := range e.Running[service] {
			if e.Cfg.SameEngine(in.Role, e.Instances(service)[i].Role) {
				c.Upstreams = append(c.Upstreams, s.Container.ID())
			}
		}
	}
	return c
}

// EdgeSources are the addresses home nginx trusts for PROXY headers.
func (e *Env) EdgeSources() pulumi.StringArrayOutput {
	if e.Edge != nil {
		return e.Edge.SourceAddrs
	}
	if e.Cfg.Edge.Mode == config.EdgeContainer {
		return pulumi.ToStringArray([]string{edgeContainerSubnet}).ToStringArrayOutput()
	}
	return pulumi.StringArray{}.ToStringArrayOutput()
}

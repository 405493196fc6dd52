package config

import (
	"fmt"
	"net/netip"
)

// Host ports the platform publishes besides the records' LAN ports
// (ServiceDefaults.LANPort): the public entry points, shared with the
// gateway, nginx_mon and the edge, which publish them.
const (
	// GatewayLANPort and GatewayLANTLSPort are the gateway's LAN ports when
	// a container edge owns :80 and :443 on its engine.
	GatewayLANPort    = 8080
	GatewayLANTLSPort = 8443
	PublicHTTP        = 80
	PublicHTTPS       = 443
)

// binding is one published host port and the key the user would change.
type binding struct {
	engine string
	addr   netip.Addr // the unspecified address binds every address
	port   int
	key    string
	what   string
}

func (b binding) collides(o binding) bool {
	return b.engine == o.engine && b.port == o.port &&
		(b.addr == o.addr || b.addr.IsUnspecified() || o.addr.IsUnspecified())
}

// checkPublishedPorts refuses two containers publishing one host port on one
// docker engine (hosts with equal docker endpoints are one engine), which
// Docker would only refuse halfway through an update. The rule, kept simple:
//   - a container edge publishes 0.0.0.0:80 and :443 on its engine;
//   - the gateway publishes 0.0.0.0:80 and :443, or LAN:8080 and :8443 when a
//     container edge shares its engine; nginx_mon publishes LAN:80 and :443
//     unless a container edge shares its engine;
//   - app replica i publishes LAN:8080+i when the gateway or Prometheus runs
//     on another engine;
//   - every other platform service reserves its record's LAN port
//     on its engine whether or not it is published today, since that
//     depends on where its consumers run (node-exporter and cAdvisor on
//     every engine);
//   - an extra service publishes LAN:port when the gateway runs on another
//     engine (the gateway is its only client).
//
// Two bindings collide on equal ports when their addresses are equal or
// either is 0.0.0.0. The later binding in that order is reported, under the
// key that placed it.
func checkPublishedPorts(s *Stack, ps *Problems) {
	engineOf := func(role Role) (string, netip.Addr, bool) {
		h, ok := s.Hosts[role]
		if !ok || h.Docker == "" {
			return "", netip.Addr{}, false
		}
		lan, err := netip.ParseAddr(h.LAN)
		if err != nil {
			return "", netip.Addr{}, false
		}
		return h.Docker, lan, true
	}
	any4 := netip.IPv4Unspecified()
	var taken []binding
	reported := map[[2]string]bool{} // one problem per key and other container
	publish := func(b binding) {
		for _, o := range taken {
			if b.collides(o) {
				if reported[[2]string{b.key, o.what}] {
					return
				}
				reported[[2]string{b.key, o.what}] = true
				ps.add(b.key, fmt.Sprintf("give it a free port, or place it on another host; %s already publishes %s", o.what, hostPort(o)),
					"%s would publish %s, which %s already publishes on the same docker engine", b.what, hostPort(b), o.what)
				return
			}
		}
		taken = append(taken, b)
	}
	edgeEngine := ""
	if s.Edge.Mode == EdgeContainer {
		if engine, _, ok := engineOf(s.Edge.ContainerHost); ok {
			edgeEngine = engine
			for _, p := range []int{PublicHTTP, PublicHTTPS} {
				publish(binding{engine, any4, p, "edge.containerHost", "the container edge"})
			}
		}
	}
	perHostDone := map[string]bool{} // per-host services run once per engine
	for _, role := range s.HostNames() {
		engine, lan, ok := engineOf(role)
		if !ok {
			continue
		}
		for _, service := range s.Catalog.Names() {
			port := s.Catalog[service].LANPort
			if port == 0 || service == App || (s.PerHost(service) && perHostDone[engine]) || (!s.PerHost(service) && s.Placement[service] != role) {
				continue
			}
			publish(binding{engine, lan, port, KeyPlacement + "." + service, service})
		}
		perHostDone[engine] = true
	}
	if engine, lan, ok := engineOf(s.Placement[Gateway]); ok {
		if engine == edgeEngine {
			publish(binding{engine, lan, GatewayLANPort, KeyPlacement + "." + Gateway, "the gateway"})
			publish(binding{engine, lan, GatewayLANTLSPort, KeyPlacement + "." + Gateway, "the gateway"})
		} else {
			publish(binding{engine, any4, PublicHTTP, KeyPlacement + "." + Gateway, "the gateway"})
			publish(binding{engine, any4, PublicHTTPS, KeyPlacement + "." + Gateway, "the gateway"})
		}
	}
	if engine, lan, ok := engineOf(s.Placement[NginxMon]); ok && engine != edgeEngine {
		publish(binding{engine, lan, PublicHTTPS, KeyPlacement + "." + NginxMon, "nginx_mon"})
		publish(binding{engine, lan, PublicHTTP, KeyPlacement + "." + NginxMon, "nginx_mon"})
	}
	gatewayEngine, _, _ := engineOf(s.Placement[Gateway])
	prometheusEngine, _, _ := engineOf(s.Placement[Prometheus])
	if engine, lan, ok := engineOf(s.Placement[App]); ok && (engine != gatewayEngine || engine != prometheusEngine) {
		for i := range s.App.Replicas {
			publish(binding{engine, lan, s.Catalog[App].LANPort + i, KeyApp + ".replicas", fmt.Sprintf("app replica %d", i+1)})
		}
	}
	for i, e := range s.Extras {
		engine, lan, ok := engineOf(s.Placement[e.Name])
		if !ok || engine == gatewayEngine || e.Port < 1 || e.Port > 65535 {
			continue
		}
		publish(binding{engine, lan, e.Port, fmt.Sprintf("%s[%d].port", KeyExtraServices, i), fmt.Sprintf("extra service %q", e.Name)})
	}
}

func hostPort(b binding) string {
	return netip.AddrPortFrom(b.addr, uint16(b.port)).String()
}

package gateway_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/jiucom/jiucom-infra/components/gateway"
	"github.com/jiucom/jiucom-infra/tests/nginxtest"
)

// Every shape the stack can render passes the real `nginx -t`.
func TestEveryRenderedGatewayPassesNginxT(t *testing.T) {
	n := nginxtest.New(t)
	cert, key, _ := nginxtest.SelfSigned(t, n.Dir, "api.jiucom.test")
	base := func() gateway.Args {
		return gateway.Args{
			App:     []string{"127.0.0.1:18080"},
			Grafana: "127.0.0.1:13000",
			Zipkin:  "127.0.0.1:19411",
			Listen:  gateway.Listen{HTTP: nginxtest.LoopbackAddr(t, "127.0.0.1"), HTTPS: nginxtest.LoopbackAddr(t, "127.0.0.1")},
		}
	}
	variants := map[string]func(*gateway.Args){
		"plain, no edge": func(*gateway.Args) {},
		"three replicas": func(a *gateway.Args) { a.App = []string{"127.0.0.1:18080", "127.0.0.1:18081", "127.0.0.1:18082"} },
		"TLS behind the edge, ACME, syslog": func(a *gateway.Args) {
			a.TLS, a.HTTPSOnly = &gateway.TLS{Certificate: cert, Key: key}, true
			a.BehindEdge, a.EdgeAddrs = true, []string{"203.0.113.10"}
			a.ACMEWebroot, a.Syslog = n.Dir, "127.0.0.1:15531"
		},
		"TLS without edge, HTTP still served (generated certificate)": func(a *gateway.Args) { a.TLS = &gateway.TLS{Certificate: cert, Key: key} },
		"extras by path and host, plain": func(a *gateway.Args) {
			a.Extras = []gateway.Extra{{Name: "jenkins", Addr: "127.0.0.1:18090", Path: "/jenkins/"}, {Name: "n8n", Addr: "127.0.0.1:15678", Host: "n8n.jiucom.test"}}
		},
		"extras by host, TLS behind a container edge": func(a *gateway.Args) {
			a.TLS = &gateway.TLS{Certificate: cert, Key: key}
			a.BehindEdge, a.EdgeAddrs = true, []string{"172.31.250.0/24"}
			a.Extras = []gateway.Extra{{Name: "n8n", Addr: "127.0.0.1:15678", Host: "n8n.jiucom.test"}, {Name: "jenkins", Addr: "127.0.0.1:18090", Host: "jenkins.jiucom.test"}}
		},
		"public status page, TLS behind the edge": func(a *gateway.Args) {
			a.TLS, a.HTTPSOnly = &gateway.TLS{Certificate: cert, Key: key}, true
			a.BehindEdge, a.EdgeAddrs = true, []string{"203.0.113.10"}
			a.PublicStatus = "0123456789abcdef0123456789abcdef"
		},
	}
	for name, mutate := range variants {
		t.Run(name, func(t *testing.T) {
			a := base()
			mutate(&a)
			conf, err := gateway.Render(a)
			require.NoError(t, err)
			n.Check(t, conf)
		})
	}
}

// Command edgeconf writes the configs tests/bench/edge.sh benchmarks: the
// rendered edge, a home nginx terminating TLS (with the edge package's
// home-side directives), and HAProxy doing the same SNI routing with
// send-proxy. It prints the chosen loopback ports as shell assignments.
package main

import (
	"flag"
	"fmt"
	"log"
	"net"
	"os"
	"path/filepath"

	"github.com/jiucom/jiucom-infra/components/edge"
	"github.com/jiucom/jiucom-infra/components/homenginx"
)

// name is the SNI wrk sends: it uses the URL host, and localhost resolves to
// the loopback without touching /etc/hosts.
const name = "localhost"

func main() {
	dir := flag.String("dir", "", "directory to write edge.conf, home.conf and haproxy.cfg into")
	flag.Parse()
	if *dir == "" {
		log.Fatal("edgeconf: -dir is required")
	}
	ports := map[string]string{}
	for _, k := range []string{"EDGE_TLS", "EDGE_HTTP", "HAPROXY_TLS", "HOME_PROXIED", "HOME_DIRECT"} {
		ports[k] = freePort()
	}
	loop := func(k string) string { return "127.0.0.1:" + ports[k] }

	routes := []edge.Route{
		{Name: name, Home: "bench", HTTPS: loop("HOME_PROXIED"), HTTP: "127.0.0.1:9"},
		// Extra names so the SNI map is not trivially small.
		{Name: "grafana.jiucom.test", Home: "other", HTTPS: "127.0.0.1:9", HTTP: "127.0.0.1:9"},
		{Name: "api.jiucom.test", Home: "other", HTTPS: "127.0.0.1:9", HTTP: "127.0.0.1:9"},
	}
	edgeConf, err := edge.Render(routes, edge.Listen{HTTPS: loop("EDGE_TLS"), HTTP: loop("EDGE_HTTP")})
	if err != nil {
		log.Fatal(err)
	}

	home := fmt.Sprintf(`worker_processes auto;
events { worker_connections 4096; }
http {
    access_log off;
    keepalive_requests 100000;
    ssl_certificate %[1]s/home.crt;
    ssl_certificate_key %[1]s/home.key;
    ssl_session_cache shared:SSL:1m;
    server {
        %[2]s
        server_name %[3]s;
%[4]s
        location / { return 200 "ok $remote_addr\n"; }
    }
    server {
        listen %[5]s ssl;
        server_name %[3]s;
        location / { return 200 "ok $remote_addr\n"; }
    }
}
`, *dir, homenginx.TLSListen(loop("HOME_PROXIED")), name, homenginx.RealIPSnippet([]string{"127.0.0.1"}), loop("HOME_DIRECT"))

	haproxy := fmt.Sprintf(`global
    maxconn 4096
defaults
    mode tcp
    timeout connect 5s
    timeout client 10m
    timeout server 10m
frontend edge
    bind %s
    tcp-request inspect-delay 5s
    tcp-request content accept if { req.ssl_hello_type 1 }
    use_backend home if { req.ssl_sni -i %s }
backend home
    server home %s send-proxy
`, loop("HAPROXY_TLS"), name, loop("HOME_PROXIED"))

	for file, content := range map[string]string{"edge.conf": edgeConf, "home.conf": home, "haproxy.cfg": haproxy} {
		if err := os.WriteFile(filepath.Join(*dir, file), []byte(content), 0o644); err != nil {
			log.Fatal(err)
		}
	}
	for k, v := range ports {
		fmt.Printf("%s=%s\n", k, v)
	}
}

func freePort() string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	defer l.Close()
	_, port, _ := net.SplitHostPort(l.Addr().String())
	return port
}

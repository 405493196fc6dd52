package homenginx_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/jiucom/jiucom-infra/components/edge"
	"github.com/jiucom/jiucom-infra/components/homenginx"
)

func TestHomeSideComesFromTheRouteList(t *testing.T) {
	assert.Equal(t, []string{"grafana.jiucom.example"}, homenginx.NamesFor(routes, "monitoring"))
	assert.Equal(t, []string{"api.jiucom.example"}, homenginx.NamesFor(routes, "service"))
	assert.Equal(t, "listen 443 ssl proxy_protocol;", homenginx.TLSListen("443"))
	assert.Equal(t, "set_real_ip_from 203.0.113.10;\nreal_ip_header proxy_protocol;\n", homenginx.RealIPSnippet([]string{"203.0.113.10"}))
	assert.Equal(t, "set_real_ip_from 172.30.0.0/16;\nreal_ip_header X-Real-IP;\n", homenginx.HTTPRealIPSnippet([]string{"172.30.0.0/16"}))
	assert.Equal(t, "real_ip_header proxy_protocol;\n", homenginx.RealIPSnippet(nil), "no edge: trust nobody")
}

var routes = []edge.Route{
	{Name: "grafana.jiucom.example", Home: "monitoring"},
	{Name: "api.jiucom.example", Home: "service"},
}

package gateway_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jiucom/jiucom-infra/components/gateway"
	"github.com/jiucom/jiucom-infra/tests/nginxtest"
)

const statusToken = "0123456789abcdef0123456789abcdef"

// startPublicGateway runs the gateway with publicStatus on (token) or off ("").
func startPublicGateway(t *testing.T, token string) string {
	t.Helper()
	n := nginxtest.New(t)
	listen := gateway.Listen{HTTP: nginxtest.LoopbackAddr(t, gatewayIP), HTTPS: nginxtest.LoopbackAddr(t, gatewayIP)}
	conf, err := gateway.Render(gateway.Args{
		App: []string{nginxtest.Backend(t, "app-1")}, Grafana: nginxtest.Backend(t, "grafana"), Zipkin: nginxtest.Backend(t, "zipkin"),
		AccessLog: n.Dir + "/access.log", Listen: listen, PublicStatus: token,
	})
	require.NoError(t, err)
	n.Run(t, conf, listen.HTTP)
	return "http://" + listen.HTTP
}

// Anyone reaches the status dashboard and what it needs; every other part
// of Grafana through the same route is refused without a session cookie or
// an Authorization header, and forwarded with one.
func TestPublicStatusOpensOnlyTheStatusDashboard(t *testing.T) {
	base := startPublicGateway(t, statusToken)
	anyone := nginxtest.ClientFrom(strangerIP)

	resp := get(t, anyone, base+"/status/")
	assert.Equal(t, http.StatusFound, resp.StatusCode)
	assert.Equal(t, "/grafana/public-dashboards/"+statusToken, resp.Header.Get("Location"))

	public := []string{
		"/grafana/public-dashboards/" + statusToken,
		"/grafana/api/public/dashboards/" + statusToken,
		"/grafana/api/public/dashboards/" + statusToken + "/panels/2/query",
		"/grafana/public/build/app.js",
		"/grafana/login",
		"/grafana/api/health",
		"/grafana/user/password/send-reset-email",
		"/grafana/api/user/password/send-reset-email",
	}
	for _, path := range public {
		resp := get(t, anyone, base+path)
		require.Equal(t, http.StatusOK, resp.StatusCode, path)
		assert.Equal(t, "grafana", decode(t, resp.Body).Backend, path)
	}

	pages := []string{"/grafana/", "/grafana/admin", "/grafana/admin/users", "/grafana/d/jiucom-main", "/grafana/d/jiucom-datastores/x",
		"/grafana/explore", "/grafana/public-dashboards/ffffffffffffffffffffffffffffffff"}
	apis := []string{"/grafana/api/search", "/grafana/api/datasources", "/grafana/api/datasources/proxy/uid/prometheus/api/v1/query",
		"/grafana/api/ds/query", "/grafana/api/dashboards/uid/jiucom-main", "/grafana/api/admin/users",
		"/grafana/api/public/dashboards/ffffffffffffffffffffffffffffffff", "/grafana/api/public/dashboards/" + statusToken + "x"}
	for _, path := range pages {
		resp := get(t, anyone, base+path)
		assert.Equal(t, http.StatusFound, resp.StatusCode, "%s goes to the login", path)
		assert.Equal(t, "/grafana/login", resp.Header.Get("Location"), path)
	}
	for _, path := range apis {
		assert.Equal(t, http.StatusUnauthorized, get(t, anyone, base+path).StatusCode, path)
	}
	for _, credentials := range [][]string{{"Cookie", "grafana_session=abc"}, {"Authorization", "Bearer glsa_x"}} {
		for _, path := range append(pages, apis...) {
			resp := get(t, anyone, base+path, credentials...)
			require.Equal(t, http.StatusOK, resp.StatusCode, "%s with %s", path, credentials[0])
			assert.Equal(t, "grafana", decode(t, resp.Body).Backend, path)
		}
	}
}

// With publicStatus off there is no /status/ and no dashboard is public.
func TestWithoutPublicStatusNoDashboardIsPublic(t *testing.T) {
	base := startPublicGateway(t, "")
	anyone := nginxtest.ClientFrom(strangerIP)
	assert.Equal(t, http.StatusNotFound, get(t, anyone, base+"/status/").StatusCode)
	assert.Equal(t, http.StatusFound, get(t, anyone, base+"/grafana/public-dashboards/"+statusToken).StatusCode)
	assert.Equal(t, http.StatusUnauthorized, get(t, anyone, base+"/grafana/api/public/dashboards/"+statusToken).StatusCode)
	assert.Equal(t, http.StatusOK, get(t, anyone, base+"/grafana/login").StatusCode, "the login page stays reachable")
}

// The status page and the dashboard behind it are rate-limited like the API.
func TestPublicStatusIsRateLimited(t *testing.T) {
	base := startPublicGateway(t, statusToken)
	// One client each: each has its own allowance.
	for _, r := range []struct {
		client, path string
		served       int
	}{{client1, "/status/", http.StatusFound}, {client2, "/grafana/public-dashboards/" + statusToken, http.StatusOK}} {
		c, path, served := nginxtest.ClientFrom(r.client), r.path, r.served
		codes := map[int]int{}
		for range 200 {
			codes[get(t, c, base+path).StatusCode]++
		}
		assert.Positive(t, codes[http.StatusTooManyRequests], "%s: %v", path, codes)
		assert.Greater(t, codes[served], gateway.Burst, "%s: %v", path, codes)
		assert.Equal(t, 200, codes[served]+codes[http.StatusTooManyRequests], "%s: %v", path, codes)
	}
}

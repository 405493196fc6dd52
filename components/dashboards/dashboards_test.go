package dashboards

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/jiucom/jiucom-infra/components/grafana"
)

// provisioned is the part of the generated JSON these tests read.
type provisioned struct {
	UID     string `json:"uid"`
	Refresh string `json:"refresh"`
	Panels  []struct {
		ID         int    `json:"id"`
		Type       string `json:"type"`
		Title      string `json:"title"`
		Datasource struct {
			UID string `json:"uid"`
		} `json:"datasource"`
		GridPos struct{ X, Y, W int } `json:"gridPos"`
		Targets []struct {
			Expr       string `json:"expr"`
			Legend     string `json:"legendFormat"`
			Datasource struct {
				UID string `json:"uid"`
			} `json:"datasource"`
		} `json:"targets"`
	} `json:"panels"`
	Templating struct {
		List []struct {
			Type  string `json:"type"`
			Name  string `json:"name"`
			Query string `json:"query"`
		} `json:"list"`
	} `json:"templating"`
}

func decodeAll(t *testing.T) map[string]provisioned {
	t.Helper()
	files, err := Files()
	require.NoError(t, err)
	require.Len(t, files, len(definitions))
	out := map[string]provisioned{}
	for name, content := range files {
		require.NotContains(t, string(content), "DS_", "%s: import placeholder left in", name)
		var d provisioned
		require.NoError(t, json.Unmarshal(content, &d), name)
		require.Equal(t, d.UID+".json", name)
		out[name] = d
	}
	return out
}

func TestMainDashboardMatchesTheManual(t *testing.T) {
	main := decodeAll(t)[MainUID+".json"]
	require.Equal(t, "jiucom-main", main.UID)
	require.Equal(t, "10s", main.Refresh)
	rows, panels := 0, 0
	for _, p := range main.Panels {
		if p.Type == "row" {
			rows++
		} else {
			panels++
		}
	}
	require.Equal(t, 4, rows)
	require.Equal(t, 16, panels)
}

func TestEveryPanelQueriesTheDatasourceVariable(t *testing.T) {
	for name, d := range decodeAll(t) {
		want := "${datasource}"
		if name == StatusUID+".json" {
			want = grafana.PrometheusUID // public dashboards take no variable
		}
		ids := map[int]bool{}
		for _, p := range d.Panels {
			require.False(t, ids[p.ID], "%s: duplicate panel id %d", name, p.ID)
			ids[p.ID] = true
			if p.Type == "row" {
				continue
			}
			require.NotEmpty(t, p.Targets, "%s: panel %q has no query", name, p.Title)
			require.Equal(t, want, p.Datasource.UID, "%s: %s", name, p.Title)
			for _, target := range p.Targets {
				require.NotEmpty(t, strings.TrimSpace(target.Expr), "%s: %s", name, p.Title)
				require.Equal(t, want, target.Datasource.UID, "%s: %s", name, p.Title)
			}
		}
	}
}

// Grafana's own variables need no definition.
var builtins = map[string]bool{"__rate_interval": true, "__interval": true, "__range": true, "__all": true}

var reference = regexp.MustCompile(`\$\{?(\w+)\}?`)

func TestEveryVariableUsedIsDefined(t *testing.T) {
	for name, d := range decodeAll(t) {
		if name == StatusUID+".json" {
			continue // TestStatusDashboardIsFitToShare: it has none
		}
		defined := map[string]string{}
		for _, v := range d.Templating.List {
			defined[v.Name] = v.Type
		}
		require.Equal(t, "datasource", defined["datasource"], name)
		require.Equal(t, "query", defined["job"], name)
		require.Equal(t, "query", defined["host"], name)

		var texts []string
		for _, v := range d.Templating.List {
			texts = append(texts, v.Query)
		}
		for _, p := range d.Panels {
			texts = append(texts, p.Datasource.UID)
			for _, target := range p.Targets {
				texts = append(texts, target.Expr)
			}
		}
		used := 0
		for _, text := range texts {
			for _, m := range reference.FindAllStringSubmatch(text, -1) {
				used++
				require.True(t, builtins[m[1]] || defined[m[1]] != "", "%s: $%s is used but not defined", name, m[1])
			}
		}
		require.NotZero(t, used, "%s: no variable is used at all", name)
	}
}

func TestPanelsFillEachGridLine(t *testing.T) {
	for name, d := range decodeAll(t) {
		widthAt := map[int]int{}
		for _, p := range d.Panels {
			widthAt[p.GridPos.Y] += p.GridPos.W
		}
		for y, w := range widthAt {
			require.Equal(t, gridWidth, w, "%s: line at y=%d", name, y)
		}
	}
}

// The public status dashboard works as a Grafana public dashboard (no
// variables of any kind) and shows only the API's aggregates: no query
// reaches another job, and no legend names a host or replica.
func TestStatusDashboardIsFitToShare(t *testing.T) {
	d := decodeAll(t)[StatusUID+".json"]
	require.Equal(t, StatusUID, d.UID)
	require.Empty(t, d.Templating.List, "public dashboards do not support variables")
	queries := 0
	for _, p := range d.Panels {
		for _, target := range p.Targets {
			queries++
			require.NotContains(t, target.Expr, "$", p.Title)
			require.Regexp(t, `^(\(|clamp_max\()?sum\(`, target.Expr, "%s: an aggregate", p.Title)
			for _, m := range regexp.MustCompile(`\{[^}]*\}`).FindAllString(target.Expr, -1) {
				require.Equal(t, `{job="jiucom-api"}`, m, "%s: only the API's own series", p.Title)
			}
			require.NotContains(t, target.Legend, "{{", "%s: a fixed legend", p.Title)
		}
	}
	require.GreaterOrEqual(t, queries, 4, "up, rate, latency and errors")
}

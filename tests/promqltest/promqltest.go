// Package promqltest gathers every PromQL expression the project ships (the
// dashboards' panel and variable queries, the rule files' expressions) and
// parses them with the Prometheus PromQL parser, for the cross-component tests
// in tests/alerts and tests/metrics.
package promqltest

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"log/slog"
	"regexp"
	"sort"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/model/rulefmt"
	"github.com/prometheus/prometheus/promql/parser"

	"github.com/jiucom/jiucom-infra/assets"
	"github.com/jiucom/jiucom-infra/components/dashboards"
)

// Query is one PromQL expression and where it comes from, for messages.
type Query struct {
	Source string
	Expr   string
}

var promql = parser.NewParser(parser.Options{})

// RuleFiles parses every embedded rule file with Prometheus' own loader, which
// also rejects an expression the PromQL parser refuses.
func RuleFiles() (map[string]*rulefmt.RuleGroups, error) {
	names, err := fs.Glob(assets.Alerts, "alerts/*.yml")
	if err != nil {
		return nil, fmt.Errorf("rule files: %w", err)
	}
	files := make(map[string]*rulefmt.RuleGroups, len(names))
	for _, name := range names {
		content, err := assets.Alerts.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("rule files: %w", err)
		}
		groups, errs := rulefmt.Parse(content, false, model.LegacyValidation, promql, slog.New(slog.DiscardHandler))
		if len(errs) > 0 {
			return nil, fmt.Errorf("rule files: %s: %v", name, errs)
		}
		files[name] = groups
	}
	return files, nil
}

// RuleQueries lists every rule expression and the names the recording rules
// define (which are not exporter metrics).
func RuleQueries() (queries []Query, recorded map[string]bool, err error) {
	files, err := RuleFiles()
	if err != nil {
		return nil, nil, err
	}
	recorded = map[string]bool{}
	for _, name := range sortedKeys(files) {
		for _, group := range files[name].Groups {
			for _, rule := range group.Rules {
				id := rule.Alert + rule.Record
				queries = append(queries, Query{Source: name + ": " + id, Expr: rule.Expr})
				if rule.Record != "" {
					recorded[rule.Record] = true
				}
			}
		}
	}
	return queries, recorded, nil
}

// Dashboard is the part of a provisioned dashboard JSON the tests read.
type Dashboard struct {
	UID        string  `json:"uid"`
	Refresh    string  `json:"refresh"`
	Panels     []Panel `json:"panels"`
	Templating struct {
		List []Variable `json:"list"`
	} `json:"templating"`
}

// Panel is a panel or a row of a dashboard.
type Panel struct {
	ID         int        `json:"id"`
	Type       string     `json:"type"`
	Title      string     `json:"title"`
	Datasource DataSource `json:"datasource"`
	GridPos    struct {
		X, Y, W, H int
	} `json:"gridPos"`
	Targets []struct {
		Expr       string     `json:"expr"`
		Datasource DataSource `json:"datasource"`
	} `json:"targets"`
}

// DataSource is a datasource reference.
type DataSource struct {
	Type string `json:"type"`
	UID  string `json:"uid"`
}

// Variable is a dashboard template variable.
type Variable struct {
	Type       string     `json:"type"`
	Name       string     `json:"name"`
	Query      string     `json:"query"`
	Datasource DataSource `json:"datasource"`
}

// Dashboards decodes every provisioned dashboard by file name.
func Dashboards() (map[string]Dashboard, error) {
	files, err := dashboards.Files()
	if err != nil {
		return nil, err
	}
	out := make(map[string]Dashboard, len(files))
	for name, content := range files {
		var d Dashboard
		if err := json.Unmarshal(content, &d); err != nil {
			return nil, fmt.Errorf("dashboard %s: %w", name, err)
		}
		out[name] = d
	}
	return out, nil
}

// labelValues matches Grafana's label_values(selector, label) variable query.
var labelValues = regexp.MustCompile(`^label_values\((.+),\s*\w+\)$`)

// DashboardQueries lists every panel target and the series selector inside
// every label_values variable query.
func DashboardQueries() ([]Query, error) {
	boards, err := Dashboards()
	if err != nil {
		return nil, err
	}
	var queries []Query
	for _, name := range sortedKeys(boards) {
		for _, p := range boards[name].Panels {
			for _, t := range p.Targets {
				queries = append(queries, Query{Source: name + ": " + p.Title, Expr: t.Expr})
			}
		}
		for _, v := range boards[name].Templating.List {
			if v.Type != "query" {
				continue
			}
			m := labelValues.FindStringSubmatch(v.Query)
			if m == nil {
				return nil, fmt.Errorf("dashboard %s: variable %s: not a label_values query: %q", name, v.Name, v.Query)
			}
			queries = append(queries, Query{Source: name + ": variable " + v.Name, Expr: m[1]})
		}
	}
	return queries, nil
}

// grafanaVariable matches $name and ${name} references.
var grafanaVariable = regexp.MustCompile(`\$\{?(\w+)\}?`)

// Parse parses an expression as Prometheus will see it: Grafana replaces its
// interval variables with a duration and the others with label values (which
// here only ever sit inside matcher strings).
func Parse(expr string) (parser.Expr, error) {
	substituted := grafanaVariable.ReplaceAllStringFunc(expr, func(ref string) string {
		switch grafanaVariable.FindStringSubmatch(ref)[1] {
		case "__rate_interval", "__interval", "__range":
			return "5m"
		default:
			return "value"
		}
	})
	return promql.ParseExpr(substituted)
}

// MetricNames returns the metric names an expression selects.
func MetricNames(expr parser.Expr) []string {
	var names []string
	parser.Inspect(expr, func(node parser.Node, _ []parser.Node) error {
		if vs, ok := node.(*parser.VectorSelector); ok {
			name := vs.Name
			for _, m := range vs.LabelMatchers {
				if m.Name == labels.MetricName && m.Type == labels.MatchEqual {
					name = m.Value
				}
			}
			names = append(names, name)
		}
		return nil
	})
	return names
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

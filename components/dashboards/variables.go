package dashboards

import (
	"fmt"

	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
)

// datasourceVariable names the datasource variable every panel uses. Grafana
// provisions a Prometheus datasource with uid "prometheus", which the variable
// picks as the only (default) candidate; a second Prometheus can be chosen
// without editing any panel, and no ${DS_…} import placeholder is left over.
const datasourceVariable = "datasource"

// filter is the label matcher every panel of every dashboard starts with: the
// job and host chosen in the variables.
const filter = `job=~"$job",host=~"$host"`

func prometheusDatasource() cog.Builder[dashboard.VariableModel] {
	return dashboard.NewDatasourceVariableBuilder(datasourceVariable).
		Label("Data source").
		Type("prometheus")
}

// labelValues is a multi-select query variable over a label's values, with
// "All" as the default, refreshed when the time range changes so a new host
// or replica shows up without a reload.
func labelValues(name, label, selector string) *dashboard.QueryVariableBuilder {
	definition := fmt.Sprintf("label_values(%s, %s)", selector, label)
	return dashboard.NewQueryVariableBuilder(name).
		Label(label).
		Datasource(prometheusSource).
		Query(dashboard.StringOrMap{String: cog.ToPtr(definition)}).
		Definition(definition).
		Refresh(dashboard.VariableRefreshOnTimeRangeChanged).
		Sort(dashboard.VariableSortAlphabeticalAsc).
		Multi(true).
		IncludeAll(true).
		Current(dashboard.VariableOption{
			Text:  dashboard.StringOrArrayOfString{String: cog.ToPtr("All")},
			Value: dashboard.StringOrArrayOfString{String: cog.ToPtr("$__all")},
		})
}

// standardVariables are the datasource, job and host variables every
// dashboard has. jobSelector picks the series whose job values the dashboard
// offers; host values follow the chosen jobs.
func standardVariables(jobSelector string) []cog.Builder[dashboard.VariableModel] {
	return []cog.Builder[dashboard.VariableModel]{
		prometheusDatasource(),
		labelValues("job", "job", jobSelector),
		labelValues("host", "host", `up{job=~"$job"}`),
	}
}

// sel is the selector of a panel query: the standard filter plus any extra
// matchers, e.g. sel(`area="heap"`).
func sel(extra ...string) string {
	out := "{" + filter
	for _, m := range extra {
		out += "," + m
	}
	return out + "}"
}

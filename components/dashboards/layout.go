package dashboards

import (
	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/cog/variants"
	"github.com/grafana/grafana-foundation-sdk/go/common"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/prometheus"
	"github.com/grafana/grafana-foundation-sdk/go/stat"
	"github.com/grafana/grafana-foundation-sdk/go/timeseries"

	"github.com/jiucom/jiucom-infra/components/grafana"
)

// gridWidth is Grafana's fixed dashboard width in grid units.
const gridWidth = 24

type panelKind int

const (
	graph  panelKind = iota // a time series
	single                  // a stat: one big number per series
)

// query is one PromQL target of a panel.
type query struct {
	expr   string
	legend string
}

// panel describes a panel by what it shows; layout and datasource wiring are
// the same for every panel and live in one place (build).
type panel struct {
	kind    panelKind
	title   string
	help    string
	unit    string
	queries []query
	// steps colour a stat: the first applies from -Inf, each next one from its
	// value on. Empty means the default green.
	steps []dashboard.Threshold
}

// row groups panels under a title; panels wrap to new lines as needed.
type row struct {
	title  string
	panels []panel
}

// board is a whole dashboard before it is handed to the SDK builder.
type board struct {
	uid, title, description string
	tags                    []string
	refresh                 string
	variables               []cog.Builder[dashboard.VariableModel]
	rows                    []row
	// public boards are shared without login: Grafana's public dashboards
	// take no variables, so their panels name the provisioned Prometheus.
	public bool
}

// prometheusSource points every panel and query at the datasource variable,
// never at a fixed uid, so the dashboard works with any Prometheus.
var prometheusSource = common.DataSourceRef{
	Type: cog.ToPtr("prometheus"),
	Uid:  cog.ToPtr("${" + datasourceVariable + "}"),
}

// provisionedPrometheus is the datasource Grafana provisions, by its uid.
var provisionedPrometheus = common.DataSourceRef{
	Type: cog.ToPtr("prometheus"),
	Uid:  cog.ToPtr(grafana.PrometheusUID),
}

// builder turns a board into the SDK's dashboard builder.
func (b board) builder() *dashboard.DashboardBuilder {
	source := prometheusSource
	if b.public {
		source = provisionedPrometheus
	}
	refresh := b.refresh
	if refresh == "" {
		refresh = "30s"
	}
	out := dashboard.NewDashboardBuilder(b.title).
		Uid(b.uid).
		Description(b.description).
		Tags(append([]string{"jiucom"}, b.tags...)).
		Refresh(refresh).
		Time("now-1h", "now").
		Timezone("browser").
		Tooltip(dashboard.DashboardCursorSyncCrosshair).
		Variables(b.variables)
	// Explicit, unique ids: Grafana links, alerts and "view panel" URLs use them.
	var id uint32
	for _, r := range b.rows {
		id++
		out = out.WithRow(dashboard.NewRowBuilder(r.title).Id(id))
		widths := lineWidths(r.panels)
		for i, p := range r.panels {
			id++
			out = out.WithPanel(p.build(id, widths[i], source))
		}
	}
	return out
}

// lineWidths spreads each line of panels over the full grid width: stats sit
// up to six on a line, graphs up to three, and the remainder of the division
// goes to the first panels so no line leaves a gap.
func lineWidths(panels []panel) []uint32 {
	perLine := 3
	if len(panels) > 0 && panels[0].kind == single {
		perLine = 6
	}
	widths := make([]uint32, 0, len(panels))
	for start := 0; start < len(panels); start += perLine {
		n := min(perLine, len(panels)-start)
		for i := range n {
			w := gridWidth / n
			if i < gridWidth%n {
				w++
			}
			widths = append(widths, uint32(w))
		}
	}
	return widths
}

// panelBuilder is what the stat and time-series builders have in common;
// configure fills it, so both kinds get identical wiring.
type panelBuilder[T any] interface {
	cog.Builder[dashboard.Panel]
	Id(uint32) T
	Title(string) T
	Description(string) T
	Unit(string) T
	Datasource(common.DataSourceRef) T
	WithTarget(cog.Builder[variants.Dataquery]) T
	Span(uint32) T
	Height(uint32) T
	Thresholds(cog.Builder[dashboard.ThresholdsConfig]) T
}

func configure[T panelBuilder[T]](b T, p panel, source common.DataSourceRef, id, width, height uint32) T {
	b.Id(id)
	b.Title(p.title)
	b.Description(p.help)
	b.Unit(p.unit)
	b.Datasource(source)
	b.Span(width)
	b.Height(height)
	if len(p.steps) > 0 {
		b.Thresholds(dashboard.NewThresholdsConfigBuilder().
			Mode(dashboard.ThresholdsModeAbsolute).
			Steps(p.steps))
	}
	for i, q := range p.queries {
		b.WithTarget(prometheus.NewDataqueryBuilder().
			Datasource(source).
			RefId(string(rune('A' + i))).
			Expr(q.expr).
			LegendFormat(q.legend))
	}
	return b
}

func (p panel) build(id, width uint32, source common.DataSourceRef) cog.Builder[dashboard.Panel] {
	if p.kind == single {
		return configure(stat.NewPanelBuilder(), p, source, id, width, 4).
			ColorMode(common.BigValueColorModeBackground).
			GraphMode(common.BigValueGraphModeArea)
	}
	return configure(timeseries.NewPanelBuilder(), p, source, id, width, 8).
		FillOpacity(10).
		Legend(common.NewVizLegendOptionsBuilder().
			DisplayMode(common.LegendDisplayModeList).
			Placement(common.LegendPlacementBottom).
			ShowLegend(true))
}

// bound colours a stat from its value upwards.
type bound struct {
	from  float64
	color string
}

// steps builds stat colours: base applies below the first bound.
func steps(base string, bounds ...bound) []dashboard.Threshold {
	out := []dashboard.Threshold{{Color: base}}
	for _, b := range bounds {
		out = append(out, dashboard.Threshold{Value: cog.ToPtr(b.from), Color: b.color})
	}
	return out
}

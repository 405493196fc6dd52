package dashboards

// edgeDashboard shows the platform from outside (blackbox probes of the public
// HTTPS names through the edge, instance = URL) and the nginx gateway's
// access-log metrics (prometheus-nginxlog-exporter, namespace "nginx").
func edgeDashboard() board {
	return board{
		uid:         "jiucom-edge",
		title:       "JIUCOM / Edge",
		description: "Public HTTPS names probed through the edge, TLS certificates, and the API gateway.",
		tags:        []string{"edge", "gateway"},
		variables:   standardVariables(`up{job=~"blackbox|gateway"}`),
		rows: []row{
			{title: "Probes", panels: []panel{
				{kind: single, title: "Probe success", unit: "short",
					queries: []query{{expr: "probe_success" + sel(), legend: "{{instance}}"}},
					steps:   steps("red", bound{1, "green"})},
				{kind: single, title: "TLS certificate days left", unit: "d", help: "Alerts at 14 and 3 days.",
					queries: []query{{expr: "instance:probe_ssl_earliest_cert_expiry:days_left" + sel(), legend: "{{instance}}"}},
					steps:   steps("red", bound{3, "orange"}, bound{14, "green"})},
				{kind: single, title: "HTTP status", unit: "short",
					queries: []query{{expr: "probe_http_status_code" + sel(), legend: "{{instance}}"}},
					steps:   steps("red", bound{200, "green"}, bound{400, "red"})},
			}},
			{title: "Latency", panels: []panel{
				{title: "Probe duration", unit: "s", help: "Whole probe through the edge; alert above 2 s for 10 minutes.",
					queries: []query{{expr: "probe_duration_seconds" + sel(), legend: "{{instance}}"}}},
				{title: "Probe phases", unit: "s",
					queries: []query{{expr: "sum by (instance, phase) (probe_http_duration_seconds" + sel() + ")", legend: "{{instance}} {{phase}}"}}},
			}},
			{title: "Gateway", panels: []panel{
				{title: "Gateway responses by status", unit: "reqps",
					queries: []query{{expr: "sum by (status) (rate(nginx_http_response_count_total" + sel() + "[$__rate_interval]))", legend: "{{status}}"}}},
				{title: "Rate-limited (429) share", unit: "percentunit", help: "Alert above 5 % for 10 minutes.",
					queries: []query{{expr: "instance:nginx_http_response_count_429:ratio_rate5m" + sel(), legend: "{{instance}}"}}},
				{title: "Gateway average response time", unit: "s",
					queries: []query{{expr: "sum by (instance) (rate(nginx_http_response_time_seconds_sum" + sel() + "[$__rate_interval])) / sum by (instance) (rate(nginx_http_response_time_seconds_count" + sel() + "[$__rate_interval]))", legend: "{{instance}}"}}},
			}},
		},
	}
}

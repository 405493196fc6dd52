package dashboards

// StatusUID is the dashboard publicStatus shares with anyone.
const StatusUID = "jiucom-status"

// statusDashboard is what the public may see of the platform: whether the
// API answers, how busy and fast it is and how often it fails, summed over
// the replicas. No host, replica, database or security detail: legends are
// fixed words, every query is an aggregate of the API's own job.
func statusDashboard() board {
	const (
		api  = `{job="jiucom-api"}`
		rate = "sum(instance:http_server_requests:rate5m" + api + ")"
	)
	errorRatio := "(sum(instance:http_server_requests_5xx:ratio_rate5m" + api + " * instance:http_server_requests:rate5m" + api + ") / " + rate + ")"
	latency := "(sum(instance:http_server_requests_latency_seconds:avg_rate5m" + api + " * instance:http_server_requests:rate5m" + api + ") / " + rate + ")"
	return board{
		uid:         StatusUID,
		title:       "JIUCOM / Status",
		description: "Public status of the JIUCOM API: availability, traffic, latency and errors.",
		tags:        []string{"status", "public"},
		refresh:     "1m",
		public:      true,
		rows: []row{
			{title: "JIUCOM API", panels: []panel{
				{kind: single, title: "API", unit: "short", help: "1: answering; 0: down.",
					queries: []query{{expr: "clamp_max(sum(up" + api + "), 1) or vector(0)", legend: "up"}},
					steps:   steps("red", bound{1, "green"})},
				{kind: single, title: "Requests per second", unit: "reqps",
					queries: []query{{expr: rate, legend: "requests/s"}}},
				{kind: single, title: "Average latency", unit: "s",
					queries: []query{{expr: latency, legend: "latency"}},
					steps:   steps("green", bound{0.5, "orange"}, bound{1, "red"})},
				{kind: single, title: "Errors", unit: "percentunit", help: "Share of requests answered with a server error.",
					queries: []query{{expr: errorRatio, legend: "errors"}},
					steps:   steps("green", bound{0.01, "red"})},
			}},
			{title: "Over time", panels: []panel{
				{title: "Requests per second", unit: "reqps", queries: []query{{expr: rate, legend: "requests/s"}}},
				{title: "Average latency", unit: "s", queries: []query{{expr: latency, legend: "latency"}}},
				{title: "Errors", unit: "percentunit", queries: []query{{expr: errorRatio, legend: "errors"}}},
			}},
		},
	}
}

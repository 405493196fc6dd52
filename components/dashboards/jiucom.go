package dashboards

// jiucomDashboard is the JIUCOM dashboard the manual lays out: 4 rows, 16
// panels, 10 s refresh. Its job variable offers the Spring Boot apps
// (jiucom-api); the database panels follow the host variable, since the
// databases run beside the app on the service host.
func jiucomDashboard() board {
	dbHost := `{host=~"$host"}`
	return board{
		uid:         MainUID,
		title:       "JIUCOM",
		description: "JIUCOM API health, HTTP traffic, JVM and the databases behind it.",
		tags:        []string{"app"},
		refresh:     "10s",
		variables:   standardVariables("http_server_requests_seconds_count"),
		rows: []row{
			{title: "Overview", panels: []panel{
				{kind: single, title: "API up", unit: "short", help: "Replicas answering scrapes.",
					queries: []query{{expr: "sum(up" + sel() + ")", legend: "replicas up"}},
					steps:   steps("red", bound{1, "green"})},
				{kind: single, title: "Heap used", unit: "percentunit", help: "Highest heap use among replicas (alert at 90 %).",
					queries: []query{{expr: "max(instance:jvm_heap_used:ratio" + sel() + ")", legend: "heap"}},
					steps:   steps("green", bound{0.8, "orange"}, bound{0.9, "red"})},
				{kind: single, title: "Request rate", unit: "reqps",
					queries: []query{{expr: "sum(instance:http_server_requests:rate5m" + sel() + ")", legend: "requests/s"}}},
				{kind: single, title: "5xx error rate", unit: "percentunit", help: "Share of requests answered with 5xx (alert at 1 %).",
					queries: []query{{expr: "sum(instance:http_server_requests_5xx:ratio_rate5m" + sel() + " * instance:http_server_requests:rate5m" + sel() + ") / sum(instance:http_server_requests:rate5m" + sel() + ")", legend: "5xx"}},
					steps:   steps("green", bound{0.01, "red"})},
				{kind: single, title: "Average latency", unit: "s", help: "Request-weighted average over replicas (alert at 1 s).",
					queries: []query{{expr: "sum(instance:http_server_requests_latency_seconds:avg_rate5m" + sel() + " * instance:http_server_requests:rate5m" + sel() + ") / sum(instance:http_server_requests:rate5m" + sel() + ")", legend: "latency"}},
					steps:   steps("green", bound{0.5, "orange"}, bound{1, "red"})},
			}},
			{title: "HTTP", panels: []panel{
				{title: "Average latency per replica", unit: "s",
					queries: []query{{expr: "instance:http_server_requests_latency_seconds:avg_rate5m" + sel(), legend: "{{instance}}"}}},
				{title: "Requests by status", unit: "reqps",
					queries: []query{{expr: "sum by (status) (rate(http_server_requests_seconds_count" + sel() + "[$__rate_interval]))", legend: "{{status}}"}}},
				{title: "Slowest endpoints (average)", unit: "s",
					queries: []query{{expr: "topk(5, sum by (method, uri) (rate(http_server_requests_seconds_sum" + sel() + "[$__rate_interval])) / sum by (method, uri) (rate(http_server_requests_seconds_count" + sel() + "[$__rate_interval])))", legend: "{{method}} {{uri}}"}}},
			}},
			{title: "JVM", panels: []panel{
				{title: "Heap used and max", unit: "bytes",
					queries: []query{
						{expr: "sum by (instance) (jvm_memory_used_bytes" + sel(`area="heap"`) + ")", legend: "{{instance}} used"},
						{expr: "sum by (instance) (jvm_memory_max_bytes" + sel(`area="heap"`) + " > 0)", legend: "{{instance}} max"},
					}},
				{title: "GC pause time", unit: "percentunit", help: "Share of wall time spent in GC pauses (alert at 10 %).",
					queries: []query{{expr: "sum by (instance, action) (rate(jvm_gc_pause_seconds_sum" + sel() + "[$__rate_interval]))", legend: "{{instance}} {{action}}"}}},
				{title: "GC pauses per second", unit: "short",
					queries: []query{{expr: "sum by (instance, cause) (rate(jvm_gc_pause_seconds_count" + sel() + "[$__rate_interval]))", legend: "{{instance}} {{cause}}"}}},
			}},
			{title: "Database and cache", panels: []panel{
				{title: "HikariCP connections", unit: "short", help: "Pending above zero means requests wait for a connection.",
					queries: []query{
						{expr: "sum by (pool) (hikaricp_connections_active" + sel() + ")", legend: "{{pool}} active"},
						{expr: "sum by (pool) (hikaricp_connections_pending" + sel() + ")", legend: "{{pool}} pending"},
						{expr: "sum by (pool) (hikaricp_connections_max" + sel() + ")", legend: "{{pool}} max"},
					}},
				{title: "Redis clients", unit: "short",
					queries: []query{{expr: "redis_connected_clients" + dbHost, legend: "{{instance}}"}}},
				{title: "Redis memory", unit: "bytes",
					queries: []query{
						{expr: "redis_memory_used_bytes" + dbHost, legend: "{{instance}} used"},
						{expr: "redis_memory_max_bytes" + dbHost + " > 0", legend: "{{instance}} maxmemory"},
					}},
				{title: "MySQL queries per second", unit: "qps",
					queries: []query{{expr: "rate(mysql_global_status_queries" + dbHost + "[$__rate_interval])", legend: "{{instance}}"}}},
				{title: "MySQL threads", unit: "short",
					queries: []query{
						{expr: "mysql_global_status_threads_connected" + dbHost, legend: "{{instance}} connected"},
						{expr: "mysql_global_status_threads_running" + dbHost, legend: "{{instance}} running"},
					}},
			}},
		},
	}
}

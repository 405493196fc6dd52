package dashboards

func datastoresDashboard() board {
	return board{
		uid:         "jiucom-datastores",
		title:       "JIUCOM / MySQL & Redis",
		description: "mysqld-exporter and redis_exporter: availability, connections, load and memory.",
		tags:        []string{"mysql", "redis"},
		variables:   standardVariables(`up{job=~"mysql|redis"}`),
		rows: []row{
			{title: "Availability", panels: []panel{
				{kind: single, title: "MySQL up", unit: "short",
					queries: []query{{expr: "mysql_up" + sel(), legend: "{{instance}}"}},
					steps:   steps("red", bound{1, "green"})},
				{kind: single, title: "Redis up", unit: "short",
					queries: []query{{expr: "redis_up" + sel(), legend: "{{instance}}"}},
					steps:   steps("red", bound{1, "green"})},
				{kind: single, title: "MySQL uptime", unit: "s",
					queries: []query{{expr: "mysql_global_status_uptime" + sel(), legend: "{{instance}}"}}},
				{kind: single, title: "Redis uptime", unit: "s",
					queries: []query{{expr: "redis_uptime_in_seconds" + sel(), legend: "{{instance}}"}}},
			}},
			{title: "MySQL", panels: []panel{
				{title: "Connections used of max_connections", unit: "percentunit", help: "Alert at 80 %.",
					queries: []query{{expr: "instance:mysql_connections:ratio" + sel(), legend: "{{instance}}"}}},
				{title: "Queries per second", unit: "qps",
					queries: []query{{expr: "rate(mysql_global_status_queries" + sel() + "[$__rate_interval])", legend: "{{instance}}"}}},
				{title: "Threads", unit: "short",
					queries: []query{
						{expr: "mysql_global_status_threads_connected" + sel(), legend: "{{instance}} connected"},
						{expr: "mysql_global_status_threads_running" + sel(), legend: "{{instance}} running"},
					}},
				{title: "Slow queries per minute", unit: "short", help: "Alert above 1 per minute for 10 minutes.",
					queries: []query{{expr: "rate(mysql_global_status_slow_queries" + sel() + "[$__rate_interval]) * 60", legend: "{{instance}}"}}},
			}},
			{title: "Redis", panels: []panel{
				{title: "Memory used of maxmemory", unit: "percentunit", help: "Alert at 90 %.",
					queries: []query{{expr: "instance:redis_memory_maxmemory:ratio" + sel(), legend: "{{instance}}"}}},
				{title: "Clients", unit: "short",
					queries: []query{
						{expr: "redis_connected_clients" + sel(), legend: "{{instance}} connected"},
						{expr: "rate(redis_rejected_connections_total" + sel() + "[$__rate_interval])", legend: "{{instance}} rejected/s"},
					}},
				{title: "Commands per second", unit: "ops",
					queries: []query{{expr: "rate(redis_commands_processed_total" + sel() + "[$__rate_interval])", legend: "{{instance}}"}}},
				{title: "Keyspace hit ratio", unit: "percentunit",
					queries: []query{{expr: "rate(redis_keyspace_hits_total" + sel() + "[$__rate_interval]) / (rate(redis_keyspace_hits_total" + sel() + "[$__rate_interval]) + rate(redis_keyspace_misses_total" + sel() + "[$__rate_interval]))", legend: "{{instance}}"}}},
				{title: "Evicted and expired keys", unit: "ops",
					queries: []query{
						{expr: "rate(redis_evicted_keys_total" + sel() + "[$__rate_interval])", legend: "{{instance}} evicted"},
						{expr: "rate(redis_expired_keys_total" + sel() + "[$__rate_interval])", legend: "{{instance}} expired"},
					}},
			}},
		},
	}
}

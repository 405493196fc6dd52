package dashboards

// namedContainer keeps Docker containers (cAdvisor also reports bare cgroups
// without a name) and applies the container variable.
const namedContainer = `name!="",name=~"$container"`

func containersDashboard() board {
	variables := append(standardVariables("container_last_seen"),
		labelValues("container", "name", `container_last_seen{job=~"$job",host=~"$host",name!=""}`))
	return board{
		uid:         "jiucom-containers",
		title:       "JIUCOM / Containers",
		description: "cAdvisor on every host: each container against its CPU and memory limits.",
		tags:        []string{"containers"},
		variables:   variables,
		rows: []row{
			{title: "Against limits", panels: []panel{
				{title: "CPU used of limit", unit: "percentunit", help: "Containers without a CPU limit are not shown.",
					queries: []query{{expr: "container:cpu_limit_usage:ratio" + sel(namedContainer), legend: "{{host}} {{name}}"}}},
				{title: "Memory used of limit", unit: "percentunit", help: "Working set against the limit; OOM-killed at 100 % (no swap). Alert at 90 %.",
					queries: []query{{expr: "container:memory_limit_usage:ratio" + sel(namedContainer), legend: "{{host}} {{name}}"}}},
				{title: "CPU throttled periods", unit: "percentunit", help: "Alert above 25 % for 15 minutes.",
					queries: []query{{expr: "sum by (host, name) (rate(container_cpu_cfs_throttled_periods_total" + sel(namedContainer) + "[$__rate_interval])) / sum by (host, name) (rate(container_cpu_cfs_periods_total" + sel(namedContainer) + "[$__rate_interval]))", legend: "{{host}} {{name}}"}}},
			}},
			{title: "Usage", panels: []panel{
				{title: "CPU cores used", unit: "short",
					queries: []query{{expr: "sum by (host, name) (rate(container_cpu_usage_seconds_total" + sel(namedContainer) + "[$__rate_interval]))", legend: "{{host}} {{name}}"}}},
				{title: "Memory working set", unit: "bytes",
					queries: []query{{expr: "sum by (host, name) (container_memory_working_set_bytes" + sel(namedContainer) + ")", legend: "{{host}} {{name}}"}}},
				{title: "Restarts and OOM kills", unit: "short", help: "Starts and OOM kills within the last 15 minutes.",
					queries: []query{
						{expr: "changes(container_start_time_seconds" + sel(namedContainer) + "[15m])", legend: "{{host}} {{name}} restarts"},
						{expr: "increase(container_oom_events_total" + sel(namedContainer) + "[15m])", legend: "{{host}} {{name}} OOM kills"},
					}},
			}},
			{title: "Network", panels: []panel{
				{title: "Network received", unit: "Bps",
					queries: []query{{expr: "sum by (host, name) (rate(container_network_receive_bytes_total" + sel(namedContainer) + "[$__rate_interval]))", legend: "{{host}} {{name}}"}}},
				{title: "Network sent", unit: "Bps",
					queries: []query{{expr: "sum by (host, name) (rate(container_network_transmit_bytes_total" + sel(namedContainer) + "[$__rate_interval]))", legend: "{{host}} {{name}}"}}},
			}},
		},
	}
}

package dashboards

// realFilesystems drops only the memory-backed filesystems (node-exporter
// already drops the pseudo ones); no data filesystem type is hard-coded, so
// ext4, xfs, btrfs or zfs disks all show. The same matcher is in the
// instance:node_filesystem_avail:ratio recording rule.
const realFilesystems = `fstype!~"tmpfs|ramfs"`

// physicalInterfaces drops loopback and the virtual interfaces Docker creates
// per container and network, which would double-count container traffic.
const physicalInterfaces = `device!~"lo|veth.*|docker.*|br-.*"`

func hostsDashboard() board {
	return board{
		uid:         "jiucom-hosts",
		title:       "JIUCOM / Hosts",
		description: "node-exporter on every machine: CPU, load, memory, disks and network.",
		tags:        []string{"hosts"},
		variables:   standardVariables("node_uname_info"),
		rows: []row{
			{title: "CPU and memory", panels: []panel{
				{title: "CPU utilisation", unit: "percentunit", help: "Alert at 90 % for 15 minutes.",
					queries: []query{{expr: "instance:node_cpu_utilisation:ratio" + sel(), legend: "{{host}}"}}},
				{title: "Load per core", unit: "short", help: "15-minute load divided by cores; alert above 2.",
					queries: []query{
						{expr: "node_load1" + sel() + " / on (job, host, instance) count by (job, host, instance) (node_cpu_seconds_total" + sel(`mode="idle"`) + ")", legend: "{{host}} 1m"},
						{expr: "node_load15" + sel() + " / on (job, host, instance) count by (job, host, instance) (node_cpu_seconds_total" + sel(`mode="idle"`) + ")", legend: "{{host}} 15m"},
					}},
				{title: "Memory utilisation", unit: "percentunit", help: "Share not available to new processes; alert at 90 %.",
					queries: []query{{expr: "instance:node_memory_utilisation:ratio" + sel(), legend: "{{host}}"}}},
			}},
			{title: "Disks", panels: []panel{
				{title: "Space used per mount", unit: "percentunit",
					queries: []query{{expr: "1 - instance:node_filesystem_avail:ratio" + sel(), legend: "{{host}} {{mountpoint}}"}}},
				{title: "Inodes used per mount", unit: "percentunit",
					queries: []query{{expr: "1 - node_filesystem_files_free" + sel(realFilesystems) + " / node_filesystem_files" + sel(realFilesystems), legend: "{{host}} {{mountpoint}}"}}},
				{title: "Free space in 24 h at the current rate", unit: "bytes", help: "Below zero: the disk fills within a day.",
					queries: []query{{expr: "predict_linear(node_filesystem_avail_bytes" + sel(realFilesystems) + "[6h], 24 * 3600)", legend: "{{host}} {{mountpoint}}"}}},
				{title: "Disk throughput", unit: "Bps",
					queries: []query{
						{expr: "rate(node_disk_read_bytes_total" + sel() + "[$__rate_interval])", legend: "{{host}} {{device}} read"},
						{expr: "rate(node_disk_written_bytes_total" + sel() + "[$__rate_interval])", legend: "{{host}} {{device}} write"},
					}},
				{title: "Disk busy", unit: "percentunit",
					queries: []query{{expr: "rate(node_disk_io_time_seconds_total" + sel() + "[$__rate_interval])", legend: "{{host}} {{device}}"}}},
			}},
			{title: "Network", panels: []panel{
				{title: "Network traffic", unit: "Bps",
					queries: []query{
						{expr: "rate(node_network_receive_bytes_total" + sel(physicalInterfaces) + "[$__rate_interval])", legend: "{{host}} {{device}} in"},
						{expr: "rate(node_network_transmit_bytes_total" + sel(physicalInterfaces) + "[$__rate_interval])", legend: "{{host}} {{device}} out"},
					}},
				{title: "Network errors", unit: "pps",
					queries: []query{
						{expr: "rate(node_network_receive_errs_total" + sel(physicalInterfaces) + "[$__rate_interval])", legend: "{{host}} {{device}} in"},
						{expr: "rate(node_network_transmit_errs_total" + sel(physicalInterfaces) + "[$__rate_interval])", legend: "{{host}} {{device}} out"},
					}},
			}},
		},
	}
}

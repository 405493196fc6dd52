package dashboards

import (
	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
)

// backupFilter replaces the standard filter on the backup dashboard: the
// backup job's series come through the Pushgateway, so their host label is
// the Pushgateway's and the host backed up is their instance label
// (assets/backup/backup.sh).
const backupFilter = `job=~"$job",instance=~"$host"`

// backupSeries is pushed by every run of every service, so its labels list
// every job and host there is to choose from.
const backupSeries = "jiucom_backup_last_run_timestamp_seconds"

// hours is a threshold in seconds.
func hours(h float64) float64 { return h * 3600 }

// backupsDashboard shows the nightly backups and the weekly repository
// check per host and service, with the thresholds of assets/alerts/backups.yml.
func backupsDashboard() board {
	sel := func(metric string) string { return metric + "{" + backupFilter + "}" }
	return board{
		uid:         "jiucom-backups",
		title:       "JIUCOM / Backups",
		description: "restic backups of every data volume: last success, last run, duration, size and the weekly repository check.",
		tags:        []string{"backup"},
		variables: []cog.Builder[dashboard.VariableModel]{
			prometheusDatasource(),
			labelValues("job", "job", backupSeries),
			// Named and shown as host like on every dashboard, over instance.
			labelValues("host", "instance", backupSeries+`{job=~"$job"}`).Label("host"),
		},
		rows: []row{
			{title: "Backups", panels: []panel{
				{kind: single, title: "Time since last success", unit: "s",
					help:    "Per service; +Inf when it has run but never succeeded. BackupMissing fires above 26 h; the nightly run keeps it under 24 h.",
					queries: []query{{expr: sel("instance_service:jiucom_backup_last_success:age_seconds"), legend: "{{instance}} {{service}}"}},
					steps:   steps("green", bound{hours(24), "orange"}, bound{hours(26), "red"})},
				{kind: single, title: "Last run status", unit: "short", help: "1 = the last run succeeded, 0 = it failed (BackupFailing).",
					queries: []query{{expr: sel("jiucom_backup_last_status"), legend: "{{instance}} {{service}}"}},
					steps:   steps("red", bound{1, "green"})},
				{kind: single, title: "Repository check status", unit: "short", help: "The weekly restic check: 1 = passed, 0 = failed (BackupCheckFailing).",
					queries: []query{{expr: sel("jiucom_backup_check_last_status"), legend: "{{instance}}"}},
					steps:   steps("red", bound{1, "green"})},
				{kind: single, title: "Time since last check", unit: "s", help: "The check runs weekly (backup.checkSchedule); over 8 days means it stopped.",
					queries: []query{{expr: "time() - " + sel("jiucom_backup_check_last_run_timestamp_seconds"), legend: "{{instance}}"}},
					steps:   steps("green", bound{hours(8 * 24), "orange"})},
			}},
			{title: "Backup runs", panels: []panel{
				{title: "Duration of the last run", unit: "s",
					queries: []query{{expr: sel("jiucom_backup_duration_seconds"), legend: "{{instance}} {{service}}"}}},
				{title: "Size of the latest snapshot", unit: "bytes", help: "What a restore of the service writes (restic stats, restore size).",
					queries: []query{{expr: sel("jiucom_backup_size_bytes"), legend: "{{instance}} {{service}}"}}},
			}},
		},
	}
}

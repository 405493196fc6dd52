package config

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Backup keys.
const (
	KeyBackup              = "backup"
	KeyResticPassword      = "resticPassword"
	KeyMySQLBackupPassword = "mysqlBackupPassword"
)

// BackupEnabledByDefault is backup.enabled when a stack leaves it out; the
// policy pack assumes the same.
const BackupEnabledByDefault = true

// Where the restic repository lives.
const (
	BackupToGCS    = "gcs"
	BackupToVolume = "volume"
)

// Backup is the backup service of every host that holds data.
type Backup struct {
	Enabled bool
	// Schedule and CheckSchedule are cron lines (busybox crond): the nightly
	// run and the weekly `restic check --read-data`.
	Schedule, CheckSchedule string
	Keep                    BackupKeep
	// Repository is gcs (a bucket the program creates, prod) or volume (a
	// docker volume on each engine, dev).
	Repository string
	GCS        BackupGCS
	// ResticPassword encrypts the repository; MySQLPassword is the backup
	// user's. Both are secrets, delivered as files.
	ResticPassword, MySQLPassword pulumi.StringOutput
}

// BackupKeep is restic's retention per service.
type BackupKeep struct{ Daily, Weekly, Monthly int }

// BackupGCS is the bucket of a gcs repository.
type BackupGCS struct{ Project, Location, Bucket string }

type rawBackup struct {
	Enabled       *bool   `json:"enabled"`
	Schedule      *string `json:"schedule"`
	CheckSchedule *string `json:"checkSchedule"`
	Keep          struct {
		Daily   *int `json:"daily"`
		Weekly  *int `json:"weekly"`
		Monthly *int `json:"monthly"`
	} `json:"keep"`
	Repository *string `json:"repository"`
	GCS        struct {
		Project  *string `json:"project"`
		Location *string `json:"location"`
		Bucket   *string `json:"bucket"`
	} `json:"gcs"`
}

var (
	// cronField is one field of a cron line: numbers, ranges, steps, lists, *.
	cronField  = regexp.MustCompile(`^(\*|[0-9]+(-[0-9]+)?)(/[0-9]+)?(,(\*|[0-9]+(-[0-9]+)?)(/[0-9]+)?)*$`)
	bucketName = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{1,61}[a-z0-9]$`)
	// gcsMultiRegion is ASIA, EU, US or a dual-region such as ASIA1.
	gcsMultiRegion = regexp.MustCompile(`^[A-Z]+[0-9]?$`)
)

// valueOr is for keys whose zero value is a real choice (false, 0 kept).
func valueOr[T any](p *T, def T) T {
	if p == nil {
		return def
	}
	return *p
}

func checkCron(key, line string, ps *Problems) {
	fields := strings.Fields(line)
	ok := len(fields) == 5
	for _, f := range fields {
		ok = ok && cronField.MatchString(f)
	}
	if !ok {
		ps.add(key, `use a five-field cron line, e.g. "0 3 * * *" (03:00 every night)`, "%q is not a cron schedule", line)
	}
}

func parseBackup(in Input, stack *Stack, ps *Problems) Backup {
	var r rawBackup
	decode(in.Values, KeyBackup, &r, ps)
	b := Backup{
		Enabled:       valueOr(r.Enabled, BackupEnabledByDefault),
		Schedule:      withDefault(ps, KeyBackup+".schedule", r.Schedule, "0 3 * * *"),
		CheckSchedule: withDefault(ps, KeyBackup+".checkSchedule", r.CheckSchedule, "30 4 * * 0"),
		Keep: BackupKeep{
			Daily:   valueOr(r.Keep.Daily, 7),
			Weekly:  valueOr(r.Keep.Weekly, 4),
			Monthly: valueOr(r.Keep.Monthly, 6),
		},
	}
	defaultRepo := BackupToVolume
	if stack.Edge.Mode == EdgeGCP {
		defaultRepo = BackupToGCS
	}
	b.Repository = withDefault(ps, KeyBackup+".repository", r.Repository, defaultRepo)
	secret := secretGetter(in, ps)
	b.ResticPassword = secret(KeyResticPassword, b.Enabled)
	b.MySQLPassword = secret(KeyMySQLBackupPassword, b.Enabled)
	if b.Enabled {
		checkOptionFileSecret(in, KeyMySQLBackupPassword, ps)
	}
	checkCron(KeyBackup+".schedule", b.Schedule, ps)
	checkCron(KeyBackup+".checkSchedule", b.CheckSchedule, ps)
	for field, n := range map[string]int{"daily": b.Keep.Daily, "weekly": b.Keep.Weekly, "monthly": b.Keep.Monthly} {
		if n < 0 || n > 1000 {
			ps.add(KeyBackup+".keep."+field, "use a count from 0 to 1000", "%d snapshots", n)
		}
	}
	if b.Keep.Daily+b.Keep.Weekly+b.Keep.Monthly == 0 {
		ps.add(KeyBackup+".keep", "keep at least one snapshot, e.g. {daily: 7}", "this retention would delete every snapshot")
	}
	switch b.Repository {
	case BackupToVolume:
	case BackupToGCS:
		b.GCS = parseBackupGCS(r, stack, ps)
	default:
		ps.add(KeyBackup+".repository", "use gcs (a bucket the program creates) or volume (a docker volume per host, for dev)", "unknown repository %q", b.Repository)
	}
	return b
}

func parseBackupGCS(r rawBackup, stack *Stack, ps *Problems) BackupGCS {
	// A gcp edge's project and region are the defaults, already checked
	// under edge.gcp; only values given here are checked here.
	inherit := stack.Edge.Mode == EdgeGCP
	g := BackupGCS{Project: stack.Edge.GCP.Project, Location: stack.Edge.GCP.Region}
	switch {
	case r.GCS.Project != nil:
		g.Project = withDefault(ps, KeyBackup+".gcs.project", r.GCS.Project, g.Project)
		if !gcpProject.MatchString(g.Project) {
			ps.add(KeyBackup+".gcs.project", "use the project ID (6-30 lower-case letters, digits, hyphens)", "%q is not a GCP project ID", g.Project)
		}
	case !inherit:
		ps.add(KeyBackup+".gcs.project", "set the GCP project the bucket goes in (the gcp edge's is the default)", "required for a gcs repository")
	}
	switch {
	case r.GCS.Location != nil:
		g.Location = withDefault(ps, KeyBackup+".gcs.location", r.GCS.Location, g.Location)
		if !gcpRegion.MatchString(g.Location) && !gcsMultiRegion.MatchString(g.Location) {
			ps.add(KeyBackup+".gcs.location", "use a region such as asia-northeast3 or a multi-region such as ASIA", "%q is not a GCS location", g.Location)
		}
	case !inherit:
		ps.add(KeyBackup+".gcs.location", "set a bucket location, e.g. asia-northeast3 (the gcp edge's region is the default)", "required for a gcs repository")
	}
	g.Bucket = fmt.Sprintf("%s-jiucom-%s-backup", g.Project, stack.Name)
	if r.GCS.Bucket != nil {
		g.Bucket = withDefault(ps, KeyBackup+".gcs.bucket", r.GCS.Bucket, g.Bucket)
		if !bucketName.MatchString(g.Bucket) || strings.Contains(g.Bucket, "google") {
			ps.add(KeyBackup+".gcs.bucket", "use 3-63 lower-case letters, digits, hyphens and underscores", "%q is not a bucket name", g.Bucket)
		}
	}
	return g
}

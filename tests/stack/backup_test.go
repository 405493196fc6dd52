package stack_test

import (
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jiucom/jiucom-infra/components/config"
	"github.com/jiucom/jiucom-infra/tests/harness"
)

// prod runs one backup per host with data, each backing up exactly the
// data volumes of its host, into the stack's GCS bucket.
func TestBackupRunsOnEveryHostWithDataAndOnlyThere(t *testing.T) {
	rec := run(t, "prod")
	backups, _ := containersOf(rec, "backup")
	require.Len(t, backups, 2)
	// The ACME clients' state (acme_test.go) joins the set on both hosts;
	// Elasticsearch's through its snapshots (zipkin_storage_test.go).
	want := map[string]string{"monitoring": "prometheus grafana elasticsearch pushgateway acme", "service": "mysql redis acme"}
	for _, c := range backups {
		host := engineOf(t, rec, c)
		env := envOf(c)
		assert.Equal(t, want[host], env["BACKUP_SERVICES"], host)
		assert.Equal(t, "0 3 * * *", env["BACKUP_SCHEDULE"])
		assert.Equal(t, "30 4 * * 0", env["BACKUP_CHECK_SCHEDULE"])
		assert.Equal(t, "gs:jiucom-prod-jiucom-prod-backup:/restic", env["RESTIC_REPOSITORY"])
		// The Pushgateway by name on its own engine, by LAN address from the other.
		assert.Equal(t, map[string]string{"monitoring": "http://jiucom-pushgateway:9091", "service": "http://192.168.0.20:9091"}[host], env["BACKUP_PUSHGATEWAY"])
		var mounted []string
		for _, v := range harness.Arr(c.Inputs["volumes"]) {
			mounted = append(mounted, harness.Str(harness.Obj(v)["volumeName"]))
		}
		for _, svc := range strings.Fields(want[host]) {
			assert.Contains(t, mounted, "jiucom-"+svc+"-data")
		}
		// Secrets are files; the environment and command carry none.
		for k, v := range env {
			assert.NotContains(t, strings.ToLower(k), "password=", k)
			for _, s := range harness.TestSecrets {
				assert.NotContains(t, v, s, k)
			}
		}
		files := map[string]bool{}
		for _, u := range harness.Arr(c.Inputs["uploads"]) {
			files[harness.Str(harness.Obj(u)["file"])] = true
		}
		assert.True(t, files[env["RESTIC_PASSWORD_FILE"]], "the repository password is a file")
		assert.True(t, files[env["GOOGLE_APPLICATION_CREDENTIALS"]], "the bucket key is a file")
	}
	prom, _ := rec.Named(containerType, "prometheus-container")
	assert.True(t, slices.Contains(strs(harness.Arr(prom.Inputs["command"])), "--web.enable-admin-api"), "snapshots need the admin API")
}

// The bucket is private, versioned and reachable only by the backup's own
// account, with object access on that bucket alone.
func TestBackupBucketIsPrivateAndItsAccountLimitedToIt(t *testing.T) {
	rec := run(t, "prod")
	buckets := rec.OfType("gcp:storage/bucket:Bucket")
	require.Len(t, buckets, 1)
	b := buckets[0]
	assert.True(t, harness.Bool(b.Inputs["uniformBucketLevelAccess"]))
	assert.Equal(t, "enforced", harness.Str(b.Inputs["publicAccessPrevention"]))
	assert.True(t, harness.Bool(harness.Obj(b.Inputs["versioning"])["enabled"]))
	rules := harness.Arr(b.Inputs["lifecycleRules"])
	require.Len(t, rules, 1)
	rule := harness.Obj(rules[0])
	assert.Equal(t, "Delete", harness.Str(harness.Obj(rule["action"])["type"]))
	condition := harness.Obj(rule["condition"])
	assert.Equal(t, 30, harness.Num(condition["daysSinceNoncurrentTime"]), "noncurrent versions are kept 30 days")
	assert.Equal(t, "ARCHIVED", harness.Str(condition["withState"]), "live objects are never deleted by the rule")
	members := rec.OfType("gcp:storage/bucketIAMMember:BucketIAMMember")
	require.Len(t, members, 1)
	assert.Equal(t, "roles/storage.objectAdmin", harness.Str(members[0].Inputs["role"]))
	assert.Equal(t, "serviceAccount:jiucom-backup@jiucom-prod.iam.gserviceaccount.com", harness.Str(members[0].Inputs["member"]))
	assert.Empty(t, rec.OfType("gcp:projects/iAMMember:IAMMember"), "no project-wide role")
}

// dev keeps backups off (no backup container, no bucket); turned on, it
// backs up into a retained volume on its one engine.
func TestDevBacksUpIntoAVolumeWhenEnabled(t *testing.T) {
	rec := run(t, "dev")
	backups, _ := containersOf(rec, "backup")
	assert.Empty(t, backups)
	assert.Empty(t, rec.OfType("gcp:storage/bucket:Bucket"))

	on := runWith(t, "dev", map[string]string{config.KeyBackup: `{"enabled": true}`})
	backups, _ = containersOf(on, "backup")
	require.Len(t, backups, 1)
	assert.Equal(t, "/repo", envOf(backups[0])["RESTIC_REPOSITORY"])
	vol, ok := on.Named("docker:index/volume:Volume", "monitoring-service-jiucom-backup-repo")
	require.True(t, ok)
	assert.True(t, vol.Retain)
	assert.Empty(t, on.OfType("gcp:storage/bucket:Bucket"))
}

// The backup user reads the app's database and nothing more.
func TestMySQLBackupUserIsCreatedAtFirstBootWithReadOnlyGrants(t *testing.T) {
	c, _ := rec1(run(t, "prod"), "mysql-container")
	sql, ok := uploaded(c, "/docker-entrypoint-initdb.d/20-backup-user.sql")
	require.True(t, ok)
	assert.Contains(t, sql, "GRANT SELECT, SHOW VIEW, TRIGGER, EVENT ON `jiucom`.* TO 'backup'@'%'")
	for _, never := range []string{"ALL PRIVILEGES", "INSERT", "UPDATE", "DELETE", "DROP", "SUPER", "RELOAD", "FILE"} {
		assert.NotContains(t, sql, never)
	}
}

// The `backup` output that make restore reads names, for every backed-up
// service, a container the program really runs on that service's engine,
// the backup container beside it, and the engine's docker endpoint; with
// backups off it is empty.
func TestBackupOutputLocatesEveryBackedUpService(t *testing.T) {
	rec := run(t, "prod")
	targets := rec.Platform.Backups
	require.ElementsMatch(t, []string{"prometheus", "grafana", "elasticsearch", "pushgateway", "mysql", "redis", "acme"}, slices.Collect(maps.Keys(targets)))
	running := map[string]string{} // container name on engine → engine endpoint
	for _, c := range rec.OfType(containerType) {
		provider, _ := rec.ProviderOf(c)
		running[engineOf(t, rec, c)+"/"+harness.Str(c.Inputs["name"])] = harness.Str(provider.Inputs["host"])
	}
	for service, list := range targets {
		for _, target := range list {
			require.NotEmpty(t, target.Containers, "%s on %s", service, target.Engine)
			for _, name := range target.Containers {
				endpoint, ok := running[target.Engine+"/"+name]
				require.True(t, ok, "%s: no container %s on %s", service, name, target.Engine)
				assert.Equal(t, endpoint, target.Docker, service)
			}
			assert.True(t, strings.HasPrefix(target.Docker, "ssh://"), "prod engines are remote: %s", target.Docker)
			assert.Contains(t, running, target.Engine+"/"+target.Backup, "%s: its backup container", service)
		}
	}
	assert.Len(t, targets["mysql"], 1, "make restore loads mysql on its one engine")
	// make restore stops the containers of a service restored as files,
	// and none of one restored through its own client or API.
	for service, list := range targets {
		online := service == "mysql" || service == "elasticsearch"
		for _, target := range list {
			assert.Equal(t, online, target.Online, service)
		}
	}
	assert.Len(t, targets["acme"], 2, "the ACME clients' data is on both hosts")

	// host.sh loads a dump with the root password file of the mysql
	// container into its database: both must be what the container has.
	script, err := os.ReadFile(filepath.Join(harness.Root(), "assets", "backup", "host.sh"))
	require.NoError(t, err)
	mysqlC, _ := rec1(rec, "mysql-container")
	_, ok := uploaded(mysqlC, "/run/secrets/mysql-root-password")
	assert.True(t, ok && strings.Contains(string(script), "cat /run/secrets/mysql-root-password"))
	assert.Contains(t, string(script), "db="+envOf(mysqlC)["MYSQL_DATABASE"]+"\n")

	assert.Empty(t, run(t, "dev").Platform.Backups, "dev has backups off")
}

package backup

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jiucom/jiucom-infra/tests/tooltest"
)

// restic runs Debian's restic with the environment's repository.
func restic(t testing.TB, environ []string, args ...string) string {
	t.Helper()
	cmd := exec.Command(tooltest.Require(t, "restic"), args...)
	cmd.Env = environ
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "restic %v: %s", args, out)
	return string(out)
}

func snapshotTimes(t *testing.T, environ []string, tag string) []string {
	t.Helper()
	var snaps []struct {
		Time time.Time `json:"time"`
	}
	require.NoError(t, json.Unmarshal([]byte(restic(t, environ, "snapshots", "--json", "--tag", tag)), &snaps))
	var out []string
	for _, s := range snaps {
		out = append(out, s.Time.UTC().Format("2006-01-02"))
	}
	return out
}

// Retention keeps exactly the configured daily, weekly and monthly
// snapshots of each service.
func TestRetentionKeepsExactlyTheConfiguredSnapshots(t *testing.T) {
	dir := t.TempDir()
	environ := env(t, dir, "BACKUP_SERVICES=", "KEEP_DAILY=3", "KEEP_WEEKLY=2", "KEEP_MONTHLY=2")
	restic(t, environ, "init")
	data := filepath.Join(dir, "mysql.sql")
	require.NoError(t, os.WriteFile(data, []byte("-- Dump completed\n"), 0o644))
	// One nightly snapshot for 45 days, ending 2026-12-03 (a Thursday).
	last := time.Date(2026, 12, 3, 3, 0, 0, 0, time.UTC)
	for d := 44; d >= 0; d-- {
		at := last.AddDate(0, 0, -d).Format("2006-01-02 15:04:05")
		restic(t, environ, "backup", "--host", backupHost, "--tag", "mysql", "--time", at, data)
	}
	code, out := runScript(t, environ, "backup.sh")
	require.Equal(t, 0, code, out)
	// restic's buckets overlap: the newest snapshot of the last 3 days, of
	// the last 2 ISO weeks (this one's is 12-03, the one before ends on
	// Sunday 11-29) and of the last 2 months (12-03, 11-30).
	assert.Equal(t, []string{"2026-11-29", "2026-11-30", "2026-12-01", "2026-12-02", "2026-12-03"},
		sorted(snapshotTimes(t, environ, "mysql")))
}

func sorted(days []string) []string {
	out := append([]string{}, days...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

// A wrong repository password is refused clearly, by backup and restore,
// and the live data is untouched.
func TestWrongRepositoryPasswordChangesNothing(t *testing.T) {
	s := startDatastores(t)
	dir := t.TempDir()
	environ := s.env(t, dir, "BACKUP_SERVICES=redis grafana")
	code, out := runScript(t, environ, "backup.sh")
	require.Equal(t, 0, code, out)
	s.sqliteDo(t, s.grafanaDB, "INSERT INTO dashboard (title) VALUES ('added after the backup')")
	before, err := os.ReadFile(s.grafanaDB)
	require.NoError(t, err)

	wrongEnv := wrongPassword(t, environ)
	code, out = runScript(t, wrongEnv, "restore.sh", "grafana", "latest")
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "wrong repository password: nothing was restored")
	after, err := os.ReadFile(s.grafanaDB)
	require.NoError(t, err)
	assert.Equal(t, before, after, "the live database is untouched")

	code, out = runScript(t, wrongEnv, "backup.sh")
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "wrong repository password: nothing was backed up")

	code, out = runScript(t, environ, "restore.sh", "grafana", "deadbeef")
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "snapshot deadbeef not found for service grafana")
	code, out = runScript(t, environ, "restore.sh", "mysql", "latest", "--print")
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "snapshot latest not found for service mysql")
	assert.Equal(t, "JIUCOM overview\nadded after the backup", s.sqliteDo(t, s.grafanaDB, "SELECT title FROM dashboard ORDER BY id"))
}

// A corrupted pack makes the weekly check fail, and the metric says so.
func TestCorruptedPackFailsTheCheckAndTheMetric(t *testing.T) {
	s := startDatastores(t)
	dir := t.TempDir()
	environ := s.env(t, dir, "BACKUP_SERVICES=grafana redis")
	code, out := runScript(t, environ, "backup.sh")
	require.Equal(t, 0, code, out)
	code, out = runScript(t, append(environ, "BACKUP_SERVICES=", "BACKUP_CHECK=1"), "backup.sh")
	require.Equal(t, 0, code, out)
	assert.Contains(t, s.pushed(t), `jiucom_backup_check_last_status{instance="service",job="backup",service="check"} 1`)
	// A successful run and a check push every metric there is: the
	// hand-written inventory the alert and dashboard checks trust is exactly that.
	assert.Equal(t, inventory(t), s.pushedNames(t), "tests/testdata/metrics/backup.txt")

	packs, err := filepath.Glob(filepath.Join(dir, "repo", "data", "*", "*"))
	require.NoError(t, err)
	require.NotEmpty(t, packs)
	f, err := os.OpenFile(packs[0], os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = f.WriteAt([]byte("corrupted by the test"), 64)
	require.NoError(t, err)
	require.NoError(t, f.Close())

	code, out = runScript(t, append(environ, "BACKUP_SERVICES=", "BACKUP_CHECK=1"), "backup.sh")
	assert.Equal(t, 1, code, out)
	assert.Contains(t, out, "restic check FAILED")
	assert.Contains(t, s.pushed(t), `jiucom_backup_check_last_status{instance="service",job="backup",service="check"} 0`)
}

// One service failing (MySQL down) fails the run and its metric; the
// others are still backed up, and its last success stays as it was.
func TestOneFailingServiceDoesNotStopTheOthers(t *testing.T) {
	s := startDatastores(t)
	dir := t.TempDir()
	environ := s.env(t, dir, "BACKUP_SERVICES=mysql redis grafana")
	code, out := runScript(t, environ, "backup.sh")
	require.Equal(t, 0, code, out)
	success := func(service string) string {
		for _, l := range strings.Split(s.pushed(t), "\n") {
			if strings.HasPrefix(l, `jiucom_backup_last_success_timestamp_seconds{instance="service",job="backup",service="`+service+`"}`) {
				return l
			}
		}
		return ""
	}
	first, firstRedis := success("mysql"), success("redis")
	require.NotEmpty(t, first)

	s.db.proc.stop()
	time.Sleep(1100 * time.Millisecond) // a later run has a later timestamp
	code, out = runScript(t, environ, "backup.sh")
	assert.Equal(t, 1, code, out)
	assert.Contains(t, out, "mysql: FAILED")
	metrics := s.pushed(t)
	assert.Contains(t, metrics, `jiucom_backup_last_status{instance="service",job="backup",service="mysql"} 0`)
	assert.Contains(t, metrics, `jiucom_backup_last_status{instance="service",job="backup",service="redis"} 1`)
	assert.Contains(t, metrics, `jiucom_backup_last_status{instance="service",job="backup",service="grafana"} 1`)
	assert.Equal(t, first, success("mysql"), "a failed run keeps the last success")
	assert.NotEqual(t, firstRedis, success("redis"), "redis was backed up again")
}

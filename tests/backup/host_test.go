package backup

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jiucom/jiucom-infra/tests/harness"
	"github.com/jiucom/jiucom-infra/tests/tooltest"
)

// fakePulumi answers `pulumi stack output backup --json` with FAKE_TARGETS.
const fakePulumi = `#!/usr/bin/env bash
[ "$*" = "stack output backup --json -s $FAKE_STACK" ] || { echo "unexpected: pulumi $*" >&2; exit 2; }
cat "$FAKE_TARGETS"
`

// fakeDocker stands in for the docker CLI: it logs every call with the
// engine it was aimed at, runs the backup container's scripts from
// assets/backup with that container's environment (FAKE_BACKUP_ENV, one
// VAR=value a line), and the mysql container's sh -c with its secret files
// in FAKE_SECRETS and its mysql client talking to the test's MariaDB.
const fakeDocker = `#!/usr/bin/env bash
call="${DOCKER_HOST:-local} $*"
echo "${call//$'\n'/ }" >>"$FAKE_LOG"
case $1 in
  stop | start) exit 0 ;;
  exec) shift ;;
  *) echo "unexpected: docker $*" >&2; exit 2 ;;
esac
[ "$1" != -i ] || shift
container=$1
shift
case $container in
  jiucom-backup)
    cmd=${1/#\/usr\/local\/lib\/jiucom\/backup/$FAKE_SCRIPTS}
    shift
    mapfile -t environ <"$FAKE_BACKUP_ENV"
    exec env -i "${environ[@]}" "$cmd" "$@" ;;
  jiucom-mysql)
    [ "$1 $2" = "sh -c" ] || { echo "unexpected: docker exec $container $*" >&2; exit 2; }
    script=${3//\/run\/secrets\//$FAKE_SECRETS/}
    shift 3
    exec sh -c "$script" "$@" ;;
esac
echo "no such container: $container" >&2
exit 1
`

// hostRun is one `make restore` or `make backup-now` against fake CLIs.
type hostRun struct {
	t                       *testing.T
	bin, log, envFile, repo string
	targets                 map[string][]target
}

// target is one engine's entry of the stack's backup output.
type target struct {
	Engine     string   `json:"engine"`
	Docker     string   `json:"docker"`
	Backup     string   `json:"backup"`
	Containers []string `json:"containers"`
	Online     bool     `json:"online"`
}

// newHostRun puts the fakes first on PATH. The backup container's
// environment is environ; the mysql container's client is db's.
func newHostRun(t *testing.T, environ []string, db *mariadb) *hostRun {
	t.Helper()
	tooltest.Require(t, "jq")
	h := &hostRun{t: t, bin: t.TempDir(), targets: map[string][]target{}}
	h.log = filepath.Join(h.bin, "docker.log")
	h.envFile = filepath.Join(h.bin, "backup.env")
	for name, content := range map[string]string{"pulumi": fakePulumi, "docker": fakeDocker} {
		require.NoError(t, os.WriteFile(filepath.Join(h.bin, name), []byte(content), 0o755))
	}
	secrets := filepath.Join(h.bin, "secrets")
	require.NoError(t, os.Mkdir(secrets, 0o700))
	// MariaDB's root has no password here; the file is still what the
	// client reads.
	require.NoError(t, os.WriteFile(filepath.Join(secrets, "mysql-root-password"), nil, 0o600))
	if db != nil {
		shim := "#!/bin/sh\nexec " + db.client + " --no-defaults --socket=" + db.sock + ` "$@"` + "\n"
		require.NoError(t, os.WriteFile(filepath.Join(h.bin, "mysql"), []byte(shim), 0o755))
	}
	h.setEnv(environ)
	return h
}

func (h *hostRun) setEnv(environ []string) {
	require.NoError(h.t, os.WriteFile(h.envFile, []byte(strings.Join(environ, "\n")+"\n"), 0o600))
}

// target declares a backed-up service on an engine as the stack's backup
// output would.
func (h *hostRun) target(service, engine, docker string) {
	h.targets[service] = append(h.targets[service], target{Engine: engine, Docker: docker, Backup: "jiucom-backup", Containers: []string{"jiucom-" + service}})
}

// make runs a Makefile target and returns its exit code, output and the
// docker calls it made.
func (h *hostRun) make(args ...string) (int, string, []string) {
	h.t.Helper()
	targets, err := json.Marshal(h.targets)
	require.NoError(h.t, err)
	targetsFile := filepath.Join(h.bin, "targets.json")
	require.NoError(h.t, os.WriteFile(targetsFile, targets, 0o600))
	_ = os.Remove(h.log)
	cmd := exec.Command("make", append([]string{"-s", "-C", harness.Root()}, args...)...)
	cmd.Env = append(os.Environ(), "PATH="+h.bin+":"+os.Getenv("PATH"), "FAKE_STACK=dev", "FAKE_TARGETS="+targetsFile,
		"FAKE_LOG="+h.log, "FAKE_BACKUP_ENV="+h.envFile, "FAKE_SCRIPTS="+filepath.Dir(script("restore.sh")),
		"FAKE_SECRETS="+filepath.Join(h.bin, "secrets"), "PULUMI_CONFIG_PASSPHRASE=")
	out, err := cmd.CombinedOutput()
	code := 0
	if exit, ok := err.(*exec.ExitError); ok {
		code = exit.ExitCode()
	} else {
		require.NoError(h.t, err, "%s", out)
	}
	var calls []string
	if data, err := os.ReadFile(h.log); err == nil {
		calls = strings.Split(strings.TrimSpace(string(data)), "\n")
	}
	return code, string(out), calls
}

// membersDB is MariaDB with the app's members table, backed up once by
// backup.sh, and the backup container's environment for it.
func membersDB(t *testing.T) (*mariadb, []string) {
	t.Helper()
	db := startMariaDB(t)
	db.seed(t)
	db.sql(t, "CREATE TABLE jiucom.members (id INT PRIMARY KEY, name VARCHAR(40));\n"+
		"INSERT INTO jiucom.members VALUES (1, 'kim'), (2, 'lee'), (3, 'park');")
	environ := env(t, t.TempDir(), "MYSQL_HOST="+db.host, "MYSQL_PORT="+db.port,
		"MYSQLDUMP="+tooltest.Require(t, "mariadb-dump"), "BACKUP_SERVICES=mysql")
	code, out := runScript(t, environ, "backup.sh")
	require.Equal(t, 0, code, out)
	return db, environ
}

// rowDeletedAfterBackup is membersDB behind the fake CLIs, with mysql on
// the engine at docker, and member 2 deleted since the backup.
func rowDeletedAfterBackup(t *testing.T, docker string) (*mariadb, *hostRun, []string) {
	t.Helper()
	db, environ := membersDB(t)
	h := newHostRun(t, environ, db)
	h.target("mysql", "service", docker)
	db.sql(t, "DELETE FROM jiucom.members WHERE id = 2")
	return db, h, environ
}

const membersQuery = "SELECT id, name FROM jiucom.members ORDER BY id"

// make restore SERVICE=mysql brings a deleted row back, online: nothing is
// stopped, and every call goes to the service's engine.
func TestMakeRestoreBringsBackADeletedRow(t *testing.T) {
	db, h, _ := rowDeletedAfterBackup(t, "ssh://jiu@192.168.0.20")

	code, out, calls := h.make("restore", "STACK=dev", "SERVICE=mysql", "TO=scratch")
	require.Equal(t, 0, code, out)
	assert.Equal(t, "1\tkim\n2\tlee\n3\tpark", db.sql(t, "SELECT id, name FROM restore_scratch.members ORDER BY id"), "the scratch copy")
	assert.Equal(t, "1\tkim\n3\tpark", db.sql(t, membersQuery), "--to scratch leaves the live database alone")

	code, out, calls = h.make("restore", "STACK=dev", "SERVICE=mysql", "SNAPSHOT=latest")
	require.Equal(t, 0, code, out)
	assert.Equal(t, "1\tkim\n2\tlee\n3\tpark", db.sql(t, membersQuery))
	assert.Contains(t, out, "snapshot latest loaded into jiucom")
	// Both ends of the pipe run at once, so their calls come in any order.
	slices.Sort(calls)
	require.Len(t, calls, 2, "the dump out of the backup container, into the mysql container: %v", calls)
	assert.Equal(t, "ssh://jiu@192.168.0.20 exec -i jiucom-mysql sh -c ", calls[0][:len("ssh://jiu@192.168.0.20 exec -i jiucom-mysql sh -c ")])
	assert.True(t, strings.HasSuffix(calls[0], " sh jiucom"), calls[0])
	assert.Equal(t, "ssh://jiu@192.168.0.20 exec jiucom-backup /usr/local/lib/jiucom/backup/restore.sh mysql latest --print", calls[1])
}

// A wrong repository password or a snapshot that does not exist stops the
// restore with restore.sh's reason, a non-zero exit, and the data as it was.
func TestMakeRestoreRefusesAndChangesNothing(t *testing.T) {
	db, h, environ := rowDeletedAfterBackup(t, "")

	code, out, _ := h.make("restore", "STACK=dev", "SERVICE=mysql", "SNAPSHOT=0123abcd")
	assert.NotEqual(t, 0, code)
	assert.Contains(t, out, "snapshot 0123abcd not found for service mysql")
	assert.Contains(t, out, "mysql was not restored")

	h.setEnv(wrongPassword(t, environ))
	code, out, _ = h.make("restore", "STACK=dev", "SERVICE=mysql")
	assert.NotEqual(t, 0, code)
	assert.Contains(t, out, "wrong repository password: nothing was restored")
	assert.Equal(t, "1\tkim\n3\tpark", db.sql(t, membersQuery), "nothing was loaded")

	code, out, _ = h.make("restore", "STACK=dev", "SERVICE=nas")
	assert.NotEqual(t, 0, code)
	assert.Contains(t, out, "nas is not backed up in dev (backed up: mysql)")
}

// A file service is verified before anything stops, then only its own
// container is stopped, restored and started again; a missing snapshot
// stops nothing.
func TestMakeRestoreOfFilesStopsOnlyTheServiceAndVerifiesFirst(t *testing.T) {
	volumes := t.TempDir()
	store := filepath.Join(volumes, "pushgateway")
	require.NoError(t, os.Mkdir(store, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(store, "metrics.store"), []byte("job backup\n"), 0o644))
	environ := env(t, t.TempDir(), "BACKUP_VOLUMES="+volumes, "BACKUP_SERVICES=pushgateway")
	code, out := runScript(t, environ, "backup.sh")
	require.Equal(t, 0, code, out)
	h := newHostRun(t, environ, nil)
	h.target("pushgateway", "monitoring", "")

	code, out, calls := h.make("restore", "STACK=dev", "SERVICE=pushgateway", "SNAPSHOT=0123abcd")
	assert.NotEqual(t, 0, code)
	assert.Contains(t, out, "snapshot 0123abcd not found")
	assert.Equal(t, []string{"local exec jiucom-backup /usr/local/lib/jiucom/backup/restore.sh pushgateway 0123abcd --to scratch"}, calls,
		"nothing is stopped when the snapshot cannot be verified")

	require.NoError(t, os.Remove(filepath.Join(store, "metrics.store")))
	code, out, calls = h.make("restore", "STACK=dev", "SERVICE=pushgateway")
	require.Equal(t, 0, code, out)
	assert.Equal(t, []string{
		"local exec jiucom-backup /usr/local/lib/jiucom/backup/restore.sh pushgateway latest --to scratch",
		"local stop jiucom-pushgateway",
		"local exec jiucom-backup /usr/local/lib/jiucom/backup/restore.sh pushgateway latest",
		"local start jiucom-pushgateway",
	}, calls)
	assert.FileExists(t, filepath.Join(store, "metrics.store"))
}

// A service on several engines (the ACME clients' data) is verified on
// every engine before anything stops; then each engine's containers stop,
// their data comes back and they start, one engine after the other.
func TestMakeRestoreOfAServiceOnSeveralEngines(t *testing.T) {
	volumes := t.TempDir()
	require.NoError(t, os.Mkdir(filepath.Join(volumes, "acme"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(volumes, "acme", "account.key"), []byte("key\n"), 0o600))
	environ := env(t, t.TempDir(), "BACKUP_VOLUMES="+volumes, "BACKUP_SERVICES=acme")
	code, out := runScript(t, environ, "backup.sh")
	require.Equal(t, 0, code, out)
	h := newHostRun(t, environ, nil)
	h.targets["acme"] = []target{
		{Engine: "monitoring", Docker: "ssh://jiu@192.168.0.20", Backup: "jiucom-backup", Containers: []string{"jiucom-acme-nginx-mon"}},
		{Engine: "service", Docker: "ssh://jiu@192.168.0.30", Backup: "jiucom-backup", Containers: []string{"jiucom-acme-gateway"}},
	}
	code, out, calls := h.make("restore", "STACK=dev", "SERVICE=acme")
	require.Equal(t, 0, code, out)
	const restore = " exec jiucom-backup /usr/local/lib/jiucom/backup/restore.sh acme latest"
	assert.Equal(t, []string{
		"ssh://jiu@192.168.0.20" + restore + " --to scratch",
		"ssh://jiu@192.168.0.30" + restore + " --to scratch",
		"ssh://jiu@192.168.0.20 stop jiucom-acme-nginx-mon",
		"ssh://jiu@192.168.0.20" + restore,
		"ssh://jiu@192.168.0.20 start jiucom-acme-nginx-mon",
		"ssh://jiu@192.168.0.30 stop jiucom-acme-gateway",
		"ssh://jiu@192.168.0.30" + restore,
		"ssh://jiu@192.168.0.30 start jiucom-acme-gateway",
	}, calls)
}

// An online service (Elasticsearch) is verified first, then restored
// through its own API while it runs: make restore stops and starts nothing.
func TestMakeRestoreOfAnOnlineServiceStopsNothing(t *testing.T) {
	es, environ, _ := backedUpES(t)
	h := newHostRun(t, environ, nil)
	h.targets["elasticsearch"] = []target{{Engine: "monitoring", Docker: "ssh://jiu@192.168.0.20", Backup: "jiucom-backup",
		Containers: []string{"jiucom-elasticsearch"}, Online: true}}

	code, out, calls := h.make("restore", "STACK=dev", "SERVICE=elasticsearch")
	require.Equal(t, 0, code, out)
	const restore = "ssh://jiu@192.168.0.20 exec jiucom-backup /usr/local/lib/jiucom/backup/restore.sh elasticsearch latest"
	assert.Equal(t, []string{restore + " --to scratch", restore}, calls)
	assert.Contains(t, out, "restoring it while jiucom-elasticsearch keeps running")
	requests, _ := es.calls()
	assert.Contains(t, requests, "POST /_snapshot/jiucom/NAME/_restore?wait_for_completion=true")
}

// make backup-now runs the backup container of every engine once and fails
// when one of them fails.
func TestMakeBackupNowRunsEveryEnginesBackup(t *testing.T) {
	volumes := t.TempDir()
	require.NoError(t, os.Mkdir(filepath.Join(volumes, "pushgateway"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(volumes, "pushgateway", "metrics.store"), []byte("x\n"), 0o644))
	environ := env(t, t.TempDir(), "BACKUP_VOLUMES="+volumes, "BACKUP_SERVICES=pushgateway")
	h := newHostRun(t, environ, nil)
	h.target("pushgateway", "monitoring", "ssh://jiu@192.168.0.10")
	h.target("grafana", "monitoring", "ssh://jiu@192.168.0.10")
	h.target("redis", "service", "ssh://jiu@192.168.0.20")

	code, out, calls := h.make("backup-now", "STACK=dev")
	require.Equal(t, 0, code, out)
	assert.Equal(t, []string{
		"ssh://jiu@192.168.0.10 exec jiucom-backup /usr/local/lib/jiucom/backup/backup.sh",
		"ssh://jiu@192.168.0.20 exec jiucom-backup /usr/local/lib/jiucom/backup/backup.sh",
	}, calls, "one run per engine, not per service")
	assert.Equal(t, 2, strings.Count(out, "pushgateway: done"), "both runs backed up (the fake sends both engines to one repository)")

	h.setEnv(wrongPassword(t, environ))
	code, out, _ = h.make("backup-now", "STACK=dev")
	assert.NotEqual(t, 0, code)
	assert.Contains(t, out, "wrong repository password: nothing was backed up")
	assert.Contains(t, out, "at least one backup failed")
}

// With backups off the stack exports no target and the commands say how
// to turn them on.
func TestMakeRestoreWithBackupsOffSaysHowToTurnThemOn(t *testing.T) {
	h := newHostRun(t, nil, nil)
	code, out, calls := h.make("backup-now", "STACK=dev")
	assert.NotEqual(t, 0, code)
	assert.Contains(t, out, "backups are off in dev: pulumi config set backup.enabled true -s dev")
	assert.Empty(t, calls)
}

// The host-side scripts run under bash on the operator's machine, the
// others in the backup image: shellcheck holds them all.
func TestBackupScriptsPassShellcheck(t *testing.T) {
	tooltest.Shellcheck(t, filepath.Join(harness.Root(), "assets", "backup", "*.sh"))
}

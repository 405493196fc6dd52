// Package backup runs the project's backup and restore scripts against real
// tools on loopback: Debian's restic, MariaDB, Redis, sqlite3, Prometheus
// and Pushgateway.
package backup

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/jiucom/jiucom-infra/components/mysql"
	"github.com/jiucom/jiucom-infra/tests/harness"
	"github.com/jiucom/jiucom-infra/tests/tooltest"
)

const (
	database       = "jiucom"
	redisPassword  = "redis-Pa55-word"
	backupPassword = "backup-Pa55-word"
	repoPassword   = "restic-Pa55-word"
	backupHost     = "service"
)

func script(name string) string { return filepath.Join(harness.Root(), "assets", "backup", name) }

func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func waitListening(t testing.TB, addr string) {
	t.Helper()
	require.Eventually(t, func() bool {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
		}
		return err == nil
	}, 60*time.Second, 50*time.Millisecond, "nothing listens on %s", addr)
}

// proc is a daemon the test can stop and start again.
type proc struct {
	t    testing.TB
	bin  string
	args []string
	cmd  *exec.Cmd
	log  string
}

func start(t testing.TB, bin string, args ...string) *proc {
	t.Helper()
	p := &proc{t: t, bin: bin, args: args, log: filepath.Join(t.TempDir(), filepath.Base(bin)+".log")}
	p.start()
	t.Cleanup(func() {
		p.stop()
		if t.Failed() {
			out, _ := os.ReadFile(p.log)
			t.Logf("--- %s ---\n%s", bin, out)
		}
	})
	return p
}

func (p *proc) start() {
	f, err := os.OpenFile(p.log, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	require.NoError(p.t, err)
	p.cmd = exec.Command(p.bin, p.args...)
	p.cmd.Stdout, p.cmd.Stderr = f, f
	require.NoError(p.t, p.cmd.Start())
}

// stop asks the daemon to shut down cleanly (it flushes its data) and waits.
func (p *proc) stop() {
	if p.cmd == nil {
		return
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = p.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		_ = p.cmd.Process.Kill()
		<-done
	}
	p.cmd = nil
}

// mariadb is a throwaway server with root on its socket and TCP.
type mariadb struct {
	addr, host, port, sock string
	client                 string
	proc                   *proc
}

// startMariaDB takes extra server options after the defaults, so they
// override them.
func startMariaDB(t testing.TB, serverArgs ...string) *mariadb {
	t.Helper()
	server := tooltest.Require(t, "mariadbd")
	install := tooltest.Require(t, "mariadb-install-db")
	m := &mariadb{client: tooltest.Require(t, "mariadb")}
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	user := "root"
	if os.Geteuid() != 0 {
		user = os.Getenv("USER")
	}
	out, err := exec.Command(install, "--no-defaults", "--datadir="+data, "--user="+user, "--auth-root-authentication-method=normal", "--skip-test-db").CombinedOutput()
	require.NoError(t, err, "%s", out)
	m.port = fmt.Sprint(freePort(t))
	m.host, m.sock = "127.0.0.1", filepath.Join(dir, "mysqld.sock")
	m.addr = net.JoinHostPort(m.host, m.port)
	m.proc = start(t, server, append([]string{"--no-defaults", "--datadir=" + data, "--socket=" + m.sock, "--bind-address=" + m.host, "--port=" + m.port,
		"--pid-file=" + filepath.Join(dir, "mysqld.pid"), "--user=" + user, "--skip-log-bin", "--innodb-buffer-pool-size=32M"}, serverArgs...)...)
	waitListening(t, m.addr)
	return m
}

// sql runs statements as root and returns the tab-separated rows.
func (m *mariadb) sql(t testing.TB, stmts string) string {
	t.Helper()
	cmd := exec.Command(m.client, "--no-defaults", "--socket="+m.sock, "-u", "root", "-N", "-B")
	cmd.Stdin = strings.NewReader(stmts)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s\n%s", stmts, out)
	return strings.TrimSpace(string(out))
}

// seed creates the app's database and the backup user the way the stack's
// first-boot SQL does. MariaDB has no SHOW_ROUTINE (MySQL 8's routine
// privilege), so that one grant is left out here.
func (m *mariadb) seed(t testing.TB) {
	t.Helper()
	var initSQL []string
	for _, line := range strings.Split(mysql.BackupInitSQL(database, backupPassword), "\n") {
		if !strings.Contains(line, "SHOW_ROUTINE") {
			initSQL = append(initSQL, line)
		}
	}
	m.sql(t, "CREATE DATABASE "+database+";\n"+strings.Join(initSQL, "\n"))
}

// env is the part of the backup container's environment that points the
// scripts at this server, with Debian's MariaDB clients.
func (m *mariadb) env(t testing.TB) []string {
	t.Helper()
	return []string{"MYSQL_HOST=" + m.host, "MYSQL_PORT=" + m.port, "MYSQLDUMP=" + tooltest.Require(t, "mariadb-dump")}
}

// root is the mysql client logged in as root, into database db.
func (m *mariadb) root(db string) *exec.Cmd {
	return exec.Command(m.client, "--no-defaults", "--socket="+m.sock, "-u", "root", db)
}

// loadDump loads the latest mysql snapshot into db the way make restore
// does: restore.sh verifies and prints the dump, root's client loads it.
func (m *mariadb) loadDump(t testing.TB, environ []string, db string) {
	t.Helper()
	print := exec.Command(script("restore.sh"), "mysql", "latest", "--print")
	print.Env = environ
	pipeInto(t, print, m.root(db))
}

// pipeInto runs from | to and requires both to succeed.
func pipeInto(t testing.TB, from, to *exec.Cmd) {
	t.Helper()
	var fromErr, toErr bytes.Buffer
	from.Stderr, to.Stderr = &fromErr, &toErr
	pipe, err := from.StdoutPipe()
	require.NoError(t, err)
	to.Stdin = pipe
	require.NoError(t, from.Start())
	// to reads the pipe to its end before from is waited for, since Wait
	// closes it.
	toRun := to.Run()
	require.NoError(t, from.Wait(), "%s", fromErr.String())
	require.NoError(t, toRun, "%s", toErr.String())
}

// env is what the backup container's environment holds, pointed at
// loopback: files for every secret, never a secret itself.
func env(t testing.TB, dir string, extra ...string) []string {
	t.Helper()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(content), 0o600))
		return p
	}
	base := []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + dir,
		"RESTIC_REPOSITORY=" + filepath.Join(dir, "repo"),
		"RESTIC_PASSWORD_FILE=" + write("restic-password", repoPassword),
		"RESTIC_CACHE_DIR=" + filepath.Join(dir, "cache"),
		"BACKUP_HOST=" + backupHost,
		"BACKUP_SCRATCH=" + filepath.Join(dir, "scratch"),
		"RESTORE_STAGING=" + filepath.Join(dir, "staging"),
		"MYSQL_DATABASE=" + database,
		"MYSQL_DEFAULTS_FILE=" + write("backup.cnf", mysql.ClientConfig(mysql.BackupUser, backupPassword, "")),
		"REDIS_PASSWORD_FILE=" + write("redis-password", redisPassword),
	}
	return append(base, extra...)
}

// wrongPassword is environ with a password file the repository refuses.
func wrongPassword(t *testing.T, environ []string) []string {
	t.Helper()
	wrong := filepath.Join(t.TempDir(), "wrong-password")
	require.NoError(t, os.WriteFile(wrong, []byte("not-the-password"), 0o600))
	return append(slices.Clip(environ), "RESTIC_PASSWORD_FILE="+wrong)
}

// runScript runs one of the project's scripts and returns its exit code and output.
func runScript(t testing.TB, environ []string, name string, args ...string) (int, string) {
	t.Helper()
	cmd := exec.Command(script(name), args...)
	cmd.Env = environ
	out, err := cmd.CombinedOutput()
	if exit, ok := err.(*exec.ExitError); ok {
		return exit.ExitCode(), string(out)
	}
	require.NoError(t, err, "%s", out)
	return 0, string(out)
}

func get(t testing.TB, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return string(body)
}

// inventory is tests/testdata/metrics/backup.txt without its comments.
func inventory(t *testing.T) []string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(harness.Root(), "tests", "testdata", "metrics", "backup.txt"))
	require.NoError(t, err)
	var names []string
	for _, l := range strings.Split(string(data), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			names = append(names, l)
		}
	}
	slices.Sort(names)
	return names
}

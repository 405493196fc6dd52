package datastores

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jiucom/jiucom-infra/components/mysql"
	"github.com/jiucom/jiucom-infra/tests/nginxtest"
	"github.com/jiucom/jiucom-infra/tests/tooltest"
)

// The first-boot SQL and the option files work against a real server
// (Debian's MariaDB, the packaged stand-in for MySQL 8): the exporter user
// gets exactly its grants and connection cap, and `mysqladmin ping` with the
// rendered defaults file authenticates without a password on the command line.
func TestExporterUserOnRealMariaDB(t *testing.T) {
	server := tooltest.Require(t, "mariadbd")
	install := tooltest.Require(t, "mariadb-install-db")
	client := tooltest.Require(t, "mariadb")
	admin := tooltest.Require(t, "mariadb-admin")

	dir := t.TempDir()
	data, sock := filepath.Join(dir, "data"), filepath.Join(dir, "mysqld.sock")
	out, err := exec.Command(install, "--no-defaults", "--datadir="+data, "--user="+currentUser(),
		"--auth-root-authentication-method=normal", "--skip-test-db").CombinedOutput()
	require.NoError(t, err, "%s", out)
	addr := nginxtest.LoopbackAddr(t, "127.0.0.1")
	host, port, _ := net.SplitHostPort(addr)
	cmd := exec.Command(server, "--no-defaults", "--datadir="+data, "--socket="+sock, "--bind-address="+host, "--port="+port,
		"--pid-file="+filepath.Join(dir, "mysqld.pid"), "--log-error="+filepath.Join(dir, "error.log"), "--user="+currentUser())
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if t.Failed() {
			log, _ := os.ReadFile(filepath.Join(dir, "error.log"))
			t.Logf("mariadb error log:\n%s", log)
		}
	})
	require.Eventually(t, func() bool {
		c, err := net.Dial("tcp", addr)
		ok := err == nil
		if ok {
			c.Close()
		}
		return ok
	},
		30*time.Second, 50*time.Millisecond, "mariadbd never listened")

	const password = "exp0rter-Pa55word"
	initSQL := exec.Command(client, "--no-defaults", "--socket="+sock, "-u", "root")
	initSQL.Stdin = strings.NewReader(mysql.ExporterInitSQL(password))
	out, err = initSQL.CombinedOutput()
	require.NoError(t, err, "first-boot SQL: %s", out)

	healthCnf := filepath.Join(dir, "health.cnf")
	require.NoError(t, os.WriteFile(healthCnf, []byte(mysql.ClientConfig(mysql.ExporterUser, password, "")), 0o600))
	out, err = exec.Command(admin, "--defaults-extra-file="+healthCnf, "ping", "--protocol=tcp", "-h", host, "-P", port).CombinedOutput()
	require.NoError(t, err, "%s", out)
	assert.Contains(t, string(out), "alive")

	exporterCnf := filepath.Join(dir, "exporter.cnf")
	require.NoError(t, os.WriteFile(exporterCnf, []byte(mysql.ClientConfig(mysql.ExporterUser, password, addr)), 0o600))
	out, err = exec.Command(client, "--defaults-extra-file="+exporterCnf, "--protocol=tcp", "-N", "-e", "SHOW GRANTS").CombinedOutput()
	require.NoError(t, err, "%s", out)
	grants := string(out)
	for _, want := range []string{"SELECT", "PROCESS", "MAX_USER_CONNECTIONS 3"} {
		assert.Contains(t, grants, want)
	}
	// MariaDB names REPLICATION CLIENT "BINLOG MONITOR".
	assert.True(t, strings.Contains(grants, "REPLICATION CLIENT") || strings.Contains(grants, "BINLOG MONITOR"), grants)
	for _, never := range []string{"ALL PRIVILEGES", "INSERT", "UPDATE", "DELETE", "DROP", "SUPER", "GRANT OPTION"} {
		assert.NotContains(t, grants, never)
	}

	wrong := filepath.Join(dir, "wrong.cnf")
	require.NoError(t, os.WriteFile(wrong, []byte(mysql.ClientConfig(mysql.ExporterUser, "not-it", addr)), 0o600))
	_, err = exec.Command(client, "--defaults-extra-file="+wrong, "--protocol=tcp", "-e", "SELECT 1").CombinedOutput()
	assert.Error(t, err, "the password in the file is what authenticates")
}

func currentUser() string {
	if os.Geteuid() == 0 {
		return "root"
	}
	return os.Getenv("USER")
}

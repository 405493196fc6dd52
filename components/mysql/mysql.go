// Package mysql renders the files MySQL and its exporter read: the
// first-boot SQL that creates mysqld-exporter's least-privilege user, and
// the client option files (my.cnf) that carry credentials, so no password
// ever appears on a command line or in the environment.
package mysql

import (
	"fmt"
	"strings"
)

// ExporterUser is mysqld-exporter's own account.
const ExporterUser = "exporter"

// exporterMaxConnections caps the exporter so a slow scrape can never eat
// the app's connection budget.
const exporterMaxConnections = 3

// ExporterInitSQL creates the exporter's user with only what it reads
// (process list, replication status, performance and information schema).
// The image runs it once, on an empty data directory.
func ExporterInitSQL(password string) string {
	return fmt.Sprintf(`-- Rendered by components/mysql; runs once, on the first boot.
CREATE USER IF NOT EXISTS '%[1]s'@'%%' IDENTIFIED BY %[2]s WITH MAX_USER_CONNECTIONS %[3]d;
GRANT PROCESS, REPLICATION CLIENT, SELECT ON *.* TO '%[1]s'@'%%';
`, ExporterUser, quote(password), exporterMaxConnections)
}

// ClientConfig is a [client] option file for user at endpoint (host:port);
// an empty endpoint leaves the server to the command line (the healthcheck
// passes -h 127.0.0.1 itself). The password must not contain option-file
// metacharacters; config rejects such secrets before anything is rendered.
func ClientConfig(user, password, endpoint string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "[client]\nuser=%s\npassword=%s\n", user, password)
	if host, port, ok := strings.Cut(endpoint, ":"); ok {
		fmt.Fprintf(&b, "host=%s\nport=%s\n", host, port)
	}
	return b.String()
}

// quote is a MySQL string literal in the default SQL mode.
func quote(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `'`, `\'`, "\x00", `\0`, "\n", `\n`, "\r", `\r`, "\x1a", `\Z`)
	return "'" + r.Replace(s) + "'"
}

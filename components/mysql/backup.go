package mysql

import "fmt"

// BackupUser is the backup service's own account: it reads the app's
// database and nothing else, so the backup container never holds root's
// password.
const BackupUser = "backup"

// backupMaxConnections: a dump needs one connection.
const backupMaxConnections = 2

// BackupInitSQL creates the backup user with what `mysqldump
// --single-transaction --routines --triggers --events --no-tablespaces`
// needs on one database: SELECT (the rows), SHOW VIEW (view definitions),
// TRIGGER and EVENT (their definitions), and on MySQL 8 SHOW_ROUTINE (the
// bodies of routines it does not own). --single-transaction takes no table
// locks and --no-tablespaces needs no PROCESS, so neither LOCK TABLES nor
// PROCESS is granted.
func BackupInitSQL(database, password string) string {
	return fmt.Sprintf(`-- Rendered by components/mysql; runs once, on the first boot.
CREATE USER IF NOT EXISTS '%[1]s'@'%%' IDENTIFIED BY %[2]s WITH MAX_USER_CONNECTIONS %[3]d;
GRANT SELECT, SHOW VIEW, TRIGGER, EVENT ON %[4]s.* TO '%[1]s'@'%%';
GRANT SHOW_ROUTINE ON *.* TO '%[1]s'@'%%';
`, BackupUser, quote(password), backupMaxConnections, "`"+database+"`")
}

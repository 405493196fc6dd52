package backup

import (
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/jiucom/jiucom-infra/tests/tooltest"
)

// benchTables are the generated tables, each with the rows-per-chunk ratio
// that keeps parts at four per member.
var benchTables = []struct {
	name, create, insert string
	perChunk             int
}{
	{"members", `CREATE TABLE members (
		id INT PRIMARY KEY, name VARCHAR(64) NOT NULL, email VARCHAR(128) NOT NULL, city VARCHAR(32) NOT NULL,
		points INT NOT NULL, joined DATETIME NOT NULL, bio TEXT NOT NULL, KEY (email), KEY (city, points))`,
		// Hashes rather than repeated text, so that restic's compression
		// sees something closer to real prose than a run of one byte.
		`INSERT INTO members SELECT seq, CONCAT('member ', seq), CONCAT(LEFT(MD5(seq), 12), '@example.kr'),
		ELT(1 + MOD(seq, 5), 'Seoul', 'Busan', 'Incheon', 'Daegu', 'Daejeon'), MOD(seq * 7919, 100000),
		'2020-01-01' + INTERVAL MOD(seq, 1800) DAY, CONCAT_WS(' ', SHA2(CONCAT(seq, 'a'), 512), SHA2(CONCAT(seq, 'b'), 512))
		FROM seq_%d_to_%d`, 1},
	{"parts", `CREATE TABLE parts (
		id INT PRIMARY KEY, member_id INT NOT NULL, sku VARCHAR(32) NOT NULL, title VARCHAR(128) NOT NULL,
		price INT NOT NULL, stock INT NOT NULL, description TEXT NOT NULL, KEY (member_id), KEY (sku))`,
		`INSERT INTO parts SELECT seq, 1 + (seq - 1) DIV 4, CONCAT('SKU-', UPPER(LEFT(SHA1(seq), 10))), CONCAT('part ', seq, ' rev ', MOD(seq, 7)),
		MOD(seq * 104729, 5000000), MOD(seq, 300),
		CONCAT_WS(' ', SHA2(CONCAT(seq, 'c'), 512), SHA2(CONCAT(seq, 'd'), 512), SHA2(CONCAT(seq, 'e'), 512), SHA2(CONCAT(seq, 'f'), 512))
		FROM seq_%d_to_%d`, 4},
}

// benchChunk is how many members one generating statement adds: small
// enough that the target size is overshot by little.
const benchChunk = 2500

// generate fills the app's database with the benchmark's tables until they
// hold mb megabytes (data and indexes), from MariaDB's SEQUENCE engine: no
// rows cross the client. It returns each table's row count.
func generate(b *testing.B, db *mariadb, mb int) map[string]string {
	b.Helper()
	for _, tbl := range benchTables {
		db.sql(b, "USE "+database+"; "+tbl.create)
	}
	for done := 0; dbMB(b, db, database) < float64(mb); done += benchChunk {
		for _, tbl := range benchTables {
			db.sql(b, "USE "+database+"; "+fmt.Sprintf(tbl.insert, done*tbl.perChunk+1, (done+benchChunk)*tbl.perChunk))
		}
	}
	return rowCounts(b, db, database)
}

// dbMB is a database's size on disk, data and indexes, in MB.
func dbMB(b *testing.B, db *mariadb, name string) float64 {
	b.Helper()
	for _, tbl := range benchTables {
		// InnoDB's statistics are estimates until analysed.
		db.sql(b, "ANALYZE TABLE "+name+"."+tbl.name)
	}
	total, err := strconv.ParseFloat(db.sql(b, "SELECT SUM(data_length + index_length) FROM information_schema.tables WHERE table_schema = '"+name+"'"), 64)
	require.NoError(b, err)
	return total / 1e6
}

func rowCounts(b *testing.B, db *mariadb, name string) map[string]string {
	b.Helper()
	counts := map[string]string{}
	for _, tbl := range benchTables {
		counts[tbl.name] = db.sql(b, "SELECT COUNT(*) FROM "+name+"."+tbl.name)
	}
	return counts
}

func lookup(environ []string, key string) string {
	for _, kv := range environ {
		if v, ok := strings.CutPrefix(kv, key+"="); ok {
			return v
		}
	}
	return ""
}

// plainDumpRestore is the baseline: the same mysqldump piped straight into
// the mysql client, with no file, restic or verification in between.
func plainDumpRestore(b *testing.B, db *mariadb, environ []string, target string) {
	b.Helper()
	dump := exec.Command(lookup(environ, "MYSQLDUMP"), "--defaults-extra-file="+lookup(environ, "MYSQL_DEFAULTS_FILE"),
		"-h", db.host, "-P", db.port, "--protocol=tcp",
		"--single-transaction", "--routines", "--triggers", "--events", "--no-tablespaces", database)
	pipeInto(b, dump, db.root(target))
}

// timed runs f with the benchmark's timer on and returns how long it took.
func timed(b *testing.B, f func()) time.Duration {
	b.StartTimer()
	defer b.StopTimer()
	begin := time.Now()
	f()
	return time.Since(begin)
}

// BenchmarkMySQLDumpRestore measures MySQL's round trip through the
// project's scripts (backup.sh: mysqldump to a file, its check, restic
// backup and retention; restore.sh: restic restore into staging, its check,
// root's client loading the dump it prints, as make restore does) against a plain mysqldump | mysql of the
// same data in the same run, on a generated database of BACKUP_BENCH_MB
// megabytes (default 200). Both are reported in MB of that database per
// second, with ratio = project / baseline. Run it once:
//
//	go test ./tests/backup -run '^$' -bench MySQLDumpRestore -benchtime 1x
func BenchmarkMySQLDumpRestore(b *testing.B) {
	mb := 200
	if v := os.Getenv("BACKUP_BENCH_MB"); v != "" {
		var err error
		mb, err = strconv.Atoi(v)
		require.NoError(b, err, "BACKUP_BENCH_MB")
	}
	tooltest.Require(b, "restic") // skip before generating the data, not after
	// The server's own default pool, as the stack runs it; the tests' 32M
	// would measure the pool thrashing rather than the dump and the load.
	db := startMariaDB(b, "--innodb-buffer-pool-size=128M")
	db.seed(b)
	want := generate(b, db, mb)
	size := dbMB(b, db, database)
	b.Logf("generated %.0f MB: %v rows", size, want)
	environ := env(b, b.TempDir(), append(db.env(b), "BACKUP_SERVICES=mysql")...)
	restic(b, environ, "init")
	const baselineDB = "restore_db"
	var backup, restore, baseline time.Duration

	b.StopTimer()
	b.ResetTimer()
	for range b.N {
		backup += timed(b, func() {
			code, out := runScript(b, environ, "backup.sh")
			require.Equal(b, 0, code, out)
		})
		// Without its tables the live database shows whether the restore
		// brought every row back, not what was there before.
		db.sql(b, "USE "+database+"; DROP TABLE members, parts")
		restore += timed(b, func() {
			db.loadDump(b, environ, database)
		})
		require.Equal(b, want, rowCounts(b, db, database), "the project's restore")

		db.sql(b, "DROP DATABASE IF EXISTS "+baselineDB+"; CREATE DATABASE "+baselineDB)
		baseline += timed(b, func() { plainDumpRestore(b, db, environ, baselineDB) })
		require.Equal(b, want, rowCounts(b, db, baselineDB), "the baseline's restore")
	}
	// The split says where the project's extra time goes: the baseline
	// dumps and loads at once, the scripts one step after the other.
	b.Logf("per run: backup.sh %v, restore.sh %v, baseline %v", backup/time.Duration(b.N), restore/time.Duration(b.N), baseline/time.Duration(b.N))
	projectRate := size * float64(b.N) / (backup + restore).Seconds()
	baselineRate := size * float64(b.N) / baseline.Seconds()
	b.ReportMetric(size, "db-MB")
	b.ReportMetric(projectRate, "project-MB/s")
	b.ReportMetric(baselineRate, "baseline-MB/s")
	b.ReportMetric(projectRate/baselineRate, "ratio")
}

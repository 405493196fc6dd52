package config

import (
	"regexp"
	"strconv"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Zipkin keys.
const (
	KeyZipkin                  = "zipkin"
	KeyElasticPassword         = "elasticPassword"
	KeyZipkinElasticPassword   = "zipkinElasticPassword"
	KeyElasticExporterPassword = "elasticExporterPassword"
)

// Where Zipkin keeps its traces.
const (
	ZipkinInMemory      = "mem"
	ZipkinElasticsearch = "elasticsearch"
)

// Elasticsearch refuses a native user's password shorter than this.
const minElasticPasswordLength = 6

// ZipkinSettings is where Zipkin keeps traces and for how long.
type ZipkinSettings struct {
	// Storage is mem (lost on restart, dev) or elasticsearch (a
	// single-node Elasticsearch on a retained volume, prod).
	Storage string
	// RetentionDays is how long Elasticsearch keeps a day's index.
	RetentionDays int
	// ElasticPassword is the elastic superuser's; WriterPassword that of
	// Zipkin's own user (also the dependencies job's); ExporterPassword
	// that of elasticsearch_exporter's monitoring user. Secrets, delivered
	// as files; empty with mem.
	ElasticPassword, WriterPassword, ExporterPassword pulumi.StringOutput
}

// Durable reports whether traces outlive a Zipkin restart.
func (z ZipkinSettings) Durable() bool { return z.Storage == ZipkinElasticsearch }

type rawZipkin struct {
	Storage   *string `json:"storage"`
	Retention *string `json:"retention"`
}

var retentionDays = regexp.MustCompile(`^([0-9]{1,4})d$`)

func parseZipkin(in Input, ps *Problems) ZipkinSettings {
	var r rawZipkin
	decode(in.Values, KeyZipkin, &r, ps)
	z := ZipkinSettings{Storage: withDefault(ps, KeyZipkin+".storage", r.Storage, ZipkinElasticsearch)}
	retention := withDefault(ps, KeyZipkin+".retention", r.Retention, "7d")
	if m := retentionDays.FindStringSubmatch(retention); m == nil {
		ps.add(KeyZipkin+".retention", `use whole days, e.g. "7d" (or remove the key for 7d)`, "%q is not a number of days", retention)
	} else if z.RetentionDays, _ = strconv.Atoi(m[1]); z.RetentionDays < 1 { // four digits always convert
		ps.add(KeyZipkin+".retention", `keep at least a day, e.g. "7d"`, "%q would delete every trace at once", retention)
	}
	switch z.Storage {
	case ZipkinInMemory, ZipkinElasticsearch:
	default:
		ps.add(KeyZipkin+".storage", "use mem (traces in memory, lost on restart) or elasticsearch (kept for zipkin.retention)", "unknown storage %q", z.Storage)
	}
	secret := secretGetter(in, ps)
	durable := z.Durable()
	z.ElasticPassword = secret(KeyElasticPassword, durable)
	z.WriterPassword = secret(KeyZipkinElasticPassword, durable)
	z.ExporterPassword = secret(KeyElasticExporterPassword, durable)
	for _, key := range []string{KeyElasticPassword, KeyZipkinElasticPassword, KeyElasticExporterPassword} {
		if v := in.Values[key]; durable && v != "" && len(v) < minElasticPasswordLength {
			ps.add(key, "generate a longer one, e.g. openssl rand -base64 24 | pulumi config set --secret "+key+" -s "+in.Stack,
				"Elasticsearch refuses passwords shorter than %d characters", minElasticPasswordLength)
		}
	}
	return z
}

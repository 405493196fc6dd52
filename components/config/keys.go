package config

// Plain keys the program reads, without the project namespace. Pulumi.yaml
// declares each of them (a test keeps the two in step).
const (
	KeyHosts           = "hosts"
	KeyEdge            = "edge"
	KeyPlacement       = "placement"
	KeyImages          = "images"
	KeyResources       = "resources"
	KeyApp             = "app"
	KeyTracingSampling = "tracingSampling"
	KeyRetainData      = "retainDataOnDestroy"
	KeyGateway         = "gateway"
	KeyRedis           = "redis"
	KeyExtraServices   = "extraServices"
)

// Secret keys: set with `pulumi config set --secret KEY VALUE`.
const (
	KeyGrafanaAdminPassword  = "grafanaAdminPassword"
	KeyMySQLRootPassword     = "mysqlRootPassword"
	KeyMySQLPassword         = "mysqlPassword"
	KeyRedisPassword         = "redisPassword"
	KeyMySQLExporterPassword = "mysqlExporterPassword"
)

// Optional secret keys: needed only by some stacks, so Pulumi.yaml gives
// them an empty default (a declared key without one is mandatory for the CLI);
// Parse still insists that a value, once set, is stored as a secret.
const (
	KeyEdgeSSHPrivateKey = "edgeSshPrivateKey"
)

// PlainKeys, SecretKeys and OptionalSecretKeys are every key Load reads.
var (
	PlainKeys          = []string{KeyHosts, KeyEdge, KeyPlacement, KeyImages, KeyResources, KeyApp, KeyTracingSampling, KeyRetainData, KeyPrometheusRetention, KeyAlerting, KeyTLS, KeyGateway, KeyRedis, KeyExtraServices, KeyBackup, KeyGrafana, KeyPublicStatus, KeyACME, KeyZipkin}
	SecretKeys         = []string{KeyGrafanaAdminPassword, KeyMySQLRootPassword, KeyMySQLPassword, KeyRedisPassword, KeyMySQLExporterPassword}
	OptionalSecretKeys = []string{KeyEdgeSSHPrivateKey, KeySlackWebhookURL, KeySMTPPassword, KeyResticPassword, KeyMySQLBackupPassword, KeyGrafanaSMTPPassword, KeyElasticPassword, KeyZipkinElasticPassword, KeyElasticExporterPassword}
)

package config

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/jiucom/jiucom-infra/components/validate"
)

// Input is the raw configuration of one stack: values as the Pulumi engine
// hands them to the program (objects arrive as JSON text), keyed without the
// project namespace, and which of them were stored as secrets.
type Input struct {
	Stack   string
	Values  map[string]string
	Secrets map[string]bool
}

// Load reads every key this program knows from the running stack and parses it.
func Load(ctx *pulumi.Context, catalog Catalog) (*Stack, error) {
	in := Input{Stack: ctx.Stack(), Values: map[string]string{}, Secrets: map[string]bool{}}
	for _, key := range AllKeys() {
		full := ctx.Project() + ":" + key
		if v, ok := ctx.GetConfig(full); ok {
			in.Values[key] = v
			in.Secrets[key] = ctx.IsConfigSecret(full)
		}
	}
	return Parse(in, catalog)
}

// AllKeys is every key the program reads.
func AllKeys() []string {
	return slices.Concat(PlainKeys, SecretKeys, OptionalSecretKeys)
}

// Parse turns raw values into a Stack with defaults applied, or returns
// Problems listing every bad value. It never panics on user input.
func Parse(in Input, catalog Catalog) (*Stack, error) {
	var ps Problems
	raw := decodeAll(in, &ps)
	s := &Stack{Name: in.Stack, Catalog: catalog}
	s.Hosts = parseHosts(raw.hosts, &ps)
	s.Placement = parsePlacement(catalog, raw.placement, s.Hosts, &ps)
	s.Edge = parseEdge(raw.edge, s.Hosts, s.Placement, &ps)
	s.Images = parseImages(catalog, raw.images, &ps)
	s.App = parseApp(catalog, raw.app, s.Images, &ps)
	s.Resources = parseResources(catalog, raw.resources, &ps)
	s.TracingSampling = parseSampling(in.Values, &ps)
	s.RetainData = parseRetain(in.Values, &ps)
	s.Secrets = parseSecrets(in, s.Edge.Mode, &ps)
	s.Monitoring = parseMonitoring(in, &ps)
	s.Grafana = parseGrafana(in, s.Monitoring.Alerting.Email, &ps)
	s.PublicStatus = parsePublicStatus(in, &ps)
	s.Gateway = parseGateway(raw.gateway, &ps)
	s.Redis = parseRedis(raw.redis, &ps)
	s.Extras = parseExtraServices(raw.extras, s, &ps)
	s.Backup = parseBackup(in, s, &ps)
	s.ACME = parseACME(in, s, &ps)
	s.Zipkin = parseZipkin(in, &ps)
	checkOptionFileSecret(in, KeyMySQLExporterPassword, &ps)
	checkPublishedPorts(s, &ps)
	checkPlainText(in, &ps)
	ps = ps.withoutFollowUps()
	if len(ps) == 0 {
		checkCapacity(s, &ps)
	}
	return s, ps.orNil()
}

// rawConfig is the JSON shape of the object keys.
type rawConfig struct {
	hosts     map[string]rawHost
	edge      rawEdge
	placement map[string]string
	images    map[string]string
	app       rawApp
	resources map[string]rawResources
	gateway   rawGateway
	redis     rawRedis
	extras    []rawExtraService
}

func decodeAll(in Input, ps *Problems) rawConfig {
	var raw rawConfig
	decode(in.Values, KeyHosts, &raw.hosts, ps)
	decode(in.Values, KeyEdge, &raw.edge, ps)
	decode(in.Values, KeyPlacement, &raw.placement, ps)
	decode(in.Values, KeyImages, &raw.images, ps)
	decode(in.Values, KeyApp, &raw.app, ps)
	decode(in.Values, KeyResources, &raw.resources, ps)
	decode(in.Values, KeyGateway, &raw.gateway, ps)
	decode(in.Values, KeyRedis, &raw.redis, ps)
	decode(in.Values, KeyExtraServices, &raw.extras, ps)
	return raw
}

func parseSampling(values map[string]string, ps *Problems) float64 {
	text, ok := values[KeyTracingSampling]
	if !ok {
		return 1.0
	}
	f, err := validate.Float(text, 0, 1)
	if err != nil {
		ps.add(KeyTracingSampling, "use a probability from 0 to 1, e.g. 0.1 (or remove the key for 1.0)", "%v", err)
		return 1.0
	}
	return f
}

func parseRetain(values map[string]string, ps *Problems) bool {
	text, ok := values[KeyRetainData]
	if !ok {
		return true
	}
	b, err := strconv.ParseBool(strings.TrimSpace(text))
	if err != nil {
		ps.add(KeyRetainData, "use true (keep volumes on destroy) or false", "%q is not a boolean", text)
		return true
	}
	return b
}

// secretGetter reads secret keys; required ones must be set, and any value
// that is set must have been stored with --secret.
func secretGetter(in Input, ps *Problems) func(key string, required bool) pulumi.StringOutput {
	return func(key string, required bool) pulumi.StringOutput {
		v := in.Values[key]
		switch {
		case v == "" && required:
			ps.add(key, fmt.Sprintf("pulumi config set --secret %s <value> -s %s", key, in.Stack), "missing secret")
		case v != "" && !in.Secrets[key]:
			ps.add(key, fmt.Sprintf("pulumi config rm %s -s %s && pulumi config set --secret %s <value> -s %s", key, in.Stack, key, in.Stack),
				"is stored in plain text; it must be a secret")
		}
		return pulumi.ToSecret(pulumi.String(v)).(pulumi.StringOutput)
	}
}

func parseSecrets(in Input, edgeMode string, ps *Problems) Secrets {
	secret := secretGetter(in, ps)
	get := func(key string) pulumi.StringOutput { return secret(key, true) }
	return Secrets{
		GrafanaAdminPassword:  get(KeyGrafanaAdminPassword),
		MySQLRootPassword:     get(KeyMySQLRootPassword),
		MySQLPassword:         get(KeyMySQLPassword),
		RedisPassword:         get(KeyRedisPassword),
		MySQLExporterPassword: get(KeyMySQLExporterPassword),
		// The edge VM or VPS is reached over SSH to push its config.
		EdgeSSHPrivateKey: secret(KeyEdgeSSHPrivateKey, edgeMode == EdgeGCP || edgeMode == EdgeSSH),
	}
}

// userContent is passed to a container as is: extra services' environment
// and the ACME CA bundle (PEM, lines and all).
var userContent = regexp.MustCompile(`^(extraServices\[[0-9]+\]\.env\.|acme\.caBundle$)`)

// checkPlainText rejects control and invisible characters in every plain
// key: names, addresses, endpoints and paths, each at its own path. Object
// keys arrive as JSON text; the others are one scalar.
func checkPlainText(in Input, ps *Problems) {
	for _, key := range PlainKeys {
		text, ok := in.Values[key]
		if !ok {
			continue
		}
		if t := strings.TrimSpace(text); strings.HasPrefix(t, "{") || strings.HasPrefix(t, "[") {
			checkVisible(key, text, userContent.MatchString, ps)
		} else if err := validate.Visible(text); err != nil {
			ps.addRoot(key, "retype it: pasted text often carries characters that do not show", "%v", err)
		}
	}
}

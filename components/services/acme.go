package services

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/jiucom/jiucom-infra/assets"
	"github.com/jiucom/jiucom-infra/components/config"
	"github.com/jiucom/jiucom-infra/components/container"
	"github.com/jiucom/jiucom-infra/components/homenginx"
)

// Where the ACME client keeps its scripts and state, and where the metrics
// go: a host directory node-exporter reads through its view of the host's
// root (node_exporter.go), so it needs no mount of its own.
const (
	acmeService     = config.ACMEClient
	acmeScripts     = "/usr/local/lib/jiucom/acme/"
	acmeData        = "/var/lib/acme"
	acmeWebroot     = "/var/www/acme"
	acmeCABundle    = "/usr/local/share/jiucom/acme-ca.pem"
	acmeTextfile    = "/var/lib/jiucom/node-exporter"
	acmeTextfileIn  = "/textfile"
	acmeInterval    = 12 * time.Hour
	acmeRetry       = time.Hour
	acmeReloadAfter = 60 * time.Second
)

// acme is the ACME client of one home nginx (assets/acme/acme.sh in
// certbot's image): a placeholder so nginx can start, then one SAN
// certificate for the names the edge routes to the host, checked twice a
// day and renewed 30 days before expiry over HTTP-01 through the edge's :80.
// nginx starts after it (Inventory), once the placeholder is there (its
// healthcheck). Its state (the account key, certbot's lineages) is a data
// volume, retained and backed up like any other.
var acme = Record{
	Name: acmeService, BesideHome: true,
	Image:     "certbot/certbot:v3.0.1",
	Resources: res(250, 50, 256, 64),
	Data:      acmeData,
	Health: Health{Test: []string{"CMD-SHELL", `test -s "$ACME_DEPLOY_DIR/$ACME_CERT_NAME/fullchain.pem"`},
		StartPeriod: 10 * time.Second},
	When: func(cfg *config.Stack) bool { return cfg.ACME.Enabled },
	Spec: acmeSpec,
}

// acmePair is an ACME client and the home nginx whose certificate it keeps.
type acmePair struct{ client, nginx Instance }

// acmePairs are the stack's ACME clients: one beside each home nginx
// instance whose certificate is ACME's, named after it, on its host.
func (e *Env) acmePairs() []acmePair {
	var out []acmePair
	for _, r := range e.Records {
		if r.Home == nil || !r.Home.TLS(e.Cfg).ACME {
			continue
		}
		for _, nginx := range e.Instances(r.Name) {
			name := acmeService + "-" + nginx.Name
			out = append(out, acmePair{Instance{Service: acmeService, Name: name, ContainerName: ContainerPrefix + name, Role: nginx.Role}, nginx})
		}
	}
	return out
}

// ACMEClients are the instances of the BesideHome record.
func (e *Env) ACMEClients() []Instance {
	var out []Instance
	for _, p := range e.acmePairs() {
		out = append(out, p.client)
	}
	return out
}

// StartsAfter are the containers an instance waits for: those of the
// services in its record's After, but of the ACME clients only its own,
// so a home nginx never waits on another host's client.
func (e *Env) StartsAfter(r Record, in Instance) []pulumi.Resource {
	var deps []pulumi.Resource
	for _, service := range r.After {
		if !e.Record(service).BesideHome {
			deps = append(deps, e.ContainersOf(service)...)
			continue
		}
		for i, p := range e.acmePairs() {
			if p.nginx.Name == in.Name && i < len(e.Running[service]) {
				deps = append(deps, e.Running[service][i].Container)
			}
		}
	}
	return deps
}

// acmeVolumes are the volumes a pair shares: the certificates and the
// reload handshake, named after the client.
func acmeVolumes(client Instance) (certs, reloads string) {
	return ContainerPrefix + client.Name + "-certs", ContainerPrefix + client.Name + "-reload"
}

func (e *Env) acmeStore(p acmePair) homenginx.ACMEStore {
	certs, reloads := acmeVolumes(p.client)
	volumes := e.HostFor(p.client.Role).Volumes
	return homenginx.ACMEStore{CertName: p.nginx.Name, Certs: volumes[certs].Name, Reloads: volumes[reloads].Name}
}

// acmeVolumesOn are the pairs' volumes on an engine.
func (e *Env) acmeVolumesOn(engine config.Engine) []string {
	var out []string
	for _, p := range e.acmePairs() {
		if e.Cfg.SameEngine(engine.Roles[0], p.client.Role) {
			certs, reloads := acmeVolumes(p.client)
			out = append(out, certs, reloads)
		}
	}
	return out
}

// acmeOn reports whether an ACME client runs on a role's engine.
func (e *Env) acmeOn(role config.Role) bool {
	return len(e.onEngine(e.ACMEClients(), role)) > 0
}

func acmeSpec(e *Env, in Instance) (container.Spec, error) {
	pairs := e.acmePairs()
	i := slices.IndexFunc(pairs, func(p acmePair) bool { return p.client.Name == in.Name })
	if i < 0 {
		return container.Spec{}, fmt.Errorf("acme: %s keeps no home nginx's certificate", in.Name)
	}
	pair := pairs[i]
	a := e.Cfg.ACME
	certName := pair.nginx.Name
	env := map[string]string{
		"ACME_CERT_NAME": certName,
		"ACME_NAMES":     strings.Join(e.HomeNames(in.Role), " "),
		"ACME_DIRECTORY": a.Directory,
		"ACME_WEBROOT":   acmeWebroot,
		// One state directory per certificate: certbot locks it, and two
		// clients on one engine (dev) share the data volume.
		"ACME_CONFIG_DIR":     acmeData + "/" + certName,
		"ACME_DEPLOY_DIR":     homenginx.ACMECertDir + "/live",
		"ACME_TEXTFILE_DIR":   acmeTextfileIn,
		"ACME_RELOAD_COMMAND": "sh " + acmeScripts + "reload-request.sh",
		"ACME_RELOAD_DIR":     homenginx.ACMEReloadDir,
		"ACME_RELOAD_TIMEOUT": seconds(acmeReloadAfter),
		"ACME_INTERVAL":       seconds(acmeInterval),
		"ACME_RETRY_INTERVAL": seconds(acmeRetry),
	}
	if a.Email != "" {
		env["ACME_EMAIL"] = a.Email
	}
	files := []container.File{
		{Path: acmeScripts + "acme.sh", Content: pulumi.String(assets.ACME), Mode: "0555"},
		{Path: acmeScripts + "reload-request.sh", Content: pulumi.String(assets.ACMEReloadRequest), Mode: "0555"},
	}
	if a.CABundle != "" {
		env["REQUESTS_CA_BUNDLE"] = acmeCABundle
		files = append(files, container.File{Path: acmeCABundle, Content: pulumi.String(a.CABundle)})
	}
	store := e.acmeStore(pair)
	return container.Spec{
		// The image's entrypoint is certbot itself; acme.sh runs it.
		Entrypoint: []string{"sh", acmeScripts + "acme.sh", "loop"},
		Env:        env,
		Files:      files,
		Mounts: []container.Mount{
			{Volume: store.Certs, Target: homenginx.ACMECertDir},
			{Volume: store.Reloads, Target: homenginx.ACMEReloadDir},
			{HostPath: e.Record(pair.nginx.Service).Home.TLS(e.Cfg).ACMEWebroot, Target: acmeWebroot},
			{HostPath: acmeTextfile, Target: acmeTextfileIn},
		},
		// Root writes in host directories whoever owns them, and certbot
		// gives the challenge directory the webroot's owner.
		CapAdd: []string{"CHOWN", "DAC_OVERRIDE", "FOWNER"},
	}, nil
}

func seconds(d time.Duration) string { return fmt.Sprint(int(d.Seconds())) }

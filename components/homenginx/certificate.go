package homenginx

import (
	"fmt"
	"path"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/jiucom/jiucom-infra/assets"
	"github.com/jiucom/jiucom-infra/components/config"
	"github.com/jiucom/jiucom-infra/components/container"
	"github.com/jiucom/jiucom-infra/components/tlscert"
)

// Certificate is how a home nginx gets its TLS files, and where they are
// inside its container.
type Certificate struct {
	CertPath, KeyPath string
	Files             []container.File
	Mounts            []container.Mount
}

// Paths are where an image keeps a generated certificate and serves ACME
// challenges from.
type Paths struct {
	GeneratedCert, GeneratedKey, ACMEWebroot string
}

// Where a home nginx and the ACME client beside it mount what they share
// (docs/certificates.md).
const (
	// ACMECertDir holds the client's pairs, nginx's at
	// live/<cert name>/{fullchain,privkey}.pem.
	ACMECertDir = "/etc/letsencrypt"
	// ACMEReloadDir is the reload handshake (assets/acme/reload-request.sh
	// and reload-watcher.sh, whose default it is).
	ACMEReloadDir = "/run/jiucom/acme-reload"
	// acmeWatcherHook is where the nginx image's entrypoint runs the watcher
	// from before it starts nginx (an executable *.sh in /docker-entrypoint.d).
	acmeWatcherHook = "/docker-entrypoint.d/40-jiucom-acme-reload.sh"
)

// ACMEStore is what a home nginx shares with its ACME client: the docker
// volumes of the certificate (read-only for nginx) and of the reload
// handshake, and the certificate's name.
type ACMEStore struct {
	CertName       string
	Certs, Reloads pulumi.StringInput
}

// NewCertificate is the ACME client's certificate from store (config
// TLS.ACME), the configured certificate mounted read-only from the host
// (the whole certDir, so certbot's live/ → archive/ links resolve) with
// certbot's webroot, or a self-signed one for names, generated once (as
// <service>-tls) and uploaded.
func NewCertificate(ctx *pulumi.Context, service string, t config.TLS, names []string, p Paths, store ACMEStore) (Certificate, error) {
	if t.ACME {
		return acmeCertificate(t, p, store), nil
	}
	if !t.SelfSigned() {
		return Certificate{
			CertPath: path.Clean(t.Certificate), KeyPath: path.Clean(t.Key),
			Mounts: []container.Mount{
				{HostPath: t.CertDir, Target: t.CertDir, ReadOnly: true},
				{HostPath: t.ACMEWebroot, Target: p.ACMEWebroot, ReadOnly: true},
			},
		}, nil
	}
	cert, err := tlscert.NewSelfSigned(ctx, service+"-tls", tlscert.Args{DNSNames: append(append([]string{}, names...), "localhost")})
	if err != nil {
		return Certificate{}, fmt.Errorf("%s certificate: %w", service, err)
	}
	return Certificate{
		CertPath: p.GeneratedCert, KeyPath: p.GeneratedKey,
		Files: []container.File{
			{Path: p.GeneratedCert, Content: cert.CertPEM},
			{Path: p.GeneratedKey, Content: cert.KeyPEM, Mode: "0400"},
		},
	}, nil
}

// acmeCertificate is the pair the ACME client deploys (the placeholder until
// the first issuance), the webroot it writes challenges to, and the watcher
// that answers its reload requests: the client gets no docker socket.
func acmeCertificate(t config.TLS, p Paths, store ACMEStore) Certificate {
	live := path.Join(ACMECertDir, "live", store.CertName)
	return Certificate{
		CertPath: live + "/fullchain.pem", KeyPath: live + "/privkey.pem",
		Files: []container.File{{Path: acmeWatcherHook, Content: pulumi.String(assets.ACMEReloadWatcher), Mode: "0555"}},
		Mounts: []container.Mount{
			{Volume: store.Certs, Target: ACMECertDir, ReadOnly: true},
			{HostPath: t.ACMEWebroot, Target: p.ACMEWebroot, ReadOnly: true},
			{Volume: store.Reloads, Target: ACMEReloadDir},
		},
	}
}

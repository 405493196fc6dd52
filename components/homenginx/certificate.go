package homenginx

import (
	"fmt"
	"path"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

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

// NewCertificate is the configured certificate mounted read-only from the
// host (the whole certDir, so certbot's live/ → archive/ links resolve)
// with certbot's webroot, or a self-signed one for names, generated once
// (as <service>-tls) and uploaded.
func NewCertificate(ctx *pulumi.Context, service string, t config.TLS, names []string, p Paths) (Certificate, error) {
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

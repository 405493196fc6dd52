package stack

import (
	"fmt"
	"path"

	"github.com/jiucom/jiucom-infra/components/config"
	"github.com/jiucom/jiucom-infra/components/container"
	"github.com/jiucom/jiucom-infra/components/tlscert"
)

// certificate is how a home nginx (nginx_mon, the gateway) gets its TLS
// files, and where they are inside its container.
type certificate struct {
	CertPath, KeyPath string
	Files             []container.File
	Mounts            []container.Mount
}

// certificatePaths are where an image keeps a generated certificate and
// serves ACME challenges from.
type certificatePaths struct {
	GeneratedCert, GeneratedKey, ACMEWebroot string
}

// homeCertificate is the configured certificate mounted read-only from the
// host (the whole certDir, so certbot's live/ → archive/ links resolve) with
// certbot's webroot, or a self-signed one for names generated once and
// uploaded.
func (d *deployment) homeCertificate(service string, t config.TLS, names []string, p certificatePaths) (certificate, error) {
	if !t.SelfSigned() {
		return certificate{
			CertPath: path.Clean(t.Certificate), KeyPath: path.Clean(t.Key),
			Mounts: []container.Mount{
				{HostPath: t.CertDir, Target: t.CertDir, ReadOnly: true},
				{HostPath: t.ACMEWebroot, Target: p.ACMEWebroot, ReadOnly: true},
			},
		}, nil
	}
	cert, err := tlscert.NewSelfSigned(d.ctx, service+"-tls", tlscert.Args{DNSNames: append(append([]string{}, names...), "localhost")})
	if err != nil {
		return certificate{}, fmt.Errorf("stack: %w", err)
	}
	return certificate{
		CertPath: p.GeneratedCert, KeyPath: p.GeneratedKey,
		Files: []container.File{
			{Path: p.GeneratedCert, Content: cert.CertPEM},
			{Path: p.GeneratedKey, Content: cert.KeyPEM, Mode: "0400"},
		},
	}, nil
}

// homeNames are the public names routed to a role.
func (d *deployment) homeNames(role config.Role) []string {
	var names []string
	for _, r := range d.cfg.Edge.Routes {
		if r.Role == role {
			names = append(names, r.Name)
		}
	}
	return names
}

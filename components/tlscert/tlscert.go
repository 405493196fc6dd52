// Package tlscert generates a self-signed certificate once and keeps it in
// the stack's state, so a dev stack serves HTTPS without ACME and the
// certificate (and everything that embeds it) only changes when the names do.
//
// The key is made by openssl on the machine running `pulumi up` (a
// command:local:Command); its output is a secret and never logged.
package tlscert

import (
	"encoding/pem"
	"errors"
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-command/sdk/go/command/local"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/jiucom/jiucom-infra/components/validate"
)

// SelfSigned is a generated certificate and its private key.
type SelfSigned struct {
	pulumi.ResourceState

	CertPEM pulumi.StringOutput `pulumi:"certPem"`
	// KeyPEM is secret.
	KeyPEM pulumi.StringOutput
}

// Args names the certificate.
type Args struct {
	// DNSNames become the subjectAltName; the first is also the CN.
	DNSNames []string
	Days     int // default 825, the longest validity clients accept
}

// Validate reports every problem at once; names end up in a shell command,
// so only plain DNS names pass.
func (a Args) Validate() error {
	var errs []error
	if len(a.DNSNames) == 0 {
		errs = append(errs, errors.New("at least one DNS name is required"))
	}
	for _, n := range a.DNSNames {
		if validate.Hostname(n) != nil {
			errs = append(errs, fmt.Errorf("%q is not a DNS name", n))
		}
	}
	if a.Days < 0 {
		errs = append(errs, fmt.Errorf("%d days is not a validity", a.Days))
	}
	return errors.Join(errs...)
}

// Command is the shell command that prints a new P-256 key and its
// self-signed certificate as PEM.
func Command(a Args) string {
	days := a.Days
	if days == 0 {
		days = 825
	}
	sans := make([]string, len(a.DNSNames))
	for i, n := range a.DNSNames {
		sans[i] = "DNS:" + n
	}
	return fmt.Sprintf(`set -e; d="$(mktemp -d)"; trap 'rm -rf "$d"' EXIT; `+
		`openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days %d -subj "/CN=%s" -addext "subjectAltName=%s" `+
		`-keyout "$d/key.pem" -out "$d/cert.pem" 2>/dev/null; cat "$d/key.pem" "$d/cert.pem"`,
		days, a.DNSNames[0], strings.Join(sans, ","))
}

// Split separates the command's output into the certificate and the key.
func Split(out string) (cert, key string, err error) {
	rest := []byte(out)
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		switch {
		case block.Type == "CERTIFICATE":
			cert = string(pem.EncodeToMemory(block))
		case strings.HasSuffix(block.Type, "PRIVATE KEY"):
			key = string(pem.EncodeToMemory(block))
		}
	}
	if cert == "" || key == "" {
		return "", "", errors.New("tlscert: openssl printed no certificate and key")
	}
	return cert, key, nil
}

// NewSelfSigned registers the generating command.
func NewSelfSigned(ctx *pulumi.Context, name string, args Args, opts ...pulumi.ResourceOption) (*SelfSigned, error) {
	if err := args.Validate(); err != nil {
		return nil, fmt.Errorf("tlscert %s: %w", name, err)
	}
	c := &SelfSigned{}
	if err := ctx.RegisterComponentResource("jiucom:tlscert:SelfSigned", name, c,
		// The type once was jiucom:tls:SelfSigned: the alias keeps existing stacks (and
		// every child, whose URN names it) from being replaced.
		append(opts, pulumi.Aliases([]pulumi.Alias{{Type: pulumi.String("jiucom:tls:SelfSigned")}}))...); err != nil {
		return nil, fmt.Errorf("tlscert %s: %w", name, err)
	}
	gen, err := local.NewCommand(ctx, name+"-openssl", &local.CommandArgs{
		Create:      pulumi.String(Command(args)),
		Interpreter: pulumi.ToStringArray([]string{"/bin/sh", "-c"}),
		Logging:     local.LoggingNone,
	}, pulumi.Parent(c), pulumi.AdditionalSecretOutputs([]string{"stdout"}))
	if err != nil {
		return nil, fmt.Errorf("tlscert %s: %w", name, err)
	}
	parts := gen.Stdout.ApplyT(func(out string) ([]string, error) {
		cert, key, err := Split(out)
		return []string{cert, key}, err
	}).(pulumi.StringArrayOutput)
	// The certificate is public; the key stays secret in every output.
	c.CertPEM = pulumi.Unsecret(parts.Index(pulumi.Int(0))).(pulumi.StringOutput)
	c.KeyPEM = pulumi.ToSecret(parts.Index(pulumi.Int(1))).(pulumi.StringOutput)
	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{"certPem": c.CertPEM}); err != nil {
		return nil, fmt.Errorf("tlscert %s: %w", name, err)
	}
	return c, nil
}

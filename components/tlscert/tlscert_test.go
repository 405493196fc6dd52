package tlscert

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"os/exec"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jiucom/jiucom-infra/tests/tooltest"
)

// The command the stack stores is run with the real openssl: its output
// splits into a certificate for every name and the matching key.
func TestCommandMakesACertificateForEveryName(t *testing.T) {
	tooltest.Require(t, "openssl")
	args := Args{DNSNames: []string{"grafana.jiucom.localhost", "localhost"}}
	require.NoError(t, args.Validate())
	out, err := exec.Command("/bin/sh", "-c", Command(args)).Output()
	require.NoError(t, err)
	certPEM, keyPEM, err := Split(string(out))
	require.NoError(t, err)
	_, err = tls.X509KeyPair([]byte(certPEM), []byte(keyPEM))
	require.NoError(t, err, "the key belongs to the certificate")
	block, _ := pem.Decode([]byte(certPEM))
	cert, err := x509.ParseCertificate(block.Bytes)
	require.NoError(t, err)
	assert.Equal(t, args.DNSNames, cert.DNSNames)
	assert.NoError(t, cert.VerifyHostname("grafana.jiucom.localhost"))
	assert.True(t, cert.NotAfter.After(time.Now().AddDate(2, 0, 0)), "valid for the default 825 days")
}

func TestArgsRejectShellAndEmptyNames(t *testing.T) {
	assert.Error(t, Args{}.Validate())
	assert.Error(t, Args{DNSNames: []string{`a.example.com"; rm -rf /`}}.Validate())
	assert.Error(t, Args{DNSNames: []string{"a.example.com"}, Days: -1}.Validate())
	_, _, err := Split("no pem here")
	assert.Error(t, err)
}

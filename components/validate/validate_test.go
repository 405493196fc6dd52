package validate

import (
	"math"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestNames(t *testing.T) {
	for _, ok := range []string{"localhost", "jiucom-gateway", "grafana.example.com", "a.b.c.d.example"} {
		assert.NoError(t, Hostname(ok), ok)
	}
	for _, bad := range []string{"", "Grafana", "a..b", "-a.com", "a-.com", "a b", `a.com"; rm -rf /`, "a.com.", string(make([]byte, 300))} {
		assert.Error(t, Hostname(bad), bad)
	}
	assert.NoError(t, DNSName("api.example.com"))
	for _, bad := range []string{"localhost", "api.example.c", "api.example.123", "Api.example.com"} {
		assert.Error(t, DNSName(bad), bad)
	}
	assert.NoError(t, Address("198.51.100.24"))
	assert.NoError(t, Address("home.example.com"))
	assert.Error(t, Address("home"))
}

func TestCIDRAndPorts(t *testing.T) {
	p, err := CIDR("203.0.113.7/32")
	assert.NoError(t, err)
	assert.False(t, WholeInternet(p))
	for _, open := range []string{"0.0.0.0/0", "0.0.0.0/1", "::/0"} {
		p, err := CIDR(open)
		assert.NoError(t, err)
		assert.True(t, WholeInternet(p), open)
	}
	_, err = CIDR("203.0.113.300/32")
	assert.Error(t, err)
	assert.NoError(t, Port(1))
	assert.Error(t, Port(0))
	assert.Error(t, Port(65536))
	for _, ok := range []string{"smtp.example.com:587", "10.0.0.1:80", "[2001:db8::1]:443", "Home.Example.com:8888"} {
		_, _, err := HostPort(ok)
		assert.NoError(t, err, ok)
	}
	for _, bad := range []string{"smtp.example.com", "smtp.example.com:smtp", "a:0", "a:65536", ":25", "10.0.0.1:80; evil", "2001:db8::1:443", "a b:25"} {
		_, _, err := HostPort(bad)
		assert.Error(t, err, bad)
	}
}

func TestURLAndEndpoints(t *testing.T) {
	_, err := URL("https://hooks.slack.com/services/T/B/x", true)
	assert.NoError(t, err)
	for _, bad := range []string{"", "hooks.slack.com/services", "http://hooks.slack.com/x", "https://", "https://h:99999/x"} {
		_, err := URL(bad, true)
		assert.Error(t, err, bad)
		if err != nil {
			assert.NotContains(t, err.Error(), "slack", "the error never repeats a secret URL")
		}
	}
	for _, ok := range []string{"unix:///var/run/docker.sock", "ssh://jiu@192.168.0.20", "ssh://jiu@host.lan:2222"} {
		assert.NoError(t, DockerEndpoint(ok), ok)
	}
	for _, bad := range []string{"", "tcp://1.2.3.4:2375", "ssh://192.168.0.30", "ssh://a@b/path", "ssh://a@b:0", "unix://", "ssh://a@b?x=1"} {
		assert.Error(t, DockerEndpoint(bad), bad)
	}
}

func TestNumbersAndDurations(t *testing.T) {
	for _, bad := range []string{"NaN", "Inf", "-Inf", "1.5", "-0.1", "x", ""} {
		_, err := Float(bad, 0, 1)
		assert.Error(t, err, bad)
	}
	f, err := Float(" 0.1 ", 0, 1)
	assert.NoError(t, err)
	assert.Equal(t, 0.1, f)
	assert.NoError(t, Duration("15d"))
	assert.NoError(t, Duration("1w2d"))
	for _, bad := range []string{"", "0d", "15 days", "d"} {
		assert.Error(t, Duration(bad), bad)
	}
	_, err = MilliCPU(strconv.FormatFloat(math.Inf(1), 'f', -1, 64))
	assert.Error(t, err)
}

func TestVisible(t *testing.T) {
	assert.NoError(t, Visible("grafana.example.com"))
	assert.NoError(t, Visible("Jiu 한국어"))
	for _, bad := range []string{"a\x00b", "a\nb", "a\tb", "a\u200bb", "a\u200cb", "a\u200db", "a\u2060b", "\ufeffa", "a\u202eb", "a\u2066b", "a\x7fb", "a\u0085b", "a\xffb"} {
		assert.Error(t, Visible(bad), "%q", bad)
	}
}

// FuzzValidate checks no primitive panics on any text.
func FuzzValidate(f *testing.F) {
	for _, s := range []string{"a.example.com", "ssh://u@h:22", "[::1]:80", "https://h/x", "0.0.0.0/0", "15d", "NaN", "\u200b", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_ = Hostname(s)
		_ = DNSName(s)
		_ = Address(s)
		if p, err := CIDR(s); err == nil {
			_ = WholeInternet(p)
		}
		if _, port, err := HostPort(s); err == nil && Port(port) != nil {
			t.Fatalf("%q: port %d accepted", s, port)
		}
		_, _ = URL(s, true)
		_ = DockerEndpoint(s)
		_ = Duration(s)
		if v, err := Float(s, 0, 1); err == nil && (math.IsNaN(v) || v < 0 || v > 1) {
			t.Fatalf("%q parsed to %v", s, v)
		}
		_ = Visible(s)
	})
}

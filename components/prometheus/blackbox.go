package prometheus

import (
	"errors"
	"fmt"
	"net/url"

	"gopkg.in/yaml.v3"
)

// BlackboxJob is the probe job's name (a contract with the edge dashboard
// and alerts), and BlackboxConfigPath where the exporter reads its modules.
const (
	BlackboxJob        = "blackbox"
	BlackboxConfigPath = "/etc/blackbox_exporter/config.yml"
	// HTTPSModule fetches a URL over verified TLS; the probe reports the
	// certificate's expiry (probe_ssl_earliest_cert_expiry) as well.
	HTTPSModule = "https_2xx"
)

// Probe is one public HTTPS URL checked through the edge.
type Probe struct {
	// URL is the public address, e.g. https://grafana.example.com/; it is
	// the probe's instance label.
	URL  string
	Host string
	// Via, when set, is the host:port to connect to instead of resolving
	// the URL's name (dev: the edge container on the docker network). The
	// TLS server name and Host header stay the URL's, so the edge routes it
	// exactly as a public client.
	Via string
}

// Blackbox is the probe job and the exporter's modules.
type Blackbox struct {
	// Exporter is the blackbox exporter's host:port as Prometheus reaches it.
	Exporter string
	Probes   []Probe
	// InsecureTLS skips certificate verification (a self-signed dev
	// certificate); expiry is still reported.
	InsecureTLS bool
}

func (b *Blackbox) validate() error {
	errs := []error{checkAddress("blackbox exporter", b.Exporter)}
	for _, p := range b.Probes {
		u, err := url.Parse(p.URL)
		if err != nil || u.Scheme != "https" || u.Hostname() == "" {
			errs = append(errs, fmt.Errorf("probe %q is not an https URL", p.URL))
		}
		if p.Host == "" {
			errs = append(errs, fmt.Errorf("probe %q has no host", p.URL))
		}
		if p.Via != "" {
			errs = append(errs, checkAddress("probe "+p.URL, p.Via))
		}
	}
	return errors.Join(errs...)
}

// module is the exporter module a probe uses: the shared one, or a
// per-name one that pins SNI and Host when connecting via another address.
func (b *Blackbox) module(p Probe) string {
	if p.Via == "" {
		return HTTPSModule
	}
	u, _ := url.Parse(p.URL)
	return HTTPSModule + "_via_" + sanitize(u.Hostname())
}

// fetchURL is the URL the exporter actually requests.
func (p Probe) fetchURL() string {
	if p.Via == "" {
		return p.URL
	}
	u, _ := url.Parse(p.URL)
	u.Host = p.Via
	return u.String()
}

// scrapeConfig sends every probe through the exporter: the public URL stays
// the instance, the exporter gets the module and the URL to fetch as
// parameters.
func (b *Blackbox) scrapeConfig() scrapeConfig {
	sc := scrapeConfig{JobName: BlackboxJob, MetricsPath: "/probe"}
	for _, p := range b.Probes {
		sc.StaticConfigs = append(sc.StaticConfigs, staticConfig{
			Targets: []string{p.URL},
			Labels:  map[string]string{HostLabel: p.Host, "__param_module": b.module(p), "__param_target": p.fetchURL()},
		})
	}
	sc.RelabelConfigs = []relabelConfig{
		{SourceLabels: []string{"__address__"}, TargetLabel: "instance"},
		{TargetLabel: "__address__", Replacement: b.Exporter},
	}
	return sc
}

// The YAML shape of the blackbox exporter's config.
type (
	blackboxFile struct {
		Modules map[string]blackboxModule `yaml:"modules"`
	}
	blackboxModule struct {
		Prober  string    `yaml:"prober"`
		Timeout string    `yaml:"timeout"`
		HTTP    httpProbe `yaml:"http"`
	}
	httpProbe struct {
		Method              string            `yaml:"method"`
		PreferredIPProtocol string            `yaml:"preferred_ip_protocol"`
		FailIfNotSSL        bool              `yaml:"fail_if_not_ssl"`
		Headers             map[string]string `yaml:"headers,omitempty"`
		TLSConfig           tlsConfig         `yaml:"tls_config"`
	}
	tlsConfig struct {
		InsecureSkipVerify bool   `yaml:"insecure_skip_verify"`
		ServerName         string `yaml:"server_name,omitempty"`
	}
)

// RenderBlackbox produces the exporter's config.yml with every module the
// probes use. Redirects are followed (the home nginx sends / onward), and a
// plain-HTTP answer fails the probe.
func RenderBlackbox(b Blackbox) (string, error) {
	if err := b.validate(); err != nil {
		return "", fmt.Errorf("blackbox: %w", err)
	}
	base := func() blackboxModule {
		return blackboxModule{Prober: "http", Timeout: "10s", HTTP: httpProbe{
			Method: "GET", PreferredIPProtocol: "ip4", FailIfNotSSL: true,
			TLSConfig: tlsConfig{InsecureSkipVerify: b.InsecureTLS},
		}}
	}
	f := blackboxFile{Modules: map[string]blackboxModule{HTTPSModule: base()}}
	for _, p := range b.Probes {
		if p.Via == "" {
			continue
		}
		u, _ := url.Parse(p.URL)
		m := base()
		m.HTTP.Headers = map[string]string{"Host": u.Host}
		m.HTTP.TLSConfig.ServerName = u.Hostname()
		f.Modules[b.module(p)] = m
	}
	out, err := yaml.Marshal(f)
	if err != nil {
		return "", fmt.Errorf("blackbox: %w", err)
	}
	return string(out), nil
}

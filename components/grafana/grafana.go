// Package grafana renders Grafana's provisioning (the Prometheus and Zipkin
// datasources, the dashboard provider and its dashboards) and the settings
// that serve it under /grafana/ with a rotatable admin password.
package grafana

import (
	"errors"
	"fmt"
	"net/url"
	"path"

	"gopkg.in/yaml.v3"

	"github.com/jiucom/jiucom-infra/assets"
)

// Paths inside the Grafana container.
const (
	AdminPasswordPath = "/run/secrets/grafana-admin-password"
	StartScriptPath   = "/etc/grafana/jiucom/start.sh"
	DatasourcesPath   = "/etc/grafana/provisioning/datasources/jiucom.yaml"
	ProviderPath      = "/etc/grafana/provisioning/dashboards/jiucom.yaml"
	DashboardsDir     = "/etc/grafana/dashboards/jiucom"
	// placeholder keeps the provider's folder present when no dashboard is
	// shipped; the file provider reads only *.json.
	placeholder = DashboardsDir + "/.provisioned"
	// imageEntrypoint is the official image's own entrypoint, run by the
	// start wrapper once the password is in place.
	imageEntrypoint = "/run.sh"
)

// Datasource uids are a contract with the dashboards, which select them by uid.
const (
	PrometheusUID = "prometheus"
	ZipkinUID     = "zipkin"
	// Folder is where the provisioned dashboards appear.
	Folder = "JIUCOM"
)

// Args are the upstreams Grafana queries and the dashboards it provisions.
type Args struct {
	PrometheusURL string // e.g. http://jiucom-prometheus:9090
	ZipkinURL     string
	// ScrapeInterval lets Grafana's $__rate_interval match Prometheus.
	ScrapeInterval string
	// Dashboards are JSON documents by file name (dashboards.Files()).
	Dashboards map[string][]byte
}

// Validate reports every problem at once.
func (a Args) Validate() error {
	var errs []error
	for name, u := range map[string]string{"prometheus": a.PrometheusURL, "zipkin": a.ZipkinURL} {
		if p, err := url.Parse(u); err != nil || p.Scheme != "http" || p.Host == "" {
			errs = append(errs, fmt.Errorf("%s URL %q is not http://host:port", name, u))
		}
	}
	for name := range a.Dashboards {
		if path.Ext(name) != ".json" || path.Base(name) != name {
			errs = append(errs, fmt.Errorf("dashboard file %q must be a plain *.json name", name))
		}
	}
	return errors.Join(errs...)
}

// Env is Grafana's configuration: no anonymous users, no sign-up, served
// under /grafana/ (the gateway and nginx_mon route that prefix), and the
// admin password read from the uploaded secret file.
func Env() map[string]string {
	return map[string]string{
		"GF_SECURITY_ADMIN_PASSWORD__FILE": AdminPasswordPath,
		"GF_AUTH_ANONYMOUS_ENABLED":        "false",
		"GF_USERS_ALLOW_SIGN_UP":           "false",
		"GF_SERVER_ROOT_URL":               "%(protocol)s://%(domain)s:%(http_port)s/grafana/",
		"GF_SERVER_SERVE_FROM_SUB_PATH":    "true",
		"GF_ANALYTICS_REPORTING_ENABLED":   "false",
		"GF_ANALYTICS_CHECK_FOR_UPDATES":   "false",
	}
}

// Entrypoint runs the password wrapper, then the image's entrypoint.
func Entrypoint() []string { return []string{"/bin/sh", StartScriptPath, imageEntrypoint} }

type (
	datasources struct {
		APIVersion  int          `yaml:"apiVersion"`
		Datasources []datasource `yaml:"datasources"`
	}
	datasource struct {
		Name      string         `yaml:"name"`
		UID       string         `yaml:"uid"`
		Type      string         `yaml:"type"`
		Access    string         `yaml:"access"`
		URL       string         `yaml:"url"`
		IsDefault bool           `yaml:"isDefault"`
		Editable  bool           `yaml:"editable"`
		JSONData  map[string]any `yaml:"jsonData,omitempty"`
	}
	providers struct {
		APIVersion int        `yaml:"apiVersion"`
		Providers  []provider `yaml:"providers"`
	}
	provider struct {
		Name                  string          `yaml:"name"`
		Folder                string          `yaml:"folder"`
		Type                  string          `yaml:"type"`
		DisableDeletion       bool            `yaml:"disableDeletion"`
		AllowUIUpdates        bool            `yaml:"allowUiUpdates"`
		UpdateIntervalSeconds int             `yaml:"updateIntervalSeconds"`
		Options               providerOptions `yaml:"options"`
	}
	providerOptions struct {
		Path string `yaml:"path"`
	}
)

// Files returns every non-secret file Grafana needs, by container path.
func Files(a Args) (map[string]string, error) {
	if err := a.Validate(); err != nil {
		return nil, fmt.Errorf("grafana: %w", err)
	}
	ds, err := yaml.Marshal(datasources{APIVersion: 1, Datasources: []datasource{
		{Name: "Prometheus", UID: PrometheusUID, Type: "prometheus", Access: "proxy", URL: a.PrometheusURL, IsDefault: true,
			JSONData: map[string]any{"timeInterval": a.ScrapeInterval}},
		{Name: "Zipkin", UID: ZipkinUID, Type: "zipkin", Access: "proxy", URL: a.ZipkinURL},
	}})
	if err != nil {
		return nil, fmt.Errorf("grafana: datasources: %w", err)
	}
	// Dashboards are code: edits in the UI would be lost on the next deploy,
	// so the UI may not save them.
	prov, err := yaml.Marshal(providers{APIVersion: 1, Providers: []provider{{
		Name: "jiucom", Folder: Folder, Type: "file", DisableDeletion: true, UpdateIntervalSeconds: 30,
		Options: providerOptions{Path: DashboardsDir},
	}}})
	if err != nil {
		return nil, fmt.Errorf("grafana: dashboard provider: %w", err)
	}
	start, err := assets.Grafana.ReadFile("grafana/start.sh")
	if err != nil {
		return nil, fmt.Errorf("grafana: %w", err)
	}
	files := map[string]string{
		DatasourcesPath: string(ds),
		ProviderPath:    string(prov),
		StartScriptPath: string(start),
		placeholder:     "provisioned by jiucom-infra; dashboards are the *.json files here\n",
	}
	for name, content := range a.Dashboards {
		files[DashboardsDir+"/"+name] = string(content)
	}
	return files, nil
}

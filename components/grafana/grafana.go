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
	ShareScriptPath   = "/etc/grafana/jiucom/share-status.sh"
	SMTPPasswordPath  = "/run/secrets/grafana-smtp-password"
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
		// Nothing is shared without login unless publicStatus says so
		// (PublicStatusEnv): not even by hand from the UI.
		"GF_PUBLIC_DASHBOARDS_ENABLED": "false",
	}
}

// PublicStatusEnv shares one dashboard publicly with the given access
// token: the start wrapper runs share-status.sh once Grafana answers.
func PublicStatusEnv(dashboardUID, token string) map[string]string {
	return map[string]string{
		"GF_PUBLIC_DASHBOARDS_ENABLED": "true",
		"JIUCOM_PUBLIC_DASHBOARD":      dashboardUID + ":" + token,
	}
}

// SMTP is Grafana's mail relay: host:port, sender and login.
type SMTP struct{ Host, From, User string }

// MailEnv turns Grafana's mail on (alert notifications, invitations,
// password resets). With a user, the password is the file at
// SMTPPasswordPath, read by Grafana's __FILE convention.
func MailEnv(s SMTP) map[string]string {
	env := map[string]string{
		"GF_SMTP_ENABLED":      "true",
		"GF_SMTP_HOST":         s.Host,
		"GF_SMTP_FROM_ADDRESS": s.From,
		"GF_SMTP_FROM_NAME":    "JIUCOM Grafana",
	}
	if s.User != "" {
		env["GF_SMTP_USER"] = s.User
		env["GF_SMTP_PASSWORD__FILE"] = SMTPPasswordPath
	}
	return env
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
	files := map[string]string{
		DatasourcesPath: string(ds),
		ProviderPath:    string(prov),
		placeholder:     "provisioned by jiucom-infra; dashboards are the *.json files here\n",
	}
	for target, script := range map[string]string{StartScriptPath: "grafana/start.sh", ShareScriptPath: "grafana/share-status.sh"} {
		content, err := assets.Grafana.ReadFile(script)
		if err != nil {
			return nil, fmt.Errorf("grafana: %w", err)
		}
		files[target] = string(content)
	}
	for name, content := range a.Dashboards {
		files[DashboardsDir+"/"+name] = string(content)
	}
	return files, nil
}

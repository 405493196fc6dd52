package gateway

import (
	"fmt"

	"gopkg.in/yaml.v3"
)

// LogFormat is the access log line, shared by nginx and the exporter's
// parser so the two cannot drift. $request_time feeds
// nginx_http_response_time_seconds, $upstream_response_time the upstream
// timing; $status labels nginx_http_response_count_total.
const LogFormat = `$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent ` +
	`"$http_referer" "$http_user_agent" rt=$request_time uct="$upstream_connect_time" ` +
	`uht="$upstream_header_time" urt="$upstream_response_time" ua="$upstream_addr" us="$upstream_status"`

// Exporter ports: metrics over HTTP for Prometheus, log lines over UDP syslog
// from the gateway (a file on a shared volume would grow without rotation).
const (
	ExporterPort       = 4040
	ExporterSyslogPort = 5531
	// ExporterNamespace prefixes the metrics: nginx_http_response_count_total.
	ExporterNamespace = "nginx"
)

type exporterConfig struct {
	Listen     exporterListen      `yaml:"listen"`
	Namespaces []exporterNamespace `yaml:"namespaces"`
}

type exporterListen struct {
	Port    int    `yaml:"port"`
	Address string `yaml:"address"`
}

type exporterNamespace struct {
	Name   string            `yaml:"name"`
	Format string            `yaml:"format"`
	Source exporterSource    `yaml:"source"`
	Labels map[string]string `yaml:"labels"`
}

type exporterSource struct {
	Syslog exporterSyslog `yaml:"syslog"`
}

type exporterSyslog struct {
	ListenAddress string   `yaml:"listen_address"`
	Format        string   `yaml:"format"`
	Tags          []string `yaml:"tags"`
}

// ExporterConfig is prometheus-nginxlog-exporter's YAML config: it listens
// for the gateway's syslog lines and serves metrics on ExporterPort.
func ExporterConfig() (string, error) {
	c := exporterConfig{
		Listen: exporterListen{Port: ExporterPort, Address: "0.0.0.0"},
		Namespaces: []exporterNamespace{{
			Name:   ExporterNamespace,
			Format: LogFormat,
			Source: exporterSource{Syslog: exporterSyslog{
				ListenAddress: fmt.Sprintf("udp://0.0.0.0:%d", ExporterSyslogPort),
				Format:        "rfc3164",
				Tags:          []string{SyslogTag},
			}},
			Labels: map[string]string{"app": "gateway"},
		}},
	}
	out, err := yaml.Marshal(c)
	if err != nil {
		return "", fmt.Errorf("gateway exporter config: %w", err)
	}
	return string(out), nil
}

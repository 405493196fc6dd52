package assets

import "embed"

// Alerts holds the Prometheus rule files (alerting and recording rules). The
// Prometheus component copies every file to /etc/prometheus/rules/, where its
// config loads rules/*.yml.
//
//go:embed alerts/*.yml
var Alerts embed.FS

package assets

import "embed"

// Alerts holds the Prometheus rule files (alerting and recording rules). The
// stack uploads every file into the Prometheus container's
// /etc/prometheus/rules/, where its config loads rules/*.yml.
//
//go:embed alerts/*.yml
var Alerts embed.FS

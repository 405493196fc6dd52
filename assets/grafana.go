package assets

import "embed"

// Grafana holds the start wrapper that applies a rotated admin password to
// an existing Grafana database (components/grafana uploads it).
//
//go:embed grafana/*
var Grafana embed.FS

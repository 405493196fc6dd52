package assets

import "embed"

// Zipkin holds the daily loop of the zipkin-dependencies job
// (components/services uploads it).
//
//go:embed zipkin/*.sh
var Zipkin embed.FS

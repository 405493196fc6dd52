package assets

import "embed"

// Elasticsearch holds Zipkin's Elasticsearch start wrapper (the host
// prerequisite check) and its init step (users, ILM policy, template);
// components/services uploads them.
//
//go:embed elasticsearch/*.sh
var Elasticsearch embed.FS

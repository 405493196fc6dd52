package assets

import _ "embed"

// ACME is the ACME client script for a home nginx (placeholder certificate,
// issuance and renewal over HTTP-01 through the edge's :80, an nginx -t
// gated deploy, node-exporter metrics), run in a certbot/certbot container;
// see docs/certificates.md for its environment and mounts.
//
//go:embed acme/acme.sh
var ACME string

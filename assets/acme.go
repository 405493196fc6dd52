package assets

import _ "embed"

// ACME is the ACME client script for a home nginx (placeholder certificate,
// issuance and renewal over HTTP-01 through the edge's :80, an nginx -t
// gated deploy, node-exporter metrics), run in a certbot/certbot container;
// see docs/certificates.md for its environment and mounts.
//
//go:embed acme/acme.sh
var ACME string

// ACMEReloadRequest is the ACME container's reload command: it asks the
// nginx container's ACMEReloadWatcher for `nginx -t` and a reload through
// a shared directory and waits for the answer.
//
//go:embed acme/reload-request.sh
var ACMEReloadRequest string

// ACMEReloadWatcher runs in a home nginx container (started from the nginx
// image's /docker-entrypoint.d) and answers ACMEReloadRequest.
//
//go:embed acme/reload-watcher.sh
var ACMEReloadWatcher string

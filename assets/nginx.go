package assets

import _ "embed"

// NginxApplyConfig is the script every nginx container (gateway, nginx_mon,
// dev edge) carries: it installs a pushed config only after `nginx -t`
// accepts it, then reloads the running master.
//
//go:embed nginx/apply-config.sh
var NginxApplyConfig string

// NginxReloadContainer runs where `pulumi up` runs and drives
// apply-config.sh inside a running nginx container through the docker CLI.
//
//go:embed nginx/reload-container.sh
var NginxReloadContainer string

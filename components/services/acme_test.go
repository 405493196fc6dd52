package services

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/jiucom/jiucom-infra/assets"
	"github.com/jiucom/jiucom-infra/components/homenginx"
	"github.com/jiucom/jiucom-infra/components/nginxmon"
)

// The watcher starts with the defaults of the nginx containers it runs in
// (they set no environment for it): the config both home nginx use and the
// handshake directory both sides mount.
func TestACMEScriptDefaultsAreTheStacksPaths(t *testing.T) {
	for _, conf := range []string{nginxmon.ConfigPath, GatewayConfPath} {
		assert.Contains(t, assets.ACMEReloadWatcher, "apply-config.sh "+conf+" ")
	}
	for _, script := range []string{assets.ACMEReloadWatcher, assets.ACMEReloadRequest} {
		assert.Contains(t, script, "dir=${ACME_RELOAD_DIR:-"+homenginx.ACMEReloadDir+"}\n")
	}
}

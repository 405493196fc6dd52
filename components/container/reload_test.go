package container

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/jiucom/jiucom-infra/assets"
)

// The ACME reload watcher runs the apply script every nginx container
// carries; it names it by path, which must be where it is uploaded.
func TestACMEWatcherRunsTheUploadedApplyScript(t *testing.T) {
	assert.Contains(t, assets.ACMEReloadWatcher, " sh "+applyScriptPath+" ")
}

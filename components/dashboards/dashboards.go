// Package dashboards builds the provisioned Grafana dashboards with the typed
// builders of grafana-foundation-sdk, so a broken panel is a compile error or
// a failing test rather than something a user finds in the UI.
package dashboards

import (
	"encoding/json"
	"fmt"
)

// MainUID is the uid of the JIUCOM dashboard the manual links to.
const MainUID = "jiucom-main"

// definitions lists every provisioned dashboard; each file is <uid>.json.
var definitions = []func() board{
	jiucomDashboard,
	hostsDashboard,
	containersDashboard,
	datastoresDashboard,
	edgeDashboard,
	backupsDashboard,
	statusDashboard,
}

// Files returns the provisioned dashboard JSON documents keyed by file name
// (e.g. "jiucom-main.json"). The Grafana component writes them into the folder
// its dashboard provider watches.
func Files() (map[string][]byte, error) {
	files := make(map[string][]byte, len(definitions))
	for _, define := range definitions {
		b := define()
		built, err := b.builder().Build()
		if err != nil {
			return nil, fmt.Errorf("dashboards: build %s: %w", b.uid, err)
		}
		content, err := json.MarshalIndent(built, "", "  ")
		if err != nil {
			return nil, fmt.Errorf("dashboards: encode %s: %w", b.uid, err)
		}
		files[b.uid+".json"] = content
	}
	return files, nil
}

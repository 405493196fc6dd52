package rules

import (
	"fmt"
	"slices"
	"strings"

	"github.com/jiucom/jiucom-infra/components/services"
)

// backupContainer is what the rule knows of one backup container: the
// data volumes it mounts, unless one of its mounts is not known yet (a
// preview of a computed volume name), when it cannot tell.
type backupContainer struct {
	name    string
	mounts  map[string]bool
	unknown bool
}

func backupContainerOf(r Resource) backupContainer {
	b := backupContainer{name: containerName(r), mounts: map[string]bool{}}
	for _, v := range list(r.Properties.Get("volumes")) {
		name := field(object(v), "volumeName")
		if name.IsComputed() {
			b.unknown = true
		}
		b.mounts[text(name)] = true
	}
	return b
}

// checkBackedUp pairs every data volume with the backup container of its
// docker engine (its provider). backupSpec mounts each data volume of its
// engine and backs up the same list of services (BACKUP_SERVICES), so a
// host without the container, or a volume it does not mount, is a service
// left out of the backups.
func checkBackedUp(rs []Resource, s Settings) []Violation {
	if !s.BackupEnabled {
		return nil
	}
	backups := map[string]backupContainer{}
	for _, r := range rs {
		if r.Type == ContainerType && label(r.Properties, ServiceLabel) == services.BackupService {
			backups[r.Provider.URN] = backupContainerOf(r)
		}
	}
	var out []Violation
	for _, r := range rs {
		volume := text(r.Properties.Get("name"))
		if _, data := services.DataVolumeService(volume); r.Type != VolumeType || !data {
			continue
		}
		host := fmt.Sprintf("docker host %q (provider %s)", text(r.Provider.Properties.Get("host")), r.Provider.Name)
		b, ok := backups[r.Provider.URN]
		switch {
		case !ok:
			out = append(out, Violation{r.URN, fmt.Sprintf("%s: data volume %s on %s has no %s container beside it, so nothing backs it up (fix: run the backup record on every engine with data — DataHosts — or set backup.enabled false)",
				r.Name, volume, host, services.BackupService)})
		case !b.unknown && !b.mounts[volume]:
			out = append(out, Violation{r.URN, fmt.Sprintf("%s: %s on %s does not mount data volume %s, so its service is left out of the backups (fix: mount every data volume of its engine in the backup container, as backupSpec does)",
				r.Name, b.name, host, volume)})
		}
	}
	// The engine's resource order follows registration, which runs in
	// goroutines: sorted, the report reads the same on every preview.
	slices.SortFunc(out, func(a, b Violation) int { return strings.Compare(a.URN, b.URN) })
	return out
}

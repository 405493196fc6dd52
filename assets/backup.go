package assets

import "embed"

// Backup holds the backup service's scripts (uploaded into its container)
// and the Dockerfile of its image: backup.sh, restore.sh, lib.sh,
// schedule.sh, and host.sh, which `make backup-now` and `make restore` run
// where pulumi runs.
//
//go:embed backup/*.sh backup/Dockerfile
var Backup embed.FS

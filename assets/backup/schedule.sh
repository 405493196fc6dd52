#!/usr/bin/env bash
# The backup container's command: busybox crond runs backup.sh on
# BACKUP_SCHEDULE and the weekly check on BACKUP_CHECK_SCHEDULE. Cron jobs
# start with an empty environment, so the container's (which holds no
# secret: those are files) is written where each job reads it.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
export -p | grep -v -E ' (HOME|HOSTNAME|PWD|SHLVL|_)=' >/run/backup.env
mkdir -p /etc/crontabs
cat >/etc/crontabs/root <<CRON
$BACKUP_SCHEDULE bash -c '. /run/backup.env && exec $here/backup.sh' >>/proc/1/fd/1 2>&1
$BACKUP_CHECK_SCHEDULE bash -c '. /run/backup.env && BACKUP_SERVICES= BACKUP_CHECK=1 exec $here/backup.sh' >>/proc/1/fd/1 2>&1
CRON
echo "backup: scheduled '$BACKUP_SCHEDULE', check '$BACKUP_CHECK_SCHEDULE', services: ${BACKUP_SERVICES:-none}"
exec crond -f -l 8

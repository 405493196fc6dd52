#!/usr/bin/env bash
# Backup and restore from where pulumi runs (make backup-now, make restore).
# The stack's `backup` output says, per backed-up service, which docker
# engine holds it, its backup container (the only place that holds the
# repository password) and its own container; everything else happens in
# those containers through the docker CLI, so no secret reaches this shell.
#
#   host.sh STACK backup-now
#   host.sh STACK restore SERVICE SNAPSHOT [--to scratch]
#
# restore.sh (in the backup container) checks the password and the snapshot
# and verifies the data in staging before it touches anything live:
#   mysql   the verified dump is loaded online through the mysql container's
#           root client (the root password is a file in that container);
#           --to scratch loads it into the restore_scratch database instead
#   online  (the output's online, e.g. elasticsearch) a verifying dry run
#           first (--to scratch), then restore.sh restores it through the
#           running service's own API: nothing is stopped
#   others  a verifying dry run first (--to scratch), then the service's
#           container is stopped, its volume restored and the container
#           started again however the restore ended; --to scratch stops at
#           the dry run and leaves the data in the backup container's staging
set -euo pipefail
cd "$(dirname "$0")/../.."

scripts=/usr/local/lib/jiucom/backup
usage="usage: host.sh STACK backup-now | host.sh STACK restore SERVICE SNAPSHOT [--to scratch]"
die() { echo "backup: $*" >&2; exit 1; }
[ $# -ge 2 ] || die "$usage"
stack=$1 action=$2
shift 2

command -v pulumi >/dev/null || die "install the Pulumi CLI first (see README prerequisites)"
command -v docker >/dev/null || die "install the docker CLI first: restores run through the stack's docker engines"
command -v jq >/dev/null || die "install jq first: it reads the stack's backup output"
# `make dev-up` keeps a generated passphrase beside its local state.
if [ -z "${PULUMI_CONFIG_PASSPHRASE+x}" ] && [ -z "${PULUMI_CONFIG_PASSPHRASE_FILE:-}" ] && [ -s .pulumi-state/passphrase ]; then
  export PULUMI_CONFIG_PASSPHRASE_FILE="$PWD/.pulumi-state/passphrase"
fi
targets=$(pulumi stack output backup --json -s "$stack") ||
  die "$stack has no backup output: run pulumi up -s $stack first"
[ "$(jq length <<<"$targets")" -gt 0 ] ||
  die "backups are off in $stack: pulumi config set backup.enabled true -s $stack, then pulumi up -s $stack"

# Fields are read with the unit separator: an empty endpoint would vanish
# between tabs, which read treats as whitespace.

# on ENDPOINT runs the docker CLI against one engine ("" is the CLI's
# own default: DOCKER_HOST or the local socket).
on() {
  local endpoint=$1
  shift
  if [ -n "$endpoint" ]; then DOCKER_HOST=$endpoint docker "$@"; else docker "$@"; fi
}

backup_now() {
  local failed=0 endpoint container
  # One run per backup container: each backs up every service of its engine.
  while IFS=$'\x1f' read -r endpoint container; do
    echo "backup: running $container on ${endpoint:-the local engine}"
    on "$endpoint" exec "$container" "$scripts/backup.sh" || { failed=1; echo "backup: $container FAILED (its log is above)" >&2; }
  done < <(jq -r '[.[][] | [.docker, .backup] | join("\u001f")] | unique[]' <<<"$targets")
  [ "$failed" = 0 ] || die "at least one backup failed"
  echo "backup: done"
}

# Every engine's service containers are started again however the restore
# ends (a global: the trap runs after restore's locals are gone).
stopped=()
start_stopped() {
  local entry
  for entry in "${stopped[@]}"; do
    on "${entry%%$'\x1f'*}" start "${entry#*$'\x1f'}" >/dev/null && echo "backup: ${entry#*$'\x1f'} started"
  done
}
trap start_stopped EXIT

restore() {
  [ $# -ge 2 ] || die "$usage"
  local service=$1 snapshot=$2 scratch=""
  case "${3:-}${4:-}" in
    "") ;;
    --toscratch) scratch=1 ;;
    *) die "unknown option ${3:-} (use --to scratch)" ;;
  esac
  jq -e --arg s "$service" 'has($s)' <<<"$targets" >/dev/null ||
    die "$service is not backed up in $stack (backed up: $(jq -r 'keys | join(", ")' <<<"$targets"))"
  # One line per engine holding the service: endpoint, backup container,
  # the service's containers there.
  local engines endpoint backup containers container online
  online=$(jq -r --arg s "$service" '.[$s][0].online' <<<"$targets")
  engines=$(jq -r --arg s "$service" '.[$s][] | [.docker, .backup, (.containers | join(" "))] | join("\u001f")' <<<"$targets")

  if [ "$service" = mysql ]; then
    local db=jiucom
    [ -z "$scratch" ] || db=restore_scratch
    IFS=$'\x1f' read -r endpoint backup containers <<<"$engines"
    # restore.sh prints the dump only once it is verified, so a refusal
    # loads nothing; pipefail makes its exit status this command's. The
    # inner script expands in the mysql container, where the secret is.
    # shellcheck disable=SC2016
    on "$endpoint" exec "$backup" "$scripts/restore.sh" mysql "$snapshot" --print |
      on "$endpoint" exec -i "$containers" sh -c 'export MYSQL_PWD="$(cat /run/secrets/mysql-root-password)"
        mysql -uroot -e "CREATE DATABASE IF NOT EXISTS \`$1\`" && exec mysql -uroot "$1"' sh "$db" ||
      die "mysql was not restored (the reason is above)"
    echo "backup: mysql: snapshot $snapshot loaded into $db"
    return
  fi

  # Verified on every engine before anything stops.
  while IFS=$'\x1f' read -r endpoint backup containers; do
    on "$endpoint" exec "$backup" "$scripts/restore.sh" "$service" "$snapshot" --to scratch </dev/null ||
      die "$service was not restored and nothing was stopped (the reason is above)"
  done <<<"$engines"
  if [ -n "$scratch" ]; then
    echo "backup: $service: verified; the data is in /tmp/restore/$service in the backup container"
    return
  fi
  while IFS=$'\x1f' read -r endpoint backup containers; do
    if [ "$online" = true ]; then
      echo "backup: $service: verified; restoring it while $containers keeps running"
    else
      echo "backup: $service: verified; stopping $containers to restore its data"
      for container in $containers; do
        on "$endpoint" stop "$container" >/dev/null </dev/null
        stopped+=("$endpoint"$'\x1f'"$container")
      done
    fi
    on "$endpoint" exec "$backup" "$scripts/restore.sh" "$service" "$snapshot" </dev/null ||
      die "$service: the restore failed (the reason is above)"
    start_stopped
    stopped=()
  done <<<"$engines"
  echo "backup: $service: snapshot $snapshot restored"
}

case $action in
  backup-now) backup_now ;;
  restore) restore "$@" ;;
  *) die "$usage" ;;
esac

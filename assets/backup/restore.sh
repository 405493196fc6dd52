#!/usr/bin/env bash
# restore.sh SERVICE SNAPSHOT [--to scratch | --print]
#
# Restores one service from the stack's restic repository. SNAPSHOT is
# "latest" (the service's newest on BACKUP_HOST) or a snapshot ID. The
# repository password and the snapshot are checked first; the data is
# restored into RESTORE_STAGING and verified there; only then is the live
# data touched:
#   mysql       --print only: the verified dump on stdout, for the mysql
#               container's own root client to load (make restore); this
#               container holds no login that could write the database
#   redis       dump.rdb into REDIS_DATA, and as the base of a fresh AOF
#   grafana     grafana.db over GRAFANA_DB
#   prometheus  the TSDB snapshot as PROMETHEUS_DATA's contents
#   elasticsearch
#               online: the snapshot repository as ELASTICSEARCH_REPO_DATA's
#               contents, then the node restores the zipkin* indices of its
#               newest snapshot over them through the snapshot API, then
#               deletes it from the node
#   others      their files as BACKUP_VOLUMES/<service>'s contents
# File restores need the service stopped (make restore does it); with
# --to scratch they stay in RESTORE_STAGING for inspection.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"

REDIS_CHECK_RDB="${REDIS_CHECK_RDB:-redis-check-rdb}"
SQLITE3="${SQLITE3:-sqlite3}"
STAGING="${RESTORE_STAGING:-/tmp/restore}"

die() { log "restore: $*"; exit 1; }

# own gives restored files the owner of the directory they land in (the
# service's user, e.g. redis or grafana), since the restore runs as root.
own() { chown -R "$(stat -c %u:%g "$1")" "$@"; }

[ $# -ge 2 ] || die "usage: restore.sh SERVICE SNAPSHOT [--to scratch | --print]"
service=$1 snapshot=$2 mode=live
case "${3:-}${4:-}" in
  "") ;;
  --toscratch) mode=scratch ;;
  --print) mode=print ;;
  *) die "unknown option ${3:-} (use --to scratch or --print)" ;;
esac
case "$service" in */* | .*) die "no such service $service" ;; esac
[ "$mode" != print ] || [ "$service" = mysql ] || die "--print is for mysql only"
[ "$mode" = print ] || [ "$service" != mysql ] || die "mysql is loaded by its own container: make restore SERVICE=mysql, or --print into its client"

case "$(repo_state)" in
  ok) ;;
  wrong-password) die "wrong repository password: nothing was restored" ;;
  missing) die "no repository at $RESTIC_REPOSITORY" ;;
  *) die "cannot open the repository" ;;
esac

# The snapshot must exist and belong to the service.
if [ "$snapshot" = latest ]; then
  id=$("$RESTIC" snapshots --json --host "$BACKUP_HOST" --tag "$service" --latest 1 | sed -n 's/.*"short_id":"\([0-9a-f]*\)".*/\1/p' | tail -n 1)
else
  id=$("$RESTIC" snapshots --json --tag "$service" "$snapshot" 2>/dev/null | sed -n 's/.*"short_id":"\([0-9a-f]*\)".*/\1/p')
fi
[ -n "$id" ] || die "snapshot $snapshot not found for service $service"

stage="$STAGING/$service"
rm -rf "$stage"
mkdir -p "$stage" || die "cannot create $stage"
"$RESTIC" restore "$id" --target "$stage" >/dev/null || die "restic could not restore snapshot $id"
log "restored snapshot $id of $service into $stage; verifying"

# verify checks the staged data before anything live is touched.
case "$service" in
  mysql)
    tail -n 1 "$stage/mysql.sql" | grep -q '^-- Dump completed' || die "the mysql dump in $id is incomplete" ;;
  redis)
    "$REDIS_CHECK_RDB" "$stage/dump.rdb" >/dev/null || die "dump.rdb in $id fails redis-check-rdb" ;;
  grafana)
    [ "$("$SQLITE3" "$stage/grafana.db" 'PRAGMA integrity_check;')" = ok ] || die "grafana.db in $id fails its integrity check" ;;
  elasticsearch)
    # An fs repository's root: the generation file listing its snapshots,
    # and each snapshot's own metadata.
    ls "$stage"/index-[0-9]* >/dev/null 2>&1 || die "the snapshot in $id holds no Elasticsearch repository (index-N)"
    ls "$stage"/snap-*.dat >/dev/null 2>&1 || die "the repository in $id holds no Elasticsearch snapshot (snap-*.dat)" ;;
  prometheus)
    ls "$stage"/*/meta.json >/dev/null 2>&1 || [ -d "$stage/chunks_head" ] || die "the snapshot in $id holds no TSDB block"
    for meta in "$stage"/*/meta.json; do
      [ -e "$meta" ] || continue
      grep -q '"ulid"' "$meta" || die "$meta in $id is not a block's meta.json"
    done ;;
  *)
    [ -n "$(ls -A "$stage")" ] || die "the snapshot in $id is empty" ;;
esac

if [ "$mode" = print ]; then
  cat "$stage/mysql.sql"
  exit 0
fi
if [ "$mode" = scratch ]; then
  log "verified; the $service data is in $stage"
  exit 0
fi

case "$service" in
  redis)
    # With appendonly yes Redis loads only its AOF, so the RDB also becomes
    # the base of a new multi-part AOF (Redis 7's manifest); with rdb
    # persistence it loads dump.rdb and ignores the AOF directory.
    aof="$REDIS_DATA/appendonlydir"
    rm -rf "${aof:?}.next"
    mkdir "$aof.next" || die "cannot write $REDIS_DATA"
    cp "$stage/dump.rdb" "$aof.next/appendonly.aof.1.base.rdb" || die "cannot write $aof.next"
    printf 'file appendonly.aof.1.base.rdb seq 1 type b\n' >"$aof.next/appendonly.aof.manifest" || die "cannot write $aof.next"
    cp "$stage/dump.rdb" "$REDIS_DATA/dump.rdb.next" || die "cannot write $REDIS_DATA"
    rm -rf "$aof" "$REDIS_DATA"/*.aof
    mv "$aof.next" "$aof" || die "cannot write $aof"
    mv "$REDIS_DATA/dump.rdb.next" "$REDIS_DATA/dump.rdb" || die "cannot write $REDIS_DATA"
    own "$REDIS_DATA" "$REDIS_DATA/dump.rdb" "$aof"
    log "redis: snapshot $id is $REDIS_DATA/dump.rdb and the AOF base; start Redis to load it" ;;
  grafana)
    cp "$stage/grafana.db" "$GRAFANA_DB.next" || die "cannot write $GRAFANA_DB"
    rm -f "$GRAFANA_DB-journal" "$GRAFANA_DB-wal" "$GRAFANA_DB-shm"
    mv "$GRAFANA_DB.next" "$GRAFANA_DB" || die "cannot write $GRAFANA_DB"
    own "$(dirname "$GRAFANA_DB")" "$GRAFANA_DB"
    log "grafana: snapshot $id is $GRAFANA_DB" ;;
  prometheus)
    find "${PROMETHEUS_DATA:?}" -mindepth 1 -maxdepth 1 -exec rm -rf {} + || die "cannot clear $PROMETHEUS_DATA"
    cp -a "$stage/." "$PROMETHEUS_DATA/" || die "cannot write $PROMETHEUS_DATA"
    log "prometheus: snapshot $id is the TSDB in $PROMETHEUS_DATA" ;;
  elasticsearch)
    repo="$ELASTICSEARCH_REPO_DATA"
    # The node caches a registered repository's generation: unregistered
    # while the files change under it and registered again, it reads them
    # afresh. Unregistering one it does not know fails, harmlessly.
    es DELETE _snapshot/jiucom >/dev/null 2>&1
    { mkdir -p "$repo" && chown "$(stat -c %u:%g "$(dirname "$repo")")" "$repo"; } || die "cannot create $repo"
    find "${repo:?}" -mindepth 1 -maxdepth 1 -exec rm -rf {} + || die "cannot clear $repo"
    cp -a "$stage/." "$repo/" || die "cannot write $repo"
    own "$repo"
    es_register || die "elasticsearch: the node refused the repository in $repo"
    # The newest (last listed) snapshot: a backup leaves one.
    name=$(es GET '_snapshot/jiucom/_all?filter_path=snapshots.snapshot' | sed -n 's/.*"snapshot":"\([^"]*\)".*/\1/p')
    [ -n "$name" ] || die "elasticsearch: the node sees no snapshot in $repo"
    indices=$(es GET "_snapshot/jiucom/$name?filter_path=snapshots.indices" | sed -n 's/.*"indices":\[\([^]]*\)\].*/\1/p' | tr -d '"')
    # Restored over closed indices: deleted ones, Zipkin would create again
    # with its next span before the restore; closed, they take no writes.
    # ES refuses wildcards here, so the snapshot's indices are named.
    if [ -n "$indices" ]; then
      es POST "$indices/_close?ignore_unavailable=true" >/dev/null || die "elasticsearch: cannot close $indices"
    fi
    answer=$(es POST "_snapshot/jiucom/$name/_restore?wait_for_completion=true" '{"indices":"zipkin*","include_global_state":false}') ||
      die "elasticsearch: the node could not restore $name"
    grep -q '"failed":0' <<<"$answer" || die "elasticsearch: shards failed restoring $name: $answer"
    # The repository is left empty, as a backup leaves it: the next
    # backup's snapshot is then the only one it holds.
    es DELETE "_snapshot/jiucom/$name" >/dev/null || log "elasticsearch: could not delete snapshot $name from the node (the restore is done)"
    log "elasticsearch: snapshot $id ($name) restored: $indices" ;;
  *)
    target="$BACKUP_VOLUMES/$service"
    find "${target:?}" -mindepth 1 -maxdepth 1 -exec rm -rf {} + || die "cannot clear $target"
    cp -a "$stage/." "$target/" || die "cannot write $target"
    log "$service: snapshot $id is the contents of $target" ;;
esac

#!/usr/bin/env bash
# One backup run: an application-consistent snapshot of every service in
# BACKUP_SERVICES into the stack's restic repository, tagged with the
# service, then retention and (BACKUP_CHECK=1) a repository check. One
# service failing does not stop the others; the run exits 1 if any failed.
# Each service's result is pushed to the Pushgateway (BACKUP_PUSHGATEWAY)
# as jiucom_backup_* metrics under job=backup, instance=BACKUP_HOST.
#
# Needs: restic, curl, and per service mysqldump (mysql), redis-cli
# (redis), sqlite3 (grafana), nothing more for prometheus and elasticsearch.
#
#   mysql       MYSQL_HOST, MYSQL_PORT, MYSQL_DATABASE, MYSQL_DEFAULTS_FILE
#               (a my.cnf holding the backup user's login)
#   redis       REDIS_HOST, REDIS_PORT, REDIS_PASSWORD_FILE
#   grafana     GRAFANA_DB (grafana.db on Grafana's volume)
#   prometheus  PROMETHEUS_URL, PROMETHEUS_DATA (Prometheus's volume)
#   elasticsearch
#               ELASTICSEARCH_URL, ELASTICSEARCH_CURL (a curl config with
#               the elastic login), ELASTICSEARCH_REPO (path.repo as the
#               node sees it), ELASTICSEARCH_REPO_DATA (the same directory
#               here, on the mounted volume)
#   others      their volume's files under BACKUP_VOLUMES/<service>
#   retention   KEEP_DAILY, KEEP_WEEKLY, KEEP_MONTHLY (7, 4, 6)
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"

MYSQLDUMP="${MYSQLDUMP:-mysqldump}"
REDIS_CLI="${REDIS_CLI:-redis-cli}"
SQLITE3="${SQLITE3:-sqlite3}"
SCRATCH="${BACKUP_SCRATCH:-/tmp}"

# push sends one service's metrics. POST replaces only the metrics it
# names, so a failed run keeps the last success timestamp.
push() {
  local service=$1 body=$2
  [ -n "${BACKUP_PUSHGATEWAY:-}" ] || return 0
  curl -fsS --max-time 10 --data-binary @- \
    "$BACKUP_PUSHGATEWAY/metrics/job/backup/instance/$BACKUP_HOST/service/$service" <<<"$body" >/dev/null ||
    log "could not push the $service metrics to $BACKUP_PUSHGATEWAY"
}

backup_mysql() {
  local dump="$SCRATCH/mysql.sql"
  # --single-transaction: a consistent InnoDB view without locking the app
  # out; one database, so a restore can load it into any name (scratch).
  "$MYSQLDUMP" --defaults-extra-file="$MYSQL_DEFAULTS_FILE" -h "$MYSQL_HOST" -P "${MYSQL_PORT:-3306}" --protocol=tcp \
    --single-transaction --routines --triggers --events --no-tablespaces "$MYSQL_DATABASE" >"$dump" || return 1
  # mysqldump writes this last line only when the dump completed.
  tail -n 1 "$dump" | grep -q '^-- Dump completed' || { log "mysql: the dump is incomplete"; return 1; }
  "$RESTIC" backup --host "$BACKUP_HOST" --tag mysql --stdin --stdin-filename mysql.sql <"$dump"
}

backup_redis() {
  local rdb="$SCRATCH/dump.rdb"
  # --rdb makes the server fork a snapshot (as BGSAVE does) and stream it,
  # so the file is consistent and Redis's volume stays untouched.
  REDISCLI_AUTH="$(cat "$REDIS_PASSWORD_FILE")" "$REDIS_CLI" -h "$REDIS_HOST" -p "${REDIS_PORT:-6379}" --no-auth-warning --rdb "$rdb" >/dev/null || return 1
  (cd "$SCRATCH" && "$RESTIC" backup --host "$BACKUP_HOST" --tag redis dump.rdb)
}

backup_grafana() {
  local copy="$SCRATCH/grafana.db"
  rm -f "$copy"
  # The online backup API copies a consistent database while Grafana writes.
  "$SQLITE3" "file:$GRAFANA_DB?mode=ro" ".backup '$copy'" || return 1
  [ "$("$SQLITE3" "$copy" 'PRAGMA integrity_check;')" = ok ] || { log "grafana: the copy fails its integrity check"; return 1; }
  (cd "$SCRATCH" && "$RESTIC" backup --host "$BACKUP_HOST" --tag grafana grafana.db)
}

# backup_files backs up a volume as files (extra services, the
# Pushgateway's store): crash-consistent, like a power cut.
backup_files() {
  local service=$1
  (cd "$BACKUP_VOLUMES/$service" && "$RESTIC" backup --host "$BACKUP_HOST" --tag "$service" .)
}

backup_prometheus() {
  local name
  # The admin API hard-links the current blocks (and the head) into
  # snapshots/<name>: a consistent, immutable view of the TSDB.
  name=$(curl -fsS --max-time 120 -X POST "$PROMETHEUS_URL/api/v1/admin/tsdb/snapshot" | sed -n 's/.*"name":"\([^"]*\)".*/\1/p') || return 1
  [ -n "$name" ] || { log "prometheus: no snapshot name in the admin API's answer"; return 1; }
  local dir="$PROMETHEUS_DATA/snapshots/$name" status=0
  (cd "$dir" && "$RESTIC" backup --host "$BACKUP_HOST" --tag prometheus .) || status=1
  rm -rf "$dir"
  return "$status"
}

backup_elasticsearch() {
  local name status=0 answer
  # Lower case, as ES requires; one a run, so a retry never collides.
  name="backup-$(date -u +%Y%m%dt%H%M%S)"
  es_register || return 1
  # A snapshot is a consistent, point-in-time copy of the traces; the
  # global state (security, templates, ILM) is the init step's to put.
  if ! answer=$(es PUT "_snapshot/jiucom/$name?wait_for_completion=true" '{"indices":"zipkin*","include_global_state":false}'); then
    status=1
  elif ! grep -q '"state":"SUCCESS"' <<<"$answer"; then
    log "elasticsearch: snapshot $name did not succeed: $answer"
    status=1
  else
    # The repository holds this snapshot alone: restic keeps the history.
    (cd "$ELASTICSEARCH_REPO_DATA" && "$RESTIC" backup --host "$BACKUP_HOST" --tag elasticsearch .) || status=1
  fi
  # Deleted however the run went, so the repository does not grow on the
  # node's disk; after a failed PUT there may be nothing to delete.
  if ! es DELETE "_snapshot/jiucom/$name" >/dev/null 2>&1 && [ "$status" = 0 ]; then
    log "elasticsearch: could not delete snapshot $name"
    status=1
  fi
  return "$status"
}

# run_one backs up a service and reports it; it never exits the script.
run_one() {
  local service=$1 start end status size
  start=$(date +%s)
  log "$service: backing up"
  local ok
  case "$service" in
    mysql) backup_mysql ;;
    redis) backup_redis ;;
    grafana) backup_grafana ;;
    prometheus) backup_prometheus ;;
    elasticsearch) backup_elasticsearch ;;
    *) backup_files "$service" ;;
  esac
  ok=$?
  status=$((ok == 0 ? 1 : 0))
  end=$(date +%s)
  local body="jiucom_backup_last_run_timestamp_seconds $end
jiucom_backup_last_status $status
jiucom_backup_duration_seconds $((end - start))"
  if [ "$status" = 1 ]; then
    size=$("$RESTIC" stats --json --host "$BACKUP_HOST" --tag "$service" latest 2>/dev/null | sed -n 's/.*"total_size":\([0-9]*\).*/\1/p')
    body="$body
jiucom_backup_last_success_timestamp_seconds $end
jiucom_backup_size_bytes ${size:-0}"
    log "$service: done in $((end - start)) s"
  else
    log "$service: FAILED"
  fi
  push "$service" "$body"
  [ "$status" = 1 ]
}

main() {
  case "$(repo_state)" in
    ok) ;;
    missing) log "initialising the repository"; "$RESTIC" init >/dev/null || exit 1 ;;
    wrong-password) log "wrong repository password: nothing was backed up"; exit 1 ;;
    *) exit 1 ;;
  esac
  mkdir -p "$SCRATCH"
  local failed=0 service
  for service in ${BACKUP_SERVICES:-}; do
    run_one "$service" || failed=1
  done
  rm -f "$SCRATCH/mysql.sql" "$SCRATCH/dump.rdb" "$SCRATCH/grafana.db"
  # Retention per service on this host; prune drops the unreferenced data.
  "$RESTIC" forget --prune --host "$BACKUP_HOST" --group-by host,tags \
    --keep-daily "${KEEP_DAILY:-7}" --keep-weekly "${KEEP_WEEKLY:-4}" --keep-monthly "${KEEP_MONTHLY:-6}" >/dev/null || failed=1
  if [ "${BACKUP_CHECK:-0}" = 1 ]; then
    local ok=1
    # Every pack is read back: a subset would miss a damaged pack most
    # weeks, and the repository of a small stack is cheap to read once a week.
    "$RESTIC" check --read-data >/dev/null 2>&1 || { ok=0; failed=1; log "restic check FAILED"; }
    push check "jiucom_backup_check_last_status $ok
jiucom_backup_check_last_run_timestamp_seconds $(date +%s)"
  fi
  exit $failed
}

main "$@"

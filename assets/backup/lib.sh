#!/usr/bin/env bash
# Shared by backup.sh and restore.sh. restic reads RESTIC_REPOSITORY and
# RESTIC_PASSWORD_FILE itself; nothing secret is ever an argument or a
# variable of this shell.
RESTIC="${RESTIC:-restic}"
BACKUP_HOST="${BACKUP_HOST:-$(hostname)}"

log() { printf '%s %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >&2; }

# es calls Elasticsearch's API with the login from the curl config file,
# never from the command line: es METHOD PATH [BODY].
es() {
  curl -fsS --max-time 1800 -K "$ELASTICSEARCH_CURL" -X "$1" -H 'Content-Type: application/json' \
    ${3:+--data-binary "$3"} "$ELASTICSEARCH_URL/$2"
}

# es_register (re)registers the fs repository at path.repo; a PUT of the
# same settings changes nothing.
es_register() {
  es PUT _snapshot/jiucom "{\"type\":\"fs\",\"settings\":{\"location\":\"$ELASTICSEARCH_REPO\"}}" >/dev/null
}

# repo_state prints ok, missing or wrong-password for the repository.
repo_state() {
  local out
  if out=$("$RESTIC" cat config 2>&1 >/dev/null); then
    echo ok
  elif grep -qiE 'wrong password|no key found' <<<"$out"; then
    echo wrong-password
  elif grep -qiE 'does not exist|Is there a repository|unable to open config file|no such file' <<<"$out"; then
    echo missing
  else
    log "restic: $out"
    echo error
  fi
}

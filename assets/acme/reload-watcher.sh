#!/bin/sh
# reload-watcher.sh — runs in a home nginx container and answers the ACME
# client's reload requests (reload-request.sh) through a directory the two
# containers share: for each new request it runs the reload command
# (`nginx -t`, then `nginx -s reload` only if that passed) and writes the
# request's nonce, ok or failed, and the command's output as the answer.
#
#   reload-watcher.sh              what the nginx image's /docker-entrypoint.d
#                                  runs before nginx starts: start `watch` in
#                                  the background with the container's reload
#                                  (apply-config.sh) and return
#   reload-watcher.sh watch CMD…   answer requests by running CMD, forever
#
#   ACME_RELOAD_DIR  the shared directory [/run/jiucom/acme-reload]
set -eu
dir=${ACME_RELOAD_DIR:-/run/jiucom/acme-reload}

log() { printf 'reload-watcher: %s\n' "$*" >&2; }

case "${1:-}" in
"")
  # The container's config and the apply script every nginx container
  # carries (components/container): nginx -t gates the reload.
  APPLY_RELOAD_ONLY=1 sh "$0" watch sh /usr/local/lib/jiucom/apply-config.sh /etc/nginx/nginx.conf </dev/null &
  exit 0
  ;;
watch) shift ;;
*)
  log "usage: reload-watcher.sh [watch COMMAND...]"
  exit 2
  ;;
esac
[ $# -gt 0 ] || {
  log "usage: reload-watcher.sh watch COMMAND..."
  exit 2
}
mkdir -p "$dir"
log "answering reload requests in $dir"
while :; do
  if [ -f "$dir/request" ] && read -r nonce <"$dir/request" && [ -n "$nonce" ]; then
    if out=$("$@" 2>&1); then status=ok; else status=failed; fi
    tmp=$(mktemp "$dir/.ack.XXXXXX")
    printf '%s %s\n%s\n' "$nonce" "$status" "$out" >"$tmp"
    mv "$tmp" "$dir/ack"
    # Only the request answered: a newer one waits for the next pass.
    if [ -f "$dir/request" ] && read -r current <"$dir/request" && [ "$current" = "$nonce" ]; then
      rm -f "$dir/request"
    fi
    log "reload $status"
  fi
  sleep 1
done

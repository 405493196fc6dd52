#!/bin/sh
# reload-request.sh — the ACME container's ACME_RELOAD_COMMAND. It asks the
# watcher in the nginx container (reload-watcher.sh) to run `nginx -t` and
# reload, through a directory only the two containers mount, and waits for
# the answer. The ACME container has no docker socket (which would be root
# on the host): the most it can make nginx do is test and reload its config.
#
# Exit status: 0 nginx accepted the files and reloaded; 1 nginx refused
# them (its message is printed); 2 no answer within ACME_RELOAD_TIMEOUT.
#
#   ACME_RELOAD_DIR      the shared directory [/run/jiucom/acme-reload]
#   ACME_RELOAD_TIMEOUT  seconds to wait for the answer [60]
set -eu
dir=${ACME_RELOAD_DIR:-/run/jiucom/acme-reload}
timeout=${ACME_RELOAD_TIMEOUT:-60}

# A fresh nonce per request: only an answer naming it counts, so an answer
# left from an earlier request (or an earlier container) is never read as
# this one's.
nonce=$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
[ -n "$nonce" ] || {
  echo "reload-request: no random nonce from /dev/urandom" >&2
  exit 2
}
tmp=$(mktemp "$dir/.request.XXXXXX")
printf '%s\n' "$nonce" >"$tmp"
mv "$tmp" "$dir/request"

waited=0
while [ "$waited" -lt "$timeout" ]; do
  if [ -f "$dir/ack" ] && read -r got status <"$dir/ack" && [ "$got" = "$nonce" ]; then
    # The rest of the answer is nginx's own output.
    sed 1d "$dir/ack" >&2
    [ "$status" = ok ] && exit 0
    exit 1
  fi
  sleep 1
  waited=$((waited + 1))
done
# Withdrawn, so a watcher that comes back later does not reload a pair
# acme.sh is about to put back.
rm -f "$dir/request"
echo "reload-request: nginx did not answer within ${timeout}s (is reload-watcher.sh running in the nginx container, sharing $dir?)" >&2
exit 2

#!/bin/sh
# Readiness gate before the first config push, run as root over SSH:
#   sudo -n sh -s -- [MARKER] < ready.sh
# Waits (up to 15 minutes) for MARKER, which the VM startup script writes
# last, then proves nginx can load the stream module through the same include
# the edge config uses.
set -eu

marker=${1:-}
if [ -n "$marker" ]; then
    tries=0
    until [ -e "$marker" ]; do
        tries=$((tries + 1))
        if [ "$tries" -gt 180 ]; then
            echo "edge ready: $marker did not appear in 15 minutes; see: sudo journalctl -u google-startup-scripts" >&2
            exit 1
        fi
        sleep 5
    done
fi

probe=$(mktemp)
trap 'rm -f "$probe"' EXIT
printf 'include /etc/nginx/modules-enabled/*.conf;\nevents {}\nstream {}\n' > "$probe"
if ! out=$(nginx -t -c "$probe" 2>&1); then
    printf 'edge ready: nginx with the stream module is not usable (apt-get install nginx libnginx-mod-stream):\n%s\n' "$out" >&2
    exit 1
fi
echo "edge ready: nginx with stream module"

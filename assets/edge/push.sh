#!/bin/sh
# Safe push of the edge nginx config, run as root over SSH:
#   sudo -n sh -s -- CANDIDATE < push.sh
# The candidate is tested against the live include tree before it replaces
# anything; if nginx rejects it, the live config is untouched and the script
# exits non-zero with nginx's message (which fails `pulumi up`).
#
# Environment (defaults are the Debian VM's; tests point them at a throwaway
# nginx):
#   NGINX_BIN     nginx binary                    (nginx)
#   NGINX_CONF    live config path                (/etc/nginx/nginx.conf)
#   NGINX_RELOAD  shell command that reloads it   (systemctl reload-or-restart nginx)
set -eu

candidate=${1:?usage: push.sh CANDIDATE}
nginx_bin=${NGINX_BIN:-nginx}
live=${NGINX_CONF:-/etc/nginx/nginx.conf}
reload=${NGINX_RELOAD:-systemctl reload-or-restart nginx}

# Stage beside the live file: relative includes resolve exactly as they will
# live, and the final rename stays on one filesystem, so it is atomic.
staged=$(mktemp "$(dirname "$live")/.edge-push.XXXXXX")
trap 'rm -f "$staged"' EXIT
cat "$candidate" > "$staged"
chmod 0644 "$staged"

if ! out=$("$nginx_bin" -t -c "$staged" 2>&1); then
    printf 'edge push: nginx rejected the new config; the live config is unchanged:\n%s\n' "$out" >&2
    exit 1
fi

if [ -f "$live" ]; then
    cp -p "$live" "$live.prev"
fi
mv -f "$staged" "$live"

if ! sh -c "$reload"; then
    if [ -f "$live.prev" ]; then
        mv -f "$live.prev" "$live"
    fi
    echo "edge push: reload failed; the previous config file is restored" >&2
    exit 1
fi
echo "edge push: new config live"

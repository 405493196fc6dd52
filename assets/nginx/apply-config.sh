#!/bin/sh
# apply-config.sh CONF — runs inside a running nginx container (busybox sh).
# Reads the new nginx.conf on stdin and makes it live without a restart:
# write it beside CONF, `nginx -t` it, and only then swap it in and
# `nginx -s reload`. A config nginx refuses leaves CONF and the running
# workers untouched, prints nginx's own message and exits non-zero, so the
# `pulumi up` that pushed it fails visibly while the old config keeps serving.
# With no stdin config (APPLY_RELOAD_ONLY=1) it re-tests and reloads CONF,
# which makes nginx resolve its upstream names again.
set -eu
conf=${1:?usage: apply-config.sh /etc/nginx/nginx.conf}

if [ "${APPLY_RELOAD_ONLY:-}" = 1 ]; then
  if ! out=$(nginx -t -c "$conf" 2>&1); then
    printf '%s\n' "$out" >&2
    echo "apply-config: nginx refused $conf; nothing was reloaded" >&2
    exit 1
  fi
  nginx -s reload
  echo "apply-config: reloaded $conf"
  exit 0
fi

next="$conf.next"
cat > "$next"
if ! out=$(nginx -t -c "$next" 2>&1); then
  rm -f "$next"
  printf '%s\n' "$out" >&2
  echo "apply-config: nginx refused the new config; the running config keeps serving" >&2
  exit 1
fi
if cmp -s "$next" "$conf"; then
  rm -f "$next"
else
  mv "$next" "$conf"
fi
# Reload even when the text is unchanged: the trigger may be a replaced
# upstream container whose name now resolves to a new address.
nginx -s reload
echo "apply-config: $conf is live"

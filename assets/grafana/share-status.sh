#!/bin/sh
# Shares the status dashboard as a Grafana public dashboard (publicStatus).
# Grafana has no file provisioning for public dashboards, so the start
# wrapper runs this in the background: once Grafana answers, it asks the API
# whether the dashboard is shared with the stack's token and shares it if
# not. Idempotent: a restart with the share in place changes nothing; a
# share someone changed by hand is reported, never overwritten.
#
#   JIUCOM_PUBLIC_DASHBOARD   <dashboard uid>:<access token>
#   GRAFANA_URL               [http://127.0.0.1:3000/grafana]
#   SHARE_TRIES, SHARE_DELAY  [60, 5]: attempts and seconds between them
# The admin password is read from GF_SECURITY_ADMIN_PASSWORD__FILE into a
# curl config file (mode 0600, removed on exit): never an argument.
set -eu
log() { printf 'jiucom: public status: %s\n' "$*" >&2; }

uid=${JIUCOM_PUBLIC_DASHBOARD%%:*}
token=${JIUCOM_PUBLIC_DASHBOARD#*:}
api=${GRAFANA_URL:-http://127.0.0.1:3000/grafana}/api/dashboards/uid/$uid/public-dashboards
tries=${SHARE_TRIES:-60}
delay=${SHARE_DELAY:-5}

auth=$(mktemp)
answer=$(mktemp)
trap 'rm -f "$auth" "$answer"' EXIT
chmod 600 "$auth"
# curl's config syntax: backslashes and double quotes escaped inside "…".
printf 'user = "admin:%s"\n' "$(sed 's/[\\"]/\\&/g' "$GF_SECURITY_ADMIN_PASSWORD__FILE")" >"$auth"

body=$(printf '{"accessToken":"%s","isEnabled":true,"share":"public","timeSelectionEnabled":false,"annotationsEnabled":false}' "$token")
i=0
while [ "$i" -lt "$tries" ]; do
  i=$((i + 1))
  # 200 with the share, 404 without one; anything else: Grafana (or the
  # provisioned dashboard) is not there yet.
  code=$(curl -sS -K "$auth" -o "$answer" -w '%{http_code}' "$api" 2>/dev/null || true)
  case $code in
  200)
    if grep -q "\"accessToken\":\"$token\"" "$answer" && grep -q '"isEnabled":true' "$answer"; then
      log "dashboard $uid is public at /public-dashboards/$token"
      exit 0
    fi
    log "dashboard $uid is shared differently (changed in the UI?); left as it is: /status/ leads to /public-dashboards/$token"
    exit 1
    ;;
  404)
    if curl -fsS -K "$auth" -o /dev/null -H 'Content-Type: application/json' --data "$body" "$api/"; then
      log "dashboard $uid shared at /public-dashboards/$token"
      exit 0
    fi
    ;;
  esac
  sleep "$delay"
done
log "Grafana did not share dashboard $uid after $tries attempts (last answer: ${code:-none})"
exit 1

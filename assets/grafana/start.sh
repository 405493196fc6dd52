#!/bin/sh
# Grafana reads GF_SECURITY_ADMIN_PASSWORD only when it creates its database,
# so a rotated secret would never reach a running Grafana. This wrapper runs
# before Grafana's own entrypoint (passed as arguments): when the secret
# file's hash differs from the one recorded in the data volume, it resets
# the admin password in the existing database, then records the new hash.
# Pulumi replaces the container only when an uploaded file changes, and the
# hash check makes the reset happen only when the secret itself changed.
set -eu
secret="$GF_SECURITY_ADMIN_PASSWORD__FILE"
data="$GF_PATHS_DATA"
stamp="$data/.jiucom-admin-password.sha256"

want="$(sha256sum "$secret" | cut -d' ' -f1)"
have="$(cat "$stamp" 2>/dev/null || true)"
if [ "$want" != "$have" ]; then
  # On first boot there is no database yet: Grafana creates the admin user
  # with the secret itself.
  if [ -f "$data/grafana.db" ]; then
    echo "jiucom: the admin password secret changed; applying it" >&2
    grafana cli --homepath "$GF_PATHS_HOME" --config "$GF_PATHS_CONFIG" \
      admin reset-admin-password --password-from-stdin < "$secret"
  fi
  umask 077
  printf '%s\n' "$want" > "$stamp"
fi
# publicStatus: share the status dashboard once Grafana answers.
if [ -n "${JIUCOM_PUBLIC_DASHBOARD:-}" ]; then
  sh "$(dirname "$0")/share-status.sh" &
fi
exec "$@"

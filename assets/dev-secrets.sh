#!/usr/bin/env bash
# Selects (or creates) the dev stack and generates each dev secret once,
# stored only with `pulumi config set --secret` (the value goes through stdin,
# never a command line). Used by `make dev-up` and by CI, whose runners start
# from a clean clone.
set -euo pipefail
cd "$(dirname "$0")/.."

pulumi stack select dev 2>/dev/null || pulumi stack init dev
# The features dev leaves off (backup.enabled, zipkin.storage: elasticsearch)
# get theirs too, so turning one on needs only its own key.
for key in grafanaAdminPassword mysqlRootPassword mysqlPassword redisPassword mysqlExporterPassword \
  resticPassword mysqlBackupPassword elasticPassword zipkinElasticPassword elasticExporterPassword; do
  if ! pulumi config get "$key" -s dev >/dev/null 2>&1; then
    openssl rand -base64 24 | tr -d '/+=\n' | pulumi config set --secret "$key" -s dev
    echo "dev-secrets: generated $key (read it with: pulumi config get $key -s dev)"
  fi
done

#!/usr/bin/env bash
# Brings the dev stack up on the local Docker engine, from a clean clone:
# a local file state backend when none is configured, the dev stack, dev
# secrets generated once (stored only with `pulumi config set --secret`),
# then `pulumi up -s dev`.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v pulumi >/dev/null || { echo "dev-up: install the Pulumi CLI first (see README prerequisites)" >&2; exit 1; }
if ! command -v docker >/dev/null || ! docker info >/dev/null 2>&1; then
  echo "dev-up: no running Docker engine" >&2
  exit 1
fi

state_dir="$PWD/.pulumi-state"
if ! pulumi whoami >/dev/null 2>&1; then
  mkdir -p "$state_dir"
  pulumi login "file://$state_dir"
fi
# A local backend encrypts secrets with a passphrase; keep a generated one
# beside the state unless the user brings their own.
if [ -z "${PULUMI_CONFIG_PASSPHRASE+x}" ] && [ -z "${PULUMI_CONFIG_PASSPHRASE_FILE:-}" ]; then
  mkdir -p "$state_dir"
  [ -s "$state_dir/passphrase" ] || (umask 077; openssl rand -base64 32 > "$state_dir/passphrase")
  export PULUMI_CONFIG_PASSPHRASE_FILE="$state_dir/passphrase"
fi

./assets/dev-secrets.sh
go build ./...
pulumi up -s dev --yes "$@"

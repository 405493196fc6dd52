#!/usr/bin/env bash
# Tears a stack down with `pulumi destroy`. The data volumes stay on their
# engines (retainDataOnDestroy, the default) unless --delete-data asks for
# them to go too: that records retainDataOnDestroy=false on the volumes with
# `pulumi up` first, because destroy acts on the flags in the state, not on
# the stack file. The stack's `teardown` output says which volumes are kept.
#
#   destroy.sh STACK [--delete-data] [--confirm=STACK]
#
# Without --confirm pulumi asks before every change; --confirm=STACK (the
# stack name typed again, as the destroy workflow does) answers yes.
set -euo pipefail
cd "$(dirname "$0")/../.."

die() { echo "destroy: $*" >&2; exit 2; }
[ $# -ge 1 ] || die "usage: destroy.sh STACK [--delete-data] [--confirm=STACK]"
stack=$1
shift
delete_data=""
confirm=""
for arg in "$@"; do
  case $arg in
    --delete-data) delete_data=1 ;;
    --confirm=*) confirm=${arg#--confirm=} ;;
    *) die "unknown argument $arg" ;;
  esac
done
[ -f "Pulumi.$stack.yaml" ] || die "no stack file Pulumi.$stack.yaml in the repository"
yes=()
if [ -n "$confirm" ]; then
  [ "$confirm" = "$stack" ] || die "confirmation \"$confirm\" does not match the stack name \"$stack\": nothing was changed"
  yes=(--yes)
elif [ ! -t 0 ] || [ ! -t 1 ]; then
  # pulumi cannot ask without a terminal and would stop half-way.
  die "no terminal to confirm on: pass --confirm=$stack (make destroy STACK=$stack CONFIRM=$stack); nothing was changed"
fi
command -v pulumi >/dev/null || die "install the Pulumi CLI first (see README prerequisites)"
# `make dev-up` keeps a generated passphrase beside its local state; the
# stack cannot be read without it.
if [ -z "${PULUMI_CONFIG_PASSPHRASE+x}" ] && [ -z "${PULUMI_CONFIG_PASSPHRASE_FILE:-}" ] && [ -s .pulumi-state/passphrase ]; then
  export PULUMI_CONFIG_PASSPHRASE_FILE="$PWD/.pulumi-state/passphrase"
fi

if [ -n "$delete_data" ]; then
  previous=$(pulumi config get retainDataOnDestroy -s "$stack" 2>/dev/null || echo true)
  # Put the stack file back however this ends: a false left behind would make
  # every later destroy delete the data without being asked.
  trap 'pulumi config set retainDataOnDestroy "$previous" -s "$stack"' EXIT
  echo "destroy: $stack: the data volumes will be DELETED with their data"
  pulumi config set retainDataOnDestroy false -s "$stack"
  pulumi up -s "$stack" "${yes[@]}"
fi

notice=$(pulumi stack output teardown -s "$stack" 2>/dev/null || echo "no teardown output yet (run pulumi up first): data volumes follow retainDataOnDestroy")
echo "destroy: $stack: $notice"
pulumi destroy -s "$stack" "${yes[@]}"
echo "destroy: $stack: done. $notice"

#!/bin/sh
# Run by a command:local resource where `pulumi up` runs, with the docker CLI
# talking to DOCKER_HOST (the same endpoint as the host's docker provider).
# It applies the config on stdin to the running nginx container
# NGINX_CONTAINER through apply-config.sh (nginx -t, swap, reload). With
# RELOAD_IF_RUNNING=1 it only reloads, and a container that is not running
# yet is left alone: it resolves its upstreams when it starts.
set -eu
: "${NGINX_CONTAINER:?}" "${NGINX_CONF:?}" "${APPLY_SCRIPT:?}"
running=$(docker container inspect -f '{{.State.Running}}' "$NGINX_CONTAINER" 2>/dev/null || echo absent)
if [ "${RELOAD_IF_RUNNING:-}" = 1 ]; then
  if [ "$running" != true ]; then
    echo "reload: $NGINX_CONTAINER is $running; nothing to reload"
    exit 0
  fi
  exec docker exec -e APPLY_RELOAD_ONLY=1 "$NGINX_CONTAINER" sh "$APPLY_SCRIPT" "$NGINX_CONF"
fi
if [ "$running" != true ]; then
  echo "reload: $NGINX_CONTAINER is $running on ${DOCKER_HOST:-the local engine}; cannot apply its config" >&2
  exit 1
fi
exec docker exec -i "$NGINX_CONTAINER" sh "$APPLY_SCRIPT" "$NGINX_CONF"

#!/bin/bash
# Elasticsearch's start wrapper, run by the image's tini before the image's
# own entrypoint (passed as arguments). It refuses to start on a host whose
# vm.max_map_count is below what Elasticsearch needs: with single-node
# discovery Elasticsearch skips its bootstrap checks and would fail later,
# under load, when mmap runs out. The setting is the docker host's, not the
# container's (docs/monitoring.md, "Durable traces"). Then it starts the
# init step in the background and hands over to Elasticsearch.
set -eu
need=262144
# JIUCOM_MAP_COUNT_PATH stands in for the kernel's file in tests. (No
# variable here ends in _FILE: the image's entrypoint reads every such one
# as a secret file, and requires mode 0400 or 0600 of it.)
have="$(cat "${JIUCOM_MAP_COUNT_PATH:-/proc/sys/vm/max_map_count}")"
if [ "$have" -lt "$need" ]; then
  echo "jiucom: vm.max_map_count is $have on this docker host; Elasticsearch needs at least $need." >&2
  echo "jiucom: on the host run: echo vm.max_map_count=$need | sudo tee /etc/sysctl.d/99-elasticsearch.conf && sudo sysctl --system" >&2
  exit 78
fi
# A restarted container keeps its files: the healthcheck waits for this
# start's init step, not the last one's.
rm -f "$JIUCOM_ES_READY"
# Started from a subshell that exits at once, the init step is tini's to
# reap when it ends, not left a zombie of Elasticsearch's JVM.
("$(dirname "$0")/init.sh" &)
# The entrypoint sets the elastic user's bootstrap password from
# ELASTIC_PASSWORD. Its ELASTIC_PASSWORD_FILE would refuse the uploaded
# file, which is root's and must be world-readable for this unprivileged
# user; so the password is read here, inside the container, and is in no
# container definition.
ELASTIC_PASSWORD="$(cat "$JIUCOM_ES_PASSWORD_PATH")"
export ELASTIC_PASSWORD
exec "$@"

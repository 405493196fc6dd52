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
# JIUCOM_MAX_MAP_COUNT_FILE stands in for the kernel's in tests.
have="$(cat "${JIUCOM_MAX_MAP_COUNT_FILE:-/proc/sys/vm/max_map_count}")"
if [ "$have" -lt "$need" ]; then
  echo "jiucom: vm.max_map_count is $have on this docker host; Elasticsearch needs at least $need." >&2
  echo "jiucom: on the host run: echo vm.max_map_count=$need | sudo tee /etc/sysctl.d/99-elasticsearch.conf && sudo sysctl --system" >&2
  exit 78
fi
# A restarted container keeps its files: the healthcheck waits for this
# start's init step, not the last one's.
rm -f "$JIUCOM_ES_READY"
"$(dirname "$0")/init.sh" &
exec "$@"

#!/bin/sh
# The zipkin-dependencies container's command: every day at
# DEPENDENCIES_AT (UTC, HH:MM) it runs the image's Spark job over the
# previous day's spans, which writes that day's service links into
# Elasticsearch for Zipkin's dependency graph. A sleep loop rather than
# crond: busybox crond runs jobs by switching to their user, which the
# image's unprivileged user cannot do. A failed run is logged and retried
# the next day; the one before is kept.
set -eu
day=86400
while :; do
  now="$(date -u +%s)"
  next="$(date -u -d "$(date -u +%Y-%m-%d) $DEPENDENCIES_AT" +%s)"
  [ "$next" -gt "$now" ] || next=$((next + day))
  echo "zipkin-dependencies: next run at $(date -u -d "@$next" '+%Y-%m-%d %H:%M') UTC"
  sleep $((next - now))
  yesterday="$(date -u -d "@$((next - day))" +%Y-%m-%d)"
  echo "zipkin-dependencies: linking the spans of $yesterday"
  start-zipkin-dependencies "$yesterday" || echo "zipkin-dependencies: the run for $yesterday failed" >&2
done

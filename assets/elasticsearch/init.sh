#!/bin/bash
# Elasticsearch's init step, started in the background by start.sh on every
# start: once the node answers, it puts Zipkin's role and user, the
# exporter's, the ILM policy that deletes a day's trace indices after the
# retention, and the index template that attaches it to every zipkin*
# index. Every call is a PUT of the whole object, so running it again
# changes nothing, and a rotated user password or retention is applied on
# the next start. The healthcheck passes only after it succeeded.
#
# JIUCOM_ES_DIR holds the request bodies (the users' carry their password:
# secret files); JIUCOM_ES_CURL a curl config with the elastic login.
set -u
es=http://127.0.0.1:9200
dir="$JIUCOM_ES_DIR"

put() {
  curl -fsS -K "$JIUCOM_ES_CURL" -o /dev/null -X PUT -H 'Content-Type: application/json' \
    --data-binary "@$2" "$es/$1"
}

apply() {
  put _security/role/zipkin_writer "$dir/zipkin-role.json" &&
    put _security/user/zipkin "$JIUCOM_ES_SECRETS/zipkin-user.json" &&
    put _security/role/jiucom_monitor "$dir/exporter-role.json" &&
    put _security/user/exporter "$JIUCOM_ES_SECRETS/exporter-user.json" &&
    put _ilm/policy/zipkin-retention "$dir/ilm-policy.json" &&
    put _template/jiucom-zipkin-retention "$dir/zipkin-template.json"
}

until curl -fsS -K "$JIUCOM_ES_CURL" -o /dev/null "$es/_cluster/health?wait_for_status=yellow&timeout=10s"; do
  sleep 5
done
until apply; do
  echo "jiucom: Elasticsearch init failed; retrying in 30 s" >&2
  sleep 30
done
touch "$JIUCOM_ES_READY"
echo "jiucom: Elasticsearch users, ILM policy and template are in place"

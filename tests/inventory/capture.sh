#!/usr/bin/env bash
# Regenerates tests/testdata/metrics/*.txt: the metric names the real exporters
# expose. It starts Debian's exporters (and the daemons they watch) on loopback
# ports, scrapes each once and writes one sorted name per line. Run by hand
# (`make inventory`) after changing a package version; CI only reads the
# checked-in files, so the dashboards/rules check stays fast and offline.
# cAdvisor, Spring Boot and nginxlog-exporter are not packaged for Debian:
# their files are written by hand from their documentation (see their headers).
set -euo pipefail

repo="$(cd "$(dirname "$0")/../.." && pwd)"
out="$repo/tests/testdata/metrics"
base="${INVENTORY_BASE_PORT:-29100}" # high ports, away from real services
work="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

start() { # start NAME CMD...: run a daemon in the background, log to $work
  local name="$1"; shift
  "$@" >"$work/$name.log" 2>&1 &
  pids+=("$!")
}

wait_for() { # wait_for URL: poll until the endpoint answers (max ~30 s)
  for _ in $(seq 1 60); do
    curl -fsk "$1" >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  echo "capture: $1 never answered" >&2
  return 1
}

version_of() { dpkg-query -W -f='${Version}' "$1"; }

write_names() { # write_names FILE PACKAGE URL...: sample names from expositions
  local file="$1" pkg="$2"; shift 2
  {
    echo "# Metric names captured by tests/inventory/capture.sh from Debian $pkg $(version_of "$pkg")."
    for url in "$@"; do curl -fsk "$url"; done | grep -v '^#' | sed -E 's/[{ ].*//' | grep -v '^$' | sort -u
  } >"$out/$file"
  echo "capture: wrote $out/$file ($(grep -vc '^#' "$out/$file") names)"
}

# node-exporter: default collectors, as the container runs them.
node_port=$((base + 0))
start node prometheus-node-exporter --web.listen-address="127.0.0.1:$node_port"
wait_for "http://127.0.0.1:$node_port/metrics"
write_names node-exporter.txt prometheus-node-exporter "http://127.0.0.1:$node_port/metrics"

# redis_exporter watching a throwaway redis with maxmemory set, as in the stack.
redis_port=$((base + 1)); redis_exp_port=$((base + 2))
start redis redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --maxmemory 64mb --dir "$work"
start redis-exporter prometheus-redis-exporter -redis.addr "redis://127.0.0.1:$redis_port" -web.listen-address "127.0.0.1:$redis_exp_port"
wait_for "http://127.0.0.1:$redis_exp_port/metrics"
sleep 1
write_names redis-exporter.txt prometheus-redis-exporter "http://127.0.0.1:$redis_exp_port/metrics"

# mysqld-exporter watching a throwaway MariaDB (the closest packaged server).
mysql_port=$((base + 3)); mysql_exp_port=$((base + 4))
mariadb-install-db --no-defaults --datadir="$work/mysql" --user="$(id -un)" --auth-root-authentication-method=normal >"$work/install-db.log" 2>&1
start mariadb mariadbd --no-defaults --datadir="$work/mysql" --socket="$work/mysql.sock" --port="$mysql_port" \
  --bind-address=127.0.0.1 --user="$(id -un)" --pid-file="$work/mysql.pid" --slow-query-log=ON
for _ in $(seq 1 60); do [ -S "$work/mysql.sock" ] && break; sleep 0.5; done
start mysqld-exporter env DATA_SOURCE_NAME="root@unix($work/mysql.sock)/" \
  prometheus-mysqld-exporter --web.listen-address="127.0.0.1:$mysql_exp_port"
wait_for "http://127.0.0.1:$mysql_exp_port/metrics"
write_names mysqld-exporter.txt prometheus-mysqld-exporter "http://127.0.0.1:$mysql_exp_port/metrics"

# blackbox_exporter probing a local TLS server, so the TLS metrics appear too.
tls_port=$((base + 5)); bb_port=$((base + 6))
openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj /CN=localhost \
  -keyout "$work/tls.key" -out "$work/tls.crt" >/dev/null 2>&1
start tls openssl s_server -quiet -www -accept "127.0.0.1:$tls_port" -cert "$work/tls.crt" -key "$work/tls.key"
cat >"$work/blackbox.yml" <<YAML
modules:
  http_2xx:
    prober: http
    http:
      preferred_ip_protocol: ip4
      tls_config:
        insecure_skip_verify: true
YAML
start blackbox prometheus-blackbox-exporter --config.file="$work/blackbox.yml" --web.listen-address="127.0.0.1:$bb_port"
wait_for "http://127.0.0.1:$bb_port/metrics"
write_names blackbox-exporter.txt prometheus-blackbox-exporter \
  "http://127.0.0.1:$bb_port/metrics" "http://127.0.0.1:$bb_port/probe?module=http_2xx&target=https://127.0.0.1:$tls_port/"

# Alertmanager's own metrics.
am_port=$((base + 7))
echo 'route: {receiver: "null"}
receivers: [{name: "null"}]' >"$work/alertmanager.yml"
start alertmanager prometheus-alertmanager --config.file="$work/alertmanager.yml" --storage.path="$work/am" \
  --web.listen-address="127.0.0.1:$am_port" --cluster.listen-address=
wait_for "http://127.0.0.1:$am_port/metrics"
write_names alertmanager.txt prometheus-alertmanager "http://127.0.0.1:$am_port/metrics"

# Prometheus scraping itself: its own metrics plus the series it synthesises
# for every target (up, scrape_*), read back through its API.
prom_port=$((base + 8))
cat >"$work/prometheus.yml" <<YAML
global: {scrape_interval: 1s, evaluation_interval: 1s}
rule_files: ["$work/rules.yml"]
scrape_configs:
  - job_name: prometheus
    static_configs: [{targets: ["127.0.0.1:$prom_port"]}]
YAML
# One rule group, so the per-group rule metrics exist too.
echo 'groups: [{name: capture, rules: [{record: "job:up:sum", expr: "sum by (job) (up)"}]}]' >"$work/rules.yml"
start prometheus prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/tsdb" \
  --web.listen-address="127.0.0.1:$prom_port"
wait_for "http://127.0.0.1:$prom_port/-/ready"
for _ in $(seq 1 60); do # until the first scrape and rule evaluation are stored
  curl -fs "http://127.0.0.1:$prom_port/api/v1/label/__name__/values" | grep -q '"up"' && break
  sleep 0.5
done
sleep 2
{
  echo "# Metric names captured by tests/inventory/capture.sh from Debian prometheus $(version_of prometheus) (own metrics and per-target series)."
  {
    curl -fs "http://127.0.0.1:$prom_port/metrics" | grep -v '^#' | sed -E 's/[{ ].*//'
    curl -fs "http://127.0.0.1:$prom_port/api/v1/label/__name__/values" | grep -o '"[a-zA-Z_:][a-zA-Z0-9_:]*"' | tr -d '"' | grep -vxE 'status|success|data|job:up:sum'
  } | grep -v '^$' | sort -u
} >"$out/prometheus.txt"
echo "capture: wrote $out/prometheus.txt ($(grep -vc '^#' "$out/prometheus.txt") names)"

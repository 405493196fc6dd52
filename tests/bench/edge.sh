#!/usr/bin/env bash
# Benchmark (not run by CI): HTTPS through the rendered edge versus straight
# to home versus HAProxy doing the same SNI routing with send-proxy, all on
# loopback in one run, with wrk. Prints req/s, p50, p99 and the ratios.
#
#   tests/bench/edge.sh [duration-seconds] [connections] [rounds]
#
# CONNECTION_CLOSE=1 makes every request a new TCP+TLS connection, which
# measures the relay's per-connection work (accept, SNI preread, upstream
# connect, PROXY header) instead of steady-state copying.
#
# On one machine a relay takes CPU from home, so "edge / direct" is always
# below 1; the yardstick is "edge / haproxy", which should be >= 1.
set -euo pipefail
cd "$(dirname "$0")/../.."

duration=${1:-8}
conns=${2:-32}
rounds=${3:-2}
wrk_extra=()
if [ "${CONNECTION_CLOSE:-}" = 1 ]; then
    wrk_extra=(-H "Connection: close")
fi
for tool in nginx haproxy wrk openssl go; do
    command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] || { echo "missing $tool" >&2; exit 1; }
done
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
haproxy_bin=$(command -v haproxy || echo /usr/sbin/haproxy)

work=$(mktemp -d)
chmod 755 "$work"
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 \
    -subj /CN=localhost -addext subjectAltName=DNS:localhost \
    -keyout "$work/home.key" -out "$work/home.crt" 2>/dev/null
eval "$(go run ./tests/bench/edgeconf -dir "$work")"

start_nginx() { # name
    local prefix="$work/$1"
    mkdir -p "$prefix"
    ln -s /usr/lib/nginx/modules "$prefix/modules" # Debian's prefix-relative load_module
    "$nginx_bin" -p "$prefix" -c "$work/$1.conf" -e "$prefix/error.log" -g "pid $prefix/nginx.pid; daemon off;" &
    pids+=($!)
}
start_nginx home
start_nginx edge
"$haproxy_bin" -db -f "$work/haproxy.cfg" >"$work/haproxy.log" 2>&1 &
pids+=($!)

for port in "$HOME_DIRECT" "$HOME_PROXIED" "$EDGE_TLS" "$HAPROXY_TLS"; do
    for _ in $(seq 100); do (echo >/dev/tcp/127.0.0.1/"$port") 2>/dev/null && break; sleep 0.1; done
done
# Sanity: each path answers, and the proxied ones carry the client address.
for port in "$HOME_DIRECT" "$EDGE_TLS" "$HAPROXY_TLS"; do
    curl -sSk --resolve "localhost:$port:127.0.0.1" "https://localhost:$port/" | grep -q "^ok 127.0.0.1" \
        || { echo "path on port $port does not answer" >&2; cat "$work"/*/error.log "$work/haproxy.log" >&2; exit 1; }
done

to_ms() { # wrk latency like 812.00us, 1.23ms, 1.01s
    awk -v v="$1" 'BEGIN {
        if (v ~ /us$/) { sub(/us$/, "", v); printf "%.3f", v / 1000 }
        else if (v ~ /ms$/) { sub(/ms$/, "", v); printf "%.3f", v }
        else if (v ~ /s$/) { sub(/s$/, "", v); printf "%.3f", v * 1000 } }'
}

declare -A rps p50 p99
measure() { # label port
    local out
    out=$(wrk -t1 -c"$conns" -d"${duration}s" --latency "${wrk_extra[@]}" "https://localhost:$2/")
    local r l50 l99
    r=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
    l50=$(to_ms "$(awk '$1 == "50%" {print $2}' <<<"$out")")
    l99=$(to_ms "$(awk '$1 == "99%" {print $2}' <<<"$out")")
    printf '  round %s %-8s %10.0f req/s  p50 %7.3f ms  p99 %7.3f ms\n' "$round" "$1" "$r" "$l50" "$l99"
    # Keep each target's best round: noise from other load only slows a run.
    if [ -z "${rps[$1]:-}" ] || awk -v a="$r" -v b="${rps[$1]}" 'BEGIN {exit !(a > b)}'; then
        rps[$1]=$r p50[$1]=$l50 p99[$1]=$l99
    fi
}

echo "wrk: 1 thread, $conns connections, ${duration}s per run, $rounds rounds, $(nproc) CPUs${wrk_extra:+, new connection per request}"
wrk -t1 -c"$conns" -d2s "https://localhost:$EDGE_TLS/" >/dev/null # warm-up
for round in $(seq "$rounds"); do
    # Rotate the order so no target always runs first or last.
    case $((round % 3)) in
        1) order="direct edge haproxy" ;;
        2) order="edge haproxy direct" ;;
        0) order="haproxy direct edge" ;;
    esac
    for target in $order; do
        case $target in
            direct) measure direct "$HOME_DIRECT" ;;
            edge) measure edge "$EDGE_TLS" ;;
            haproxy) measure haproxy "$HAPROXY_TLS" ;;
        esac
    done
done

echo
printf '%-8s %10s %10s %10s\n' target req/s p50_ms p99_ms
for target in edge direct haproxy; do
    printf '%-8s %10.0f %10.3f %10.3f\n' "$target" "${rps[$target]}" "${p50[$target]}" "${p99[$target]}"
done
awk -v e="${rps[edge]}" -v d="${rps[direct]}" -v h="${rps[haproxy]}" 'BEGIN {
    printf "\nedge / direct  = %.3f (relay cost on one machine)\n", e / d
    printf "edge / haproxy = %.3f (>= 1 means the rendered edge is at least as fast)\n", e / h }'

#!/bin/sh
# acme.sh — the ACME client of one home nginx (nginx_mon or the gateway), run
# in a certbot/certbot container (busybox sh, openssl, python3) or by the
# tests with Debian's certbot. docs/certificates.md describes the design.
#
#   acme.sh placeholder        write a self-signed certificate where nginx
#                              reads one, unless a certificate is there already
#   acme.sh once [CERTBOT…]    obtain or renew (when due) one SAN certificate
#                              for ACME_NAMES over HTTP-01 (webroot), deploy it
#                              behind an nginx -t gate, write the metrics;
#                              extra arguments go to certbot (--force-renewal)
#   acme.sh loop               placeholder, wait for nginx to answer a reload,
#                              then `once` every ACME_INTERVAL (sooner after
#                              a failure): the container's command
#
# Environment (defaults in brackets):
#   ACME_CERT_NAME       stable certbot --cert-name, deploy subdirectory and
#                        metric label (required)
#   ACME_NAMES           the DNS names, space separated, the first is the CN (required)
#   ACME_RELOAD_COMMAND  sh command that runs `nginx -t` and reloads nginx;
#                        non-zero means nginx refused the files (required for once)
#   ACME_DIRECTORY       RFC 8555 directory URL, or "production" / "staging"
#                        for Let's Encrypt [production]
#   ACME_EMAIL           account contact; empty registers without one
#   ACME_WEBROOT         served by nginx at /.well-known/acme-challenge/ [/var/www/acme]
#   ACME_CONFIG_DIR      certbot's state: account key, lineages; a retained
#                        volume [/var/lib/acme]
#   ACME_WORK_DIR, ACME_LOGS_DIR  [$ACME_CONFIG_DIR/work, $ACME_CONFIG_DIR/logs]
#   ACME_DEPLOY_DIR      what nginx mounts read-only; the pair nginx reads is
#                        $ACME_DEPLOY_DIR/$ACME_CERT_NAME/{fullchain,privkey}.pem
#                        [/etc/letsencrypt/live]
#   ACME_RENEW_BEFORE_DAYS  renew when this many days or fewer are left [30]
#   ACME_TEXTFILE_DIR    node-exporter textfile directory; empty writes no metrics
#   ACME_INTERVAL, ACME_RETRY_INTERVAL  loop periods in seconds [43200, 3600]
#   REQUESTS_CA_BUNDLE   CA bundle certbot trusts for a private ACME server
set -eu

log() { printf 'acme: %s\n' "$*" >&2; }
die() {
  log "$*"
  exit 1
}

: "${ACME_CERT_NAME:?set ACME_CERT_NAME (the stable certificate name)}"
: "${ACME_NAMES:?set ACME_NAMES (the DNS names, space separated)}"
name=$ACME_CERT_NAME
# Names end up in file names, certbot arguments and metric labels.
printf '%s\n' "$name" | grep -Eq '^[a-z0-9][a-z0-9._-]*$' || die "ACME_CERT_NAME $name: use a-z, 0-9, '.', '_', '-'"
for n in $ACME_NAMES; do
  printf '%s\n' "$n" | grep -Eq '^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$' || die "ACME_NAMES: $n is not a lower-case DNS name"
done

case "${ACME_DIRECTORY:-production}" in
production) directory=https://acme-v02.api.letsencrypt.org/directory ;;
staging) directory=https://acme-staging-v02.api.letsencrypt.org/directory ;;
*) directory=$ACME_DIRECTORY ;;
esac
webroot=${ACME_WEBROOT:-/var/www/acme}
config_dir=${ACME_CONFIG_DIR:-/var/lib/acme}
work_dir=${ACME_WORK_DIR:-$config_dir/work}
logs_dir=${ACME_LOGS_DIR:-$config_dir/logs}
deploy_dir=${ACME_DEPLOY_DIR:-/etc/letsencrypt/live}/$name
renew_days=${ACME_RENEW_BEFORE_DAYS:-30}
textfile_dir=${ACME_TEXTFILE_DIR:-}
lineage=$config_dir/live/$name

# placeholder lets nginx start (and serve the challenge on :80) before the
# first real certificate exists; `once` replaces it with a reload, so no
# container is ever stopped. It never touches an existing certificate.
placeholder() {
  [ ! -s "$deploy_dir/fullchain.pem" ] || return 0
  mkdir -p "$deploy_dir"
  sans=""
  for n in $ACME_NAMES; do sans="${sans:+$sans,}DNS:$n"; done
  # Checked above to be plain DNS names: splitting is intended.
  # shellcheck disable=SC2086
  set -- $ACME_NAMES
  tmp=$(mktemp -d "$deploy_dir/.placeholder.XXXXXX")
  # 30 days: long enough to cover a slow first issuance, short enough that a
  # placeholder nobody replaced shows up as an expiring certificate.
  if ! (umask 077 && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 \
    -subj "/CN=$1" -addext "subjectAltName=$sans" -keyout "$tmp/privkey.pem" -out "$tmp/fullchain.pem" 2>"$tmp/err"); then
    cat "$tmp/err" >&2
    rm -rf "$tmp"
    die "openssl could not create the placeholder certificate in $deploy_dir"
  fi
  chmod 644 "$tmp/fullchain.pem"
  # The key first: nginx must never find a certificate without its key.
  mv "$tmp/privkey.pem" "$deploy_dir/privkey.pem"
  mv "$tmp/fullchain.pem" "$deploy_dir/fullchain.pem"
  rm -rf "$tmp"
  log "wrote a self-signed placeholder for $ACME_NAMES to $deploy_dir"
}

# obtain asks certbot for the certificate. certonly with a fixed --cert-name
# covers the first issuance, renewal once due and a changed name list alike,
# so there is one code path; certbot itself decides whether anything is due.
obtain() {
  domains=""
  for n in $ACME_NAMES; do domains="${domains:+$domains,}$n"; done
  if [ -n "${ACME_EMAIL:-}" ]; then
    set -- --email "$ACME_EMAIL" --no-eff-email "$@"
  else
    set -- --register-unsafely-without-email "$@"
  fi
  if ! certbot certonly --non-interactive --agree-tos --keep-until-expiring \
    --webroot -w "$webroot" --cert-name "$name" -d "$domains" --server "$directory" \
    --config-dir "$config_dir" --work-dir "$work_dir" --logs-dir "$logs_dir" "$@"; then
    die "certbot could not obtain $name ($domains) from $directory; nginx keeps serving the certificate it has (details above and in $logs_dir/letsencrypt.log; behind the edge see docs/certificates.md)"
  fi
  # certbot reads the threshold from the lineage's renewal file, where it is
  # commented out by default (certbot's built-in default is also 30 days).
  renewal=$config_dir/renewal/$name.conf
  if grep -Eq '^#? *renew_before_expiry *=' "$renewal"; then
    sed -i -E "s/^#? *renew_before_expiry *=.*/renew_before_expiry = $renew_days days/" "$renewal"
  else
    printf 'renew_before_expiry = %s days\n' "$renew_days" >>"$renewal"
  fi
}

# deploy copies certbot's current pair to where nginx reads it, but keeps the
# previous pair until ACME_RELOAD_COMMAND (nginx -t, then reload) accepts the
# new one. It compares files rather than relying on certbot's --deploy-hook,
# so a deploy that failed is retried on the next run, and its failure fails
# this run.
deploy() {
  if cmp -s "$lineage/fullchain.pem" "$deploy_dir/fullchain.pem" && cmp -s "$lineage/privkey.pem" "$deploy_dir/privkey.pem"; then
    log "nginx already has the current certificate for $name"
    return 0
  fi
  mkdir -p "$deploy_dir"
  for f in fullchain privkey; do
    rm -f "$deploy_dir/$f.pem.prev"
    [ ! -e "$deploy_dir/$f.pem" ] || cp -p "$deploy_dir/$f.pem" "$deploy_dir/$f.pem.prev"
  done
  (umask 077 && cp "$lineage/privkey.pem" "$deploy_dir/privkey.pem.next")
  cp "$lineage/fullchain.pem" "$deploy_dir/fullchain.pem.next"
  chmod 644 "$deploy_dir/fullchain.pem.next"
  mv "$deploy_dir/privkey.pem.next" "$deploy_dir/privkey.pem"
  mv "$deploy_dir/fullchain.pem.next" "$deploy_dir/fullchain.pem"
  if ! sh -c "$ACME_RELOAD_COMMAND"; then
    for f in fullchain privkey; do
      if [ -e "$deploy_dir/$f.pem.prev" ]; then
        mv "$deploy_dir/$f.pem.prev" "$deploy_dir/$f.pem"
      else
        rm -f "$deploy_dir/$f.pem"
      fi
    done
    die "nginx refused the new certificate for $name; the previous certificate was put back and keeps serving"
  fi
  rm -f "$deploy_dir/fullchain.pem.prev" "$deploy_dir/privkey.pem.prev"
  log "deployed the certificate for $name to $deploy_dir and reloaded nginx"
}

# expiry prints the notAfter of a PEM certificate as a Unix timestamp;
# python's ssl parses openssl's date format the same on busybox and GNU.
expiry() {
  end=$(openssl x509 -noout -enddate -in "$1") || return 1
  python3 -c 'import ssl, sys; print(int(ssl.cert_time_to_seconds(sys.argv[1])))' "${end#notAfter=}"
}

# metrics writes the node-exporter textfile atomically (a temp file renamed
# in place; node-exporter ignores names not ending in .prom). The last
# success survives failed runs by being read back from the previous file.
metrics() {
  [ -n "$textfile_dir" ] || return 0
  file=$textfile_dir/acme_$name.prom
  label="name=\"$name\""
  if [ "$1" = 1 ]; then
    last=$(date +%s)
  else
    last=$(sed -n 's/^jiucom_acme_last_success_timestamp_seconds{[^}]*} //p' "$file" 2>/dev/null || true)
  fi
  mkdir -p "$textfile_dir"
  tmp=$(mktemp "$textfile_dir/.acme_$name.XXXXXX")
  {
    echo "# HELP jiucom_acme_last_run_status 1 if the last ACME run obtained or kept and deployed the certificate, 0 if it failed."
    echo "# TYPE jiucom_acme_last_run_status gauge"
    echo "jiucom_acme_last_run_status{$label} $1"
    echo "# HELP jiucom_acme_last_success_timestamp_seconds When an ACME run last succeeded (0: never)."
    echo "# TYPE jiucom_acme_last_success_timestamp_seconds gauge"
    echo "jiucom_acme_last_success_timestamp_seconds{$label} ${last:-0}"
    if [ -s "$deploy_dir/fullchain.pem" ] && exp=$(expiry "$deploy_dir/fullchain.pem"); then
      echo "# HELP jiucom_acme_certificate_expiry_timestamp_seconds notAfter of the certificate nginx reads."
      echo "# TYPE jiucom_acme_certificate_expiry_timestamp_seconds gauge"
      echo "jiucom_acme_certificate_expiry_timestamp_seconds{$label} $exp"
    fi
  } >"$tmp"
  chmod 644 "$tmp"
  mv "$tmp" "$file"
}

# Any failure of `once`, also an unexpected one under set -e, is recorded.
record_failure() {
  rc=$?
  [ "$rc" -eq 0 ] || metrics 0 || log "could not write the metrics to $textfile_dir"
  exit "$rc"
}

cmd=${1:-}
[ $# -eq 0 ] || shift
case "$cmd" in
placeholder) placeholder ;;
once)
  # Checked before ordering: a certificate that cannot be deployed is wasted.
  : "${ACME_RELOAD_COMMAND:?set ACME_RELOAD_COMMAND (nginx -t and reload)}"
  trap record_failure EXIT
  obtain "$@"
  deploy
  metrics 1
  ;;
loop)
  # The container's PID 1: sh ignores SIGTERM without a trap, and a trap
  # runs only once the foreground command ends, so the sleeps are waited
  # for in the background; `docker stop` then ends the loop at once.
  trap 'exit 143' TERM INT
  pause() {
    sleep "$1" &
    wait $!
  }
  placeholder
  # nginx starts only once the placeholder is there (the container's
  # healthcheck gates it), and a first run before it serves the webroot
  # would fail and wait a retry interval: wait until nginx answers a
  # reload, for a few minutes at most.
  tries=0
  until sh -c "${ACME_RELOAD_COMMAND:?set ACME_RELOAD_COMMAND (nginx -t and reload)}" >/dev/null 2>&1; do
    tries=$((tries + 1))
    if [ "$tries" -ge 12 ]; then
      log "nginx did not answer a reload; trying anyway"
      break
    fi
    pause 5
  done
  while :; do
    # Each pass is its own process, so set -e and the failure trap apply.
    if sh "$0" once; then
      pause "${ACME_INTERVAL:-43200}"
    else
      pause "${ACME_RETRY_INTERVAL:-3600}"
    fi
  done
  ;;
*) die "usage: acme.sh placeholder | once [certbot arguments] | loop" ;;
esac

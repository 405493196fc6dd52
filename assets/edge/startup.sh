#!/bin/sh
# GCE startup script of the edge VM. GCE runs it on every boot, so it is
# idempotent. It installs nginx with the stream module and nothing else: the
# nginx config arrives by the SSH push (push.sh), so changing a route never
# changes this script or the VM's metadata.
set -eu

marker=/var/lib/jiucom-edge/ready

export DEBIAN_FRONTEND=noninteractive
if ! dpkg -s nginx libnginx-mod-stream >/dev/null 2>&1; then
    apt-get update -q
    apt-get install -y -q --no-install-recommends nginx libnginx-mod-stream
fi

# The listen backlog in the rendered config is 4096; the kernel caps it at
# somaxconn. A relay opens one outbound port per client connection.
cat > /etc/sysctl.d/60-jiucom-edge.conf <<'SYSCTL'
net.core.somaxconn = 4096
net.ipv4.ip_local_port_range = 10240 65000
SYSCTL
sysctl -q --system

systemctl enable --now nginx

# Written last: the readiness check (ready.sh) waits for it before the first
# push.
mkdir -p "$(dirname "$marker")"
touch "$marker"

#!/usr/bin/env bash
# Installs what the tests need beyond the JDK and Maven, from Debian's packages: Prometheus and
# promtool (prometheus), InfluxDB 1.x (influxdb), node_exporter (prometheus-node-exporter) and the
# Pushgateway (prometheus-pushgateway). The tests start each server themselves on a free loopback
# port with their own data; the packages' own services are not used. Safe to run again: it
# installs only what is missing.
set -euo pipefail

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# command:package pairs
wanted=(
  promtool:prometheus
  prometheus:prometheus
  influxd:influxdb
  prometheus-node-exporter:prometheus-node-exporter
  prometheus-pushgateway:prometheus-pushgateway
)
missing=()
for pair in "${wanted[@]}"; do
  command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair##*:}")
done
if [ ${#missing[@]} -gt 0 ]; then
  packages=$(printf '%s\n' "${missing[@]}" | sort -u | tr '\n' ' ')
  echo "installing Debian packages: $packages"
  as_root apt-get -o DPkg::Lock::Timeout=600 update -qq
  # shellcheck disable=SC2086
  as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
    --no-install-recommends $packages >/dev/null
fi
# PostgreSQL (Debian's postgresql package): SqlOutageIT starts its own server with initdb and postgres.
if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  echo "installing PostgreSQL (Debian package postgresql)"
  as_root apt-get -o DPkg::Lock::Timeout=600 update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
    --no-install-recommends postgresql >/dev/null
fi
promtool --version 2>&1 | head -n 1

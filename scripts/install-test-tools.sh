#!/usr/bin/env bash
# Installs what the tests need beyond the JDK and Maven: promtool (Debian's prometheus package),
# which checks a real scrape of the demo. Safe to run again: it installs only what is missing.
set -euo pipefail

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

if ! command -v promtool >/dev/null 2>&1; then
  echo "installing promtool (Debian package prometheus)"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null
fi
# PostgreSQL (Debian's postgresql package): SqlOutageIT starts its own server with initdb and postgres.
if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  echo "installing PostgreSQL (Debian package postgresql)"
  as_root apt-get -o DPkg::Lock::Timeout=600 update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
    --no-install-recommends postgresql >/dev/null
fi
promtool --version 2>&1 | head -n 1

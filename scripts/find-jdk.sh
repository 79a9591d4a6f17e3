#!/usr/bin/env bash
# Prints the home of an installed JDK of the given feature version (e.g. 25), or fails.
# Looks where Debian and the Temurin packages install JDKs.
set -euo pipefail
want="$1"
for release in /usr/lib/jvm/*/release; do
  [ -f "$release" ] || continue
  if grep -qE "^JAVA_VERSION=\"${want}([.\"])" "$release"; then
    home=$(dirname "$release")
    if [ -x "$home/bin/javac" ]; then
      echo "$home"
      exit 0
    fi
  fi
done
exit 1

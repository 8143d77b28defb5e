#!/usr/bin/env bash
# Debian packages the test suite uses for real services: a PostgreSQL server
# (started by the test setup on localhost) and headless Chromium (report test).
# Installs only what is missing; needs root (CI runs as root). Without root, it
# says what is missing and the corresponding tests report themselves skipped
# locally, but fail under CI=true.
set -euo pipefail
need=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "ensure-system-packages: missing ${need[*]} and not root; install them with apt-get" >&2
  exit 0
fi
echo "ensure-system-packages: installing ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null

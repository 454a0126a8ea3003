#!/usr/bin/env bash
# Installs the system tools the tests use when a machine lacks them (Debian/Ubuntu).
set -euo pipefail

missing=()
command -v java >/dev/null 2>&1 || missing+=(openjdk-17-jre-headless)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)
command -v mariadbd >/dev/null 2>&1 || missing+=(mariadb-server)
# glewlwyd: the second OpenID Provider of packages/auth/test/security (its database is SQLite).
command -v glewlwyd >/dev/null 2>&1 || missing+=(glewlwyd)
command -v sqlite3 >/dev/null 2>&1 || missing+=(sqlite3)
# The end-to-end tests drive Debian's Chromium (Ubuntu's package is a snap wrapper:
# point CHROMIUM_PATH at a real binary there).
[[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]] || missing+=(chromium)

if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
    echo "sessionkit tests need: ${missing[*]} (install them, or set the backend URLs; see README)" >&2
    exit 1
  fi
  echo "› apt-get install ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# The conformance suites also run in containers (docker/containers.sh): Docker, and
# debootstrap to build the images where no registry answers. Optional: without them the
# container runs are reported as not possible and everything else runs.
if [[ "$(uname -s)" == Linux && $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1 &&
  [[ "${SESSIONKIT_CONTAINER_TESTS:-}" != "0" ]]; then
  optional=()
  command -v dockerd >/dev/null 2>&1 || optional+=(docker.io)
  command -v debootstrap >/dev/null 2>&1 || optional+=(debootstrap)
  command -v docker-compose >/dev/null 2>&1 || docker compose version >/dev/null 2>&1 || optional+=(docker-compose)
  if ((${#optional[@]})); then
    echo "› apt-get install ${optional[*]} (for the container runs)"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${optional[@]}"; } >/dev/null 2>&1 ||
      echo "› could not install ${optional[*]}: the container runs will say why they cannot run"
  fi
fi

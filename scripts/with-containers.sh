#!/usr/bin/env bash
# Runs a command with the container runs prepared as `npm test` prepares them (docker/containers.sh):
# Docker answering, the images built, SESSIONKIT_CONTAINER_TESTS and the image variables exported,
# and every container the command leaves behind removed at the end. Where Docker cannot run, one
# line says why and the command runs without them. `pnpm test:stress` runs through it.
set -euo pipefail
cd "$(dirname "$0")/.."
source docker/containers.sh
sessionkit_containers_traps
sessionkit_containers_prepare
status=0
"$@" || status=$?
exit "$status"

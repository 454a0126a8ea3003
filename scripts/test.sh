#!/usr/bin/env bash
# The one command that installs, builds and tests everything (README: `npm test`).
set -euo pipefail
cd "$(dirname "$0")/.."

# Each driver's conformance suite also runs in containers (docker/containers.sh) wherever
# Docker can run; SESSIONKIT_CONTAINER_TESTS=0 npm test leaves them out. A fresh 2-core machine
# with them: 634 s for the whole command, of which Docker and images 92 s beside the build.

source scripts/ensure-pnpm.sh

bash scripts/setup-system.sh

echo "› installing dependencies"
if [[ "${CI:-}" == "true" ]]; then pnpm install --frozen-lockfile; else pnpm install; fi

# Docker and the images are prepared beside the build and lint steps: building the images
# is mostly downloading Debian packages.
source docker/containers.sh
sessionkit_containers_traps
sessionkit_containers_start

echo "› building packages"
pnpm build

# Built here, not inside a test's setup, so the build does not compete with running suites.
echo "› building the demo app"
NEXT_TELEMETRY_DISABLED=1 node examples/nextjs-app/scripts/build-if-stale.mjs

echo "› lint and package checks"
pnpm lint
pnpm check:packages

sessionkit_containers_wait
container_args=()
if [[ "$SESSIONKIT_CONTAINER_TESTS" != "1" ]]; then
  container_args=(--exclude "**/containers.test.ts" --exclude "**/compose.test.ts")
fi

echo "› running tests"
rm -f .vitest-results.json .vitest-unhandled.json
status=0
pnpm exec vitest run --reporter=default --reporter=json --outputFile.json=.vitest-results.json \
  --reporter=./scripts/unhandled-errors-reporter.mjs "${container_args[@]}" "$@" || status=$?
sessionkit_containers_cleanup
if [[ "$SESSIONKIT_CONTAINER_TESTS" == "1" && -f .vitest-results.json ]]; then
  node docker/container-summary.mjs .vitest-results.json "$sessionkit_containers_seconds" || true
fi
# Failing tests and unhandled errors by name, last, just above the closing line.
node scripts/summarize-tests.mjs .vitest-results.json .vitest-unhandled.json || status=1
exit "$status"

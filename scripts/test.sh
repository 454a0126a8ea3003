#!/usr/bin/env bash
# The one command that installs, builds and tests everything (README: `npm test`).
set -euo pipefail
cd "$(dirname "$0")/.."

source scripts/ensure-pnpm.sh

bash scripts/setup-system.sh

echo "› installing dependencies"
if [[ "${CI:-}" == "true" ]]; then pnpm install --frozen-lockfile; else pnpm install; fi

echo "› building packages"
pnpm build

# Built here, not inside a test's setup, so the build does not compete with running suites.
echo "› building the demo app"
NEXT_TELEMETRY_DISABLED=1 node examples/nextjs-app/scripts/build-if-stale.mjs

echo "› lint and package checks"
pnpm lint
pnpm check:packages

echo "› running tests"
rm -f .vitest-results.json .vitest-unhandled.json
status=0
pnpm exec vitest run --reporter=default --reporter=json --outputFile.json=.vitest-results.json \
  --reporter=./scripts/unhandled-errors-reporter.mjs "$@" || status=$?
# Failing tests and unhandled errors by name, last, just above the closing line.
node scripts/summarize-tests.mjs .vitest-results.json .vitest-unhandled.json || status=1
exit "$status"

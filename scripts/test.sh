#!/usr/bin/env bash
# The one command that installs, builds and tests everything (README: `npm test`).
set -euo pipefail
cd "$(dirname "$0")/.."

PNPM_VERSION=10.34.8
if ! command -v pnpm >/dev/null 2>&1 || [[ "$(pnpm --version)" != "$PNPM_VERSION" ]]; then
  echo "› installing pnpm@$PNPM_VERSION"
  if ! npm install --global --no-fund --no-audit "pnpm@$PNPM_VERSION" >/dev/null 2>&1; then
    # No write access to npm's global prefix (not root): install it inside the checkout.
    npm install --prefix .tools --no-fund --no-audit --no-save "pnpm@$PNPM_VERSION" >/dev/null
    export PATH="$PWD/.tools/node_modules/.bin:$PATH"
  fi
fi

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
rm -f .vitest-results.json
status=0
pnpm exec vitest run --reporter=default --reporter=json --outputFile.json=.vitest-results.json "$@" || status=$?
node scripts/summarize-tests.mjs .vitest-results.json || status=1
exit "$status"

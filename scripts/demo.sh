#!/usr/bin/env bash
# The demo in one command (README: `npm start`): installs, builds the packages and
# the demo app, then starts a local OpenID Provider and the app together. Ctrl-C
# stops both (and the session store's server, if one was started).
#   SESSION_STORE=cookie|redis|prisma|dynamodb   (default cookie: nothing to run)
#   PORT=3000  PROVIDER_PORT=4400
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1

source scripts/ensure-pnpm.sh

echo "› installing dependencies"
pnpm install --prefer-offline

echo "› building the packages"
pnpm build

node examples/nextjs-app/scripts/build-if-stale.mjs

# The launcher owns the provider, the store and `next start`; on Ctrl-C or a
# TERM it stops them all before exiting.
node examples/nextjs-app/scripts/serve.mjs &
launcher=$!
trap 'kill -TERM "$launcher" 2>/dev/null || true; wait "$launcher" 2>/dev/null || true; exit 0' INT TERM
wait "$launcher"

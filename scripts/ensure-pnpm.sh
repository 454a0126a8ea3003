# Sourced by test.sh and demo.sh (from the repository root): puts the pnpm that
# package.json's `packageManager` names on PATH, installing it when missing.
PNPM_VERSION=$(node -p 'require("./package.json").packageManager.split("@")[1]')

pnpm_ready() {
  command -v pnpm >/dev/null 2>&1 && [[ "$(pnpm --version 2>/dev/null)" == "$PNPM_VERSION" ]]
}

# An earlier run may have installed it inside the checkout.
export PATH="$PWD/.tools/node_modules/.bin:$PATH"
if ! pnpm_ready; then
  echo "› installing pnpm@$PNPM_VERSION"
  npm install --global --no-fund --no-audit "pnpm@$PNPM_VERSION" >/dev/null 2>&1 || true
  hash -r
  if ! pnpm_ready; then
    # No write access to npm's global prefix (not root), or another pnpm first on PATH.
    npm install --prefix .tools --no-fund --no-audit --no-save "pnpm@$PNPM_VERSION" >/dev/null || true
    hash -r
  fi
  if ! pnpm_ready; then
    echo "could not install pnpm@$PNPM_VERSION with npm; install it (npm install -g pnpm@$PNPM_VERSION) and run again" >&2
    exit 1
  fi
fi

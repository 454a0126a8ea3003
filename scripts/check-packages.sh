#!/usr/bin/env bash
# publint and arethetypeswrong on every published package (run after `pnpm build`).
set -euo pipefail
cd "$(dirname "$0")/.."
for dir in packages/*/; do
  [[ -f "$dir/package.json" ]] || continue
  echo "› $dir"
  pnpm exec publint --strict "$dir"
  # ESM-only packages: the CommonJS resolution modes are expected to fail.
  pnpm exec attw --pack "$dir" --profile esm-only --format table-flipped
done

#!/usr/bin/env bash
# gateway/dashboard/vendor/chart.umd.js must be byte for byte the file of the
# chart.js package pinned in gateway/dashboard/package-lock.json: `npm ci`
# (which checks the tarball against the lock file's sha512 integrity)
# installs the pin into the build tree, and the two files are compared.
# Usage: chartjs_matches_pin.sh SOURCE_DIR TOOL_DIR
set -euo pipefail
src=$1
tool_dir=$2
pin=$src/gateway/dashboard

mkdir -p "$tool_dir"
if ! cmp -s "$pin/package-lock.json" "$tool_dir/package-lock.json" ||
   [[ ! -f "$tool_dir/node_modules/chart.js/dist/chart.umd.js" ]]; then
  cp "$pin/package.json" "$pin/package-lock.json" "$tool_dir/"
  (cd "$tool_dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi
version=$(node -p "require('$tool_dir/node_modules/chart.js/package.json').version")
echo "chart.js $version from the lock file"
if ! cmp "$tool_dir/node_modules/chart.js/dist/chart.umd.js" \
     "$pin/vendor/chart.umd.js"; then
  echo "gateway/dashboard/vendor/chart.umd.js is not chart.js $version's" \
       "dist/chart.umd.js: copy it from node_modules after changing the pin" >&2
  exit 1
fi
sha256sum "$pin/vendor/chart.umd.js"

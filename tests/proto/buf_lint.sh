#!/usr/bin/env bash
# buf lint on protos/, with the buf CLI pinned in tools/buf/package-lock.json
# and installed (npm ci) into the build tree on first use.
# Usage: buf_lint.sh SOURCE_DIR TOOL_DIR
set -euo pipefail
src=$1
tool_dir=$2

mkdir -p "$tool_dir"
# Reinstall only when the pin changed (or on the first run).
if ! cmp -s "$src/tools/buf/package-lock.json" "$tool_dir/package-lock.json" ||
   [[ ! -x "$tool_dir/node_modules/.bin/buf" ]]; then
  cp "$src/tools/buf/package.json" "$src/tools/buf/package-lock.json" "$tool_dir/"
  (cd "$tool_dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi
cd "$src/protos"
"$tool_dir/node_modules/.bin/buf" --version
exec "$tool_dir/node_modules/.bin/buf" lint

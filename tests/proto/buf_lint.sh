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
# The protos import googleapis' google/api from Debian's copy: lint a copy
# of protos/ with it beside (buf.yaml ignores google/, not ours to restyle).
googleapis=/usr/share/gocode/src/github.com/gogo/googleapis
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$src/protos/." "$work/"
mkdir -p "$work/google"
cp -r "$googleapis/google/api" "$googleapis/google/rpc" "$work/google/"
find "$work/google" -type f ! -name '*.proto' -delete
cd "$work"
"$tool_dir/node_modules/.bin/buf" --version
"$tool_dir/node_modules/.bin/buf" lint

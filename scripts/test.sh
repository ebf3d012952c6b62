#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test through ctest.
# Arguments go to cmake, e.g. a sanitizer build:
#   bash scripts/test.sh -DEVTRADE_SANITIZE=address,undefined
# Exit code: ctest's.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install_deps.sh
bash scripts/build.sh "$@"

# Sanitizers (when built in): stop at the first report, with a stack.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# ctest ends with its summary (passed/failed counts, failed tests by name).
set +e
ctest --test-dir build --output-on-failure -j 2
status=$?
set -e
exit "$status"

#!/usr/bin/env bash
# Configures and builds evtrade into build/ (Ninja, RelWithDebInfo).
# Extra arguments go to cmake's configure step, e.g.
#   bash scripts/build.sh -DEVTRADE_SANITIZE=address,undefined
# Without -DEVTRADE_SANITIZE=... the build is an ordinary one (the option is
# reset, so an earlier sanitizer build does not stick).
set -euo pipefail
cd "$(dirname "$0")/.."

args=(-DCMAKE_BUILD_TYPE=RelWithDebInfo)
if [[ " $* " != *" -DEVTRADE_SANITIZE="* ]]; then
  args+=(-DEVTRADE_SANITIZE=)
fi
cmake -S . -B build -G Ninja "${args[@]}" "$@" >/dev/null
# Two jobs: the machines this runs on have two cores.
cmake --build build -j "${EVTRADE_BUILD_JOBS:-2}"

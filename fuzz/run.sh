#!/usr/bin/env bash
# Builds the libFuzzer harnesses with clang in a build tree of their own and
# fuzzes each over its seed corpus for a bounded time. Exit 1 on any crash,
# sanitizer report, leak, timeout or out-of-memory: the input that did it is
# kept in the work directory, and its path printed.
#
#   fuzz/run.sh [--build-dir DIR] [--seconds N] [--work-dir DIR] [NAME...]
#
# Defaults: build/fuzz, 10 seconds each, a fresh temporary work directory
# (new inputs go there, never into fuzz/corpus; removed unless something
# was found), every harness. A long run:
#   nice fuzz/run.sh --seconds 300 --work-dir /tmp/fuzz-long
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=$src/build/fuzz
seconds=10
work=
names=()
while (($#)); do
  case $1 in
    --build-dir) build=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --work-dir) work=$2; shift 2 ;;
    -*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
    *) names+=("$1"); shift ;;
  esac
done
if ((${#names[@]} == 0)); then
  for dir in "$src"/fuzz/corpus/*/; do names+=("$(basename "$dir")"); done
fi
temporary=
if [[ -z $work ]]; then
  work=$(mktemp -d /tmp/evtrade-fuzz.XXXXXX)
  temporary=1
fi
mkdir -p "$work"

start=$SECONDS
CC=clang CXX=clang++ cmake -S "$src" -B "$build" -G Ninja \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DEVTRADE_FUZZ=ON -DBUILD_TESTING=OFF \
  >"$work/configure.log" || { cat "$work/configure.log"; exit 1; }
cmake --build "$build" -j2 --target fuzzers >"$work/build.log" 2>&1 ||
  { tail -50 "$work/build.log"; exit 1; }
echo "fuzz: built in $((SECONDS - start)) s"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
failed=0
for name in "${names[@]}"; do
  mkdir -p "$work/$name/new" "$work/$name/artifacts"
  log=$work/$name/fuzz.log
  run_start=$SECONDS
  if "$build/bin/${name}_fuzzer" -max_total_time="$seconds" \
      -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
      -artifact_prefix="$work/$name/artifacts/" \
      "$work/$name/new" "$src/fuzz/corpus/$name" >"$log" 2>&1; then
    # libFuzzer's last status line: "#N DONE cov: C ft: F corp: ..."
    # and its final stats (executions, peak RSS).
    echo "fuzz: $name ok in $((SECONDS - run_start)) s:" \
      "$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -1)"
  else
    failed=1
    echo "fuzz: $name FAILED; log $log, inputs in $work/$name/artifacts:"
    ls "$work/$name/artifacts"
    grep -E -A30 'ERROR|FUZZ_CHECK|runtime error' "$log" | head -60
  fi
done
# A temporary work directory is kept only when it holds a finding.
if ((failed == 0)) && [[ -n $temporary ]]; then
  rm -rf "$work"
fi
exit $failed

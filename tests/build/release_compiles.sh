#!/usr/bin/env bash
# Configures a Release build of the source tree $1 in $2 and compiles a
# representative set of objects (see tests/build/CMakeLists.txt).
set -euo pipefail
src=$1
out=$2
cmake -S "$src" -B "$out" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DEVTRADE_SANITIZE= >/dev/null
objects=(
  tests/CMakeFiles/ingest_service_test.dir/ingest/ingest_service_test.cc.o
  tests/CMakeFiles/gateway_report_test.dir/gateway/gateway_report_test.cc.o
  ingest_service/CMakeFiles/ingest_service_lib.dir/ingest_service.cc.o
  gateway/CMakeFiles/gateway_lib.dir/http_gateway.cc.o
  gateway/CMakeFiles/gateway_lib.dir/http_server.cc.o
)
# Ninja's own paths: a renamed target fails loudly here rather than
# silently compiling nothing.
cmake --build "$out" -j2 --target "${objects[@]}"
echo "Release compiles: ${#objects[@]} objects at -O3 under -Werror"

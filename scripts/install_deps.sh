#!/usr/bin/env bash
# Installs the Debian (bookworm) packages evtrade needs to build, test and
# run -- only those that are missing, quietly. The one list of system
# dependencies: the container image (Dockerfile) runs this script too.
# npm packages (the buf CLI for the proto lint test, the Node client,
# playwright-core for the dashboard's browser test, the pinned Chart.js the
# dashboard check compares) are installed from their package-lock.json
# files by the tests that use them.
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build pkg-config
  # gRPC and protobuf (libs, protoc and the C++ gRPC plugin)
  libgrpc++-dev protobuf-compiler-grpc protobuf-compiler libprotobuf-dev
  # googleapis' .proto files (google/rpc: error details; google/api: the
  # HTTP annotations), under /usr/share/gocode/src/github.com/gogo/googleapis
  golang-github-gogo-googleapis-dev
  libabsl-dev zlib1g-dev
  # Comtrade API JSON (header-only; its SAX parser keeps numbers exact)
  nlohmann-json3-dev
  # TLS: OpenSSL for certificate checks, the HTTPS listener and evtrade
  # fetch's https (and SHA-256 request ids); the openssl CLI makes the
  # tests' certificates
  libssl-dev openssl
  # store
  libsqlitecpp-dev libsqlite3-dev sqlite3
  # PostgreSQL store: libpq to talk to it; the server (initdb, pg_ctl,
  # pg_basebackup) for the tests and a local run
  libpq-dev postgresql
  # server plumbing, HTTP, logging
  prometheus-cpp-dev libcpp-httplib-dev libspdlog-dev
  # the gateway's HTTP server: Boost.Beast on Boost.Asio (header-only).
  # Event-driven, so a slow or idle connection costs a socket and a buffer,
  # not a thread, and every phase has a deadline for the whole phase
  # (cpp-httplib, still used as an HTTP client, has a thread per connection
  # and per-recv timeouts only: eight trickling clients took /healthz down)
  libboost-dev
  # tests
  libgtest-dev libgmock-dev
  # fuzzing (fuzz/run.sh, test fuzz.short_runs): clang with libFuzzer and
  # the sanitizer runtimes
  clang libclang-rt-14-dev
  # buf lint (npm package @bufbuild/buf) and the Node client; npm needs
  # certificates to reach the registry
  nodejs npm ca-certificates
  # Python client and its tests (Debian's /usr/bin/python3, not a pyenv one)
  python3 python3-grpcio python3-protobuf
  # Kubernetes manifest test: renders overlays, parses YAML
  kubernetes-client python3-yaml
  # the dashboard's browser test (tests/browser/): playwright-core drives it
  chromium
)

# A package counts as present if dpkg has it or, for these, if the command
# exists: NodeSource's nodejs bundles npm (it "Provides: npm"), and
# installing Debian's npm next to it would conflict; a kubectl from another
# source would conflict with Debian's kubernetes-client likewise.
declare -A provided_by_command=([nodejs]=node [npm]=npm [python3]=python3
  [kubernetes-client]=kubectl)

missing=()
for pkg in "${packages[@]}"; do
  if dpkg -s "$pkg" >/dev/null 2>&1; then continue; fi
  cmd=${provided_by_command[$pkg]:-}
  if [[ -n "$cmd" ]] && command -v "$cmd" >/dev/null 2>&1; then continue; fi
  missing+=("$pkg")
done

if ((${#missing[@]} == 0)); then
  exit 0
fi

sudo=()
if ((EUID != 0)); then
  sudo=(sudo)
fi
echo "install_deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq >/dev/null
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

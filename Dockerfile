# One image with every evtrade binary in /usr/local/bin: ingest_service,
# query_service, gateway and the evtrade CLI. Each Kubernetes Deployment picks
# its binary with `command:` (k8s/base/*.yaml); flags come from EVTRADE_<FLAG>
# environment variables.
#
#   docker build -t evtrade:dev .
#   docker run --rm evtrade:dev gateway --help
#
# Both stages are Debian bookworm, so the runtime libraries are the very
# versions the builder linked against.

# ---- build ------------------------------------------------------------------
FROM debian:bookworm AS build
WORKDIR /src
# The project's one list of build packages. Copied alone first so that this
# layer is rebuilt only when the list changes, not on every source edit (so
# the script must need no other file of the repo).
COPY scripts/install_deps.sh scripts/install_deps.sh
RUN bash scripts/install_deps.sh && rm -rf /var/lib/apt/lists/*
COPY . .
RUN cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DBUILD_TESTING=OFF \
 && cmake --build build \
      --target ingest_service query_service gateway evtrade \
 && strip build/bin/ingest_service build/bin/query_service build/bin/gateway \
      build/bin/evtrade

# ---- runtime ----------------------------------------------------------------
FROM debian:bookworm-slim
# Only the shared libraries the binaries load (the -dev packages' runtime
# halves): gRPC (+ reflection, channelz), protobuf, Abseil, SQLite (SQLiteCpp
# itself is linked statically), libpq (the PostgreSQL store), spdlog + fmt,
# prometheus-cpp core + pull (which bring civetweb), cpp-httplib (brings
# OpenSSL, brotli), zlib.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libgrpc++1.51 libgrpc29 libprotobuf32 libabsl20220623 \
      libsqlite3-0 libpq5 libspdlog1.10 libfmt9 \
      libprometheus-cpp-core1.0 libprometheus-cpp-pull1.0 \
      libcpp-httplib0.11 zlib1g \
 && rm -rf /var/lib/apt/lists/*
# A fixed numeric uid/gid, so that runAsNonRoot can verify it and fsGroup in
# the manifests matches.
RUN groupadd --system --gid 65532 evtrade \
 && useradd --system --uid 65532 --gid 65532 --no-create-home \
      --home-dir /nonexistent --shell /usr/sbin/nologin evtrade \
 && install -d -o 65532 -g 65532 -m 0750 /var/lib/evtrade
COPY --from=build /src/build/bin/ingest_service /src/build/bin/query_service \
     /src/build/bin/gateway /src/build/bin/evtrade /usr/local/bin/
# Fail the image build, not the pod start, if a runtime library is missing.
RUN set -e; for b in /usr/local/bin/ingest_service /usr/local/bin/query_service \
      /usr/local/bin/gateway /usr/local/bin/evtrade; do \
      if ldd "$b" | grep 'not found'; then echo "$b: missing libraries"; \
      exit 1; fi; done
USER 65532:65532
WORKDIR /var/lib/evtrade
# gateway gRPC + HTTP, ingest gRPC + metrics, query gRPC + metrics.
EXPOSE 50050 8080 50051 9091 50052 9092
# No ENTRYPOINT: the Deployment (or `docker run IMAGE <binary>`) chooses.
CMD ["evtrade", "--help"]

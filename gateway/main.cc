// gateway: the entry point for reading clients (evtrade.v1.GatewayService,
// QueryService forwarding, HTTP/JSON). It never touches the store.
// Flags (each also settable as EVTRADE_<FLAG>) -> config -> server.
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/server/env_flags.h"
#include "common/server/logging.h"
#include "common/server/metrics.h"
#include "common/server/server_runner.h"
#include "common/server/service_main.h"
#include "common/util/host_port.h"
#include "gateway/gateway_service.h"
#include "gateway/http_api.h"
#include "gateway/http_gateway.h"
#include "gateway/market_reports.h"
#include "gateway/query_client.h"
#include "spdlog/spdlog.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:50050",
          "gRPC listen address, host:port (port 0 picks a free port)");
ABSL_FLAG(std::string, query_addr, "127.0.0.1:50052",
          "query service target: host:port or a gRPC URI such as "
          "dns:///query-headless:50052");
ABSL_FLAG(std::string, http_listen, "127.0.0.1:8080",
          "HTTP/JSON, dashboard and /metrics listen address, host:port");
ABSL_FLAG(std::string, http_cors_origin, "",
          "origin allowed to call the HTTP API from a browser (CORS), e.g. "
          "https://example.org, or * for any; empty = CORS off");
ABSL_FLAG(int, report_cache_size, 1000,
          "market reports kept in memory (LRU, per data_version); 0 = none");
ABSL_FLAG(double, query_timeout_seconds, 5,
          "cap on each call to the query service (also bounded by the "
          "caller's deadline)");
ABSL_FLAG(double, http_timeout_seconds, 10,
          "deadline of the backend work behind one HTTP request");
// The HTTP listener's threads, deadlines and limits; the defaults are
// HttpServerConfig's (gateway/http_server.h).
ABSL_FLAG(int, http_io_threads, evtrade::gateway::HttpServerConfig{}.io_threads,
          "HTTP event-loop threads (they read and write every connection)");
ABSL_FLAG(int, http_worker_threads,
          evtrade::gateway::HttpServerConfig{}.worker_threads,
          "HTTP worker threads (each runs one request's backend work)");
ABSL_FLAG(int, http_max_connections,
          evtrade::gateway::HttpServerConfig{}.max_connections,
          "open HTTP connections at most; further ones are closed at once");
ABSL_FLAG(int, http_max_queued_requests,
          evtrade::gateway::HttpServerConfig{}.max_queued_requests,
          "HTTP requests waiting for a worker at most; further ones get 503");
ABSL_FLAG(
    double, http_header_timeout_seconds,
    absl::ToDoubleSeconds(evtrade::gateway::HttpServerConfig{}.header_timeout),
    "time for the TLS handshake and a whole HTTP request head (408 "
    "after it)");
ABSL_FLAG(
    double, http_body_timeout_seconds,
    absl::ToDoubleSeconds(evtrade::gateway::HttpServerConfig{}.body_timeout),
    "time for a whole HTTP request body (408 after it), and for "
    "writing a response");
ABSL_FLAG(
    double, http_idle_timeout_seconds,
    absl::ToDoubleSeconds(evtrade::gateway::HttpServerConfig{}.idle_timeout),
    "an idle keep-alive HTTP connection is closed after it");
ABSL_FLAG(int64_t, http_max_header_bytes,
          evtrade::gateway::HttpServerConfig{}.max_header_bytes,
          "HTTP request line and headers at most (431 over it)");
ABSL_FLAG(int64_t, http_max_body_bytes,
          evtrade::gateway::HttpServerConfig{}.max_body_bytes,
          "HTTP request body at most (413 over it)");
ABSL_FLAG(std::string, log_level, "info",
          "trace, debug, info, warn, error or off");
ABSL_FLAG(std::string, tls_cert_file, "",
          "PEM certificate (chain) of this server: serve TLS with it, and "
          "present it as the client certificate on outbound calls");
ABSL_FLAG(std::string, tls_key_file, "", "PEM private key of --tls_cert_file");
ABSL_FLAG(std::string, tls_ca_file, "",
          "PEM CA certificate(s) that verify peers: clients must present a "
          "certificate it signed (mTLS), and servers called must too");
ABSL_FLAG(double, drain_seconds, 1,
          "on SIGTERM: seconds between NOT_SERVING and shutdown");

namespace {

constexpr char kProgram[] = "gateway";

struct GatewayMainConfig {
  evtrade::ServiceMainConfig base;
  evtrade::gateway::QueryClientConfig query;
  evtrade::gateway::MarketReportsConfig reports;
  evtrade::gateway::HttpGatewayConfig http;
  evtrade::gateway::HttpApiConfig http_api;
  evtrade::HostPort http_listen;  // http.listen_address, parsed
};

// A positive count from a flag; exits with a usage error else.
template <typename Int>
Int PositiveCount(absl::string_view flag, Int value) {
  if (value < 1) {
    evtrade::ExitWithUsageError(
        kProgram, absl::InvalidArgumentError(
                      absl::StrCat("--", flag, ": must be >= 1, got ", value)));
  }
  return value;
}

// A positive number of seconds from a flag; exits with a usage error else.
absl::Duration PositiveSeconds(absl::string_view flag, double seconds) {
  if (!(seconds > 0) || seconds > 3600) {
    evtrade::ExitWithUsageError(
        kProgram,
        absl::InvalidArgumentError(absl::StrCat(
            "--", flag, ": must be in (0, 3600] seconds, got ", seconds)));
  }
  return absl::Seconds(seconds);
}

GatewayMainConfig ConfigFromFlags() {
  // No exposer: the gateway serves /metrics on its HTTP port
  // (Metrics::RenderText()).
  absl::StatusOr<evtrade::ServiceMainConfig> base =
      evtrade::MakeServiceMainConfig(
          kProgram, {.listen = absl::GetFlag(FLAGS_listen),
                     .metrics_listen = "",
                     .log_level = absl::GetFlag(FLAGS_log_level),
                     .drain_seconds = absl::GetFlag(FLAGS_drain_seconds),
                     .tls = {.cert_file = absl::GetFlag(FLAGS_tls_cert_file),
                             .key_file = absl::GetFlag(FLAGS_tls_key_file),
                             .ca_file = absl::GetFlag(FLAGS_tls_ca_file)}});
  if (!base.ok()) evtrade::ExitWithUsageError(kProgram, base.status());
  GatewayMainConfig config;
  config.base = *std::move(base);
  // One identity and CA for every listener and channel of the process.
  config.query.tls = config.base.server.tls;
  config.http.tls = config.base.server.tls;
  config.query.target = absl::GetFlag(FLAGS_query_addr);
  if (absl::Status s =
          evtrade::ValidateTarget("query_addr", config.query.target);
      !s.ok()) {
    evtrade::ExitWithUsageError(kProgram, s);
  }
  config.query.per_call_cap = PositiveSeconds(
      "query_timeout_seconds", absl::GetFlag(FLAGS_query_timeout_seconds));

  const int cache_size = absl::GetFlag(FLAGS_report_cache_size);
  if (cache_size < 0) {
    evtrade::ExitWithUsageError(
        kProgram, absl::InvalidArgumentError(absl::StrCat(
                      "--report_cache_size: must be >= 0, got ", cache_size)));
  }
  config.reports.cache_capacity = static_cast<size_t>(cache_size);

  config.http.listen_address = absl::GetFlag(FLAGS_http_listen);
  absl::StatusOr<evtrade::HostPort> http_listen =
      evtrade::ParseHostPort(config.http.listen_address);
  if (!http_listen.ok()) {
    evtrade::ExitWithUsageError(
        kProgram, absl::InvalidArgumentError(absl::StrCat(
                      "--http_listen: ", http_listen.status().message())));
  }
  config.http_listen = *std::move(http_listen);
  config.http_api.request_timeout = PositiveSeconds(
      "http_timeout_seconds", absl::GetFlag(FLAGS_http_timeout_seconds));
  config.http_api.cors_origin = absl::GetFlag(FLAGS_http_cors_origin);
  for (const char c : config.http_api.cors_origin) {
    // It becomes a header value: no spaces or control characters.
    if (static_cast<unsigned char>(c) <= ' ') {
      evtrade::ExitWithUsageError(
          kProgram,
          absl::InvalidArgumentError("--http_cors_origin: an origin such as "
                                     "https://example.org, or *; no spaces"));
    }
  }
  config.http.io_threads =
      PositiveCount("http_io_threads", absl::GetFlag(FLAGS_http_io_threads));
  config.http.worker_threads = PositiveCount(
      "http_worker_threads", absl::GetFlag(FLAGS_http_worker_threads));
  config.http.max_connections = PositiveCount(
      "http_max_connections", absl::GetFlag(FLAGS_http_max_connections));
  config.http.max_queued_requests =
      PositiveCount("http_max_queued_requests",
                    absl::GetFlag(FLAGS_http_max_queued_requests));
  config.http.header_timeout =
      PositiveSeconds("http_header_timeout_seconds",
                      absl::GetFlag(FLAGS_http_header_timeout_seconds));
  config.http.body_timeout =
      PositiveSeconds("http_body_timeout_seconds",
                      absl::GetFlag(FLAGS_http_body_timeout_seconds));
  config.http.idle_timeout =
      PositiveSeconds("http_idle_timeout_seconds",
                      absl::GetFlag(FLAGS_http_idle_timeout_seconds));
  config.http.max_header_bytes = PositiveCount(
      "http_max_header_bytes", absl::GetFlag(FLAGS_http_max_header_bytes));
  config.http.max_body_bytes = PositiveCount(
      "http_max_body_bytes", absl::GetFlag(FLAGS_http_max_body_bytes));
  return config;
}

}  // namespace

int main(int argc, char* argv[]) {
  absl::SetProgramUsageMessage(
      "evtrade gateway (evtrade.v1.GatewayService + QueryService forwarding, "
      "HTTP/JSON); every flag can also be set as EVTRADE_<FLAG IN UPPER CASE>");
  evtrade::ParseFlagsWithEnv(argc, argv);
  const GatewayMainConfig config = ConfigFromFlags();

  std::unique_ptr<evtrade::Metrics> metrics =
      evtrade::StartServiceProcess(kProgram, config.base);

  // One channel to the query backend for the life of the process; every
  // component below shares it.
  evtrade::gateway::QueryClient query_client(config.query, metrics.get());
  // The report cache's counters are served on /metrics with the rest.
  evtrade::gateway::MarketReportsConfig reports_config = config.reports;
  reports_config.registry = metrics->registry();
  evtrade::gateway::MarketReports reports(&query_client, reports_config);
  evtrade::gateway::GatewayServiceImpl gateway_service(&reports);
  evtrade::gateway::QueryForwarder query_forwarder(&query_client);
  std::vector<evtrade::ServiceRegistration> services = {
      {&gateway_service, evtrade::v1::GatewayService::service_full_name()},
      {&query_forwarder, evtrade::v1::QueryService::service_full_name()},
  };

  const evtrade::gateway::HttpApi http_api(config.http_api, &reports,
                                           &query_client, metrics.get());
  evtrade::gateway::HttpGateway http(
      config.http, [&http_api](const evtrade::gateway::HttpRequest& request) {
        return http_api.Handle(request);
      });
  if (absl::Status s = http.Start(); !s.ok()) {
    spdlog::error("HTTP listener: {}", std::string(s.message()));
    return 1;
  }
  spdlog::info("serving HTTP/JSON, dashboard and /metrics on {}://{}/",
               config.http.tls.has_identity() ? "https" : "http",
               config.http_listen.WithPort(http.port()).ToString());
  spdlog::info("query service at {}", config.query.target);

  absl::Status status = evtrade::RunServerUntilSignal(config.base.server,
                                                      services, metrics.get());
  // gRPC has drained and stopped; HTTP requests in progress finish now.
  http.Stop();
  if (!status.ok()) {
    spdlog::error("{}", std::string(status.message()));
    return 1;
  }
  return 0;
}

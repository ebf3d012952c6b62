// The gateway's HTTP/JSON face (cpp-httplib): the same reports and queries
// as the gRPC API in protobuf's JSON mapping, /healthz, /metrics and a
// dashboard page at /.
//
//   GET /v1/reports/{reporter}/{yyyy-mm}  MarketReport (query parameters:
//                                         powertrain, flow, top_partners)
//   GET /v1/series      GetSeriesResponse            (GetSeriesRequest fields)
//   GET /v1/partners    GetPartnerBreakdownResponse  (its request's fields)
//   GET /v1/ranking     GetExporterRankingResponse   (its request's fields)
//   GET /v1/mix         GetPowertrainMixResponse     (its request's fields)
//   GET /v1/manufacturers GetManufacturerBreakdownResponse
//   GET /healthz        200 when the query backend reports SERVING, else 503
//   GET /metrics        Prometheus text of the shared registry
//   GET /               the dashboard
//
// Query parameters are named as the request fields; enums by name, with or
// without prefix (powertrain=ELECTRIC); periods as YYYY-MM. Errors are
// {"code": <gRPC code number>, "message": "...", "details": []} with the
// HTTP status grpc-gateway gives that code.
#ifndef EVTRADE_GATEWAY_HTTP_GATEWAY_H_
#define EVTRADE_GATEWAY_HTTP_GATEWAY_H_

#include <httplib.h>

#include <memory>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/server/metrics.h"
#include "common/tls/tls_config.h"
#include "gateway/market_reports.h"
#include "gateway/query_client.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"

namespace evtrade::gateway {

struct HttpGatewayConfig {
  // host:port; port 0 picks a free port (see HttpGateway::port()).
  std::string listen_address = "127.0.0.1:8080";
  // Deadline of the backend work behind one HTTP request.
  absl::Duration request_timeout = absl::Seconds(10);
  // Worker threads; each request holds one while it waits for the backend.
  int threads = 8;
  // Deadline of the backend health check behind /healthz.
  absl::Duration health_timeout = absl::Seconds(1);
  // HTTPS when it holds an identity, and with a CA, client certificates
  // required and verified (see common/tls/tls_config.h); plain HTTP
  // otherwise.
  TlsConfig tls{};
};

// The HTTP status grpc-gateway maps a gRPC code to (OK 200,
// INVALID_ARGUMENT 400, NOT_FOUND 404, UNAVAILABLE 503, ...).
int HttpStatusFromCode(absl::StatusCode code);

// The error body: {"code": 3, "message": "...", "details": []}.
std::string ErrorJson(const absl::Status& status);

// Thread-safe. `reports`, `client` and `metrics` are not owned and must
// outlive this object; the HTTP request counter
// (evtrade_http_requests_total{method,route,code}) is added to the metrics
// registry, which /metrics renders whole (gRPC server series included).
class HttpGateway {
 public:
  HttpGateway(const HttpGatewayConfig& config, MarketReports* reports,
              QueryClient* client, Metrics* metrics);
  HttpGateway(const HttpGateway&) = delete;
  HttpGateway& operator=(const HttpGateway&) = delete;
  ~HttpGateway();

  // Binds and starts serving on a thread of its own. INVALID_ARGUMENT for a
  // bad address or TLS material OpenSSL refuses, UNAVAILABLE when it cannot
  // bind.
  absl::Status Start();
  // Stops accepting, finishes the requests in progress and joins. Idempotent.
  void Stop();

  // The bound port (after Start).
  int port() const { return port_; }

 private:
  void RegisterRoutes();
  void CountRequest(const httplib::Request& request,
                    const httplib::Response& response);

  const HttpGatewayConfig config_;
  MarketReports* reports_;
  QueryClient* client_;
  Metrics* metrics_;
  prometheus::Family<prometheus::Counter>* requests_total_;
  std::unique_ptr<httplib::Server> server_;  // an SSLServer with TLS
  std::thread thread_;
  int port_ = 0;
};

}  // namespace evtrade::gateway

#endif  // EVTRADE_GATEWAY_HTTP_GATEWAY_H_

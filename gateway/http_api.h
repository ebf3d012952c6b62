// The gateway's HTTP/JSON API, apart from the server library: every route
// answers an HttpRequest with an HttpResponse (gateway/http_types.h), so the
// transport (gateway/http_gateway.h) only converts.
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
//   GET /               the dashboard (docs/dashboard.md)
//   GET /assets/{name}  its script, style and chart library
//
// Query parameters are named as the request fields; enums by name, with or
// without prefix (powertrain=ELECTRIC); periods as YYYY-MM. Errors are
// {"code": <gRPC code number>, "message": "...", "details": []} with the
// HTTP status grpc-gateway gives that code.
#ifndef EVTRADE_GATEWAY_HTTP_API_H_
#define EVTRADE_GATEWAY_HTTP_API_H_

#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/server/metrics.h"
#include "gateway/http_types.h"
#include "gateway/market_reports.h"
#include "gateway/query_client.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/histogram.h"

namespace evtrade::gateway {

struct HttpApiConfig {
  // Deadline of the backend work behind one HTTP request.
  absl::Duration request_timeout = absl::Seconds(10);
  // Deadline of the backend health check behind /healthz.
  absl::Duration health_timeout = absl::Seconds(1);
};

// The HTTP status grpc-gateway maps a gRPC code to (OK 200,
// INVALID_ARGUMENT 400, NOT_FOUND 404, UNAVAILABLE 503, ...).
int HttpStatusFromCode(absl::StatusCode code);

// The error body: {"code": 3, "message": "...", "details": []}.
std::string ErrorJson(const absl::Status& status);

// Thread-safe: Handle is called on several threads at once and may block
// until the backend answers (every backend call has a deadline).
// `reports`, `client` and `metrics` are not owned and must outlive this
// object. The request counter evtrade_http_requests_total{method,route,code}
// and the histogram evtrade_http_request_duration_seconds{route} are added
// to the metrics registry, which /metrics renders whole.
class HttpApi {
 public:
  HttpApi(const HttpApiConfig& config, MarketReports* reports,
          QueryClient* client, Metrics* metrics);
  HttpApi(const HttpApi&) = delete;
  HttpApi& operator=(const HttpApi&) = delete;

  HttpResponse Handle(const HttpRequest& request) const;

 private:
  HttpResponse Route(const HttpRequest& request, std::string& route) const;
  HttpResponse Report(const HttpRequest& request, const std::string& reporter,
                      const std::string& period) const;
  HttpResponse Healthz() const;

  const HttpApiConfig config_;
  MarketReports* reports_;
  QueryClient* client_;
  Metrics* metrics_;
  prometheus::Family<prometheus::Counter>* requests_total_;
  prometheus::Family<prometheus::Histogram>* request_duration_;
};

}  // namespace evtrade::gateway

#endif  // EVTRADE_GATEWAY_HTTP_API_H_

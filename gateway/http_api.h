// The gateway's HTTP/JSON API, apart from the server library: every route
// answers an HttpRequest with an HttpResponse (gateway/http_types.h), so the
// transport (gateway/http_gateway.h) only converts. docs/http_api.md lists
// the routes.
//
// Routes come from the contract: each RPC of GatewayService and QueryService
// with a google.api.http annotation (gateway/http_routes.h) is answered in
// protobuf's JSON mapping (proto field names), e.g.
//   GET /v1/reports/{reporter}/{yyyy-mm}   GatewayService.GetMarketReport
//   GET /v1/records?reporter=CHN&page_size=50&page_token=...  ListRecords
// and beside them
//   GET /openapi.json   OpenAPI 3 description of every route, generated
//                       from the same annotations and the message types
//   GET /healthz        200 when the query backend reports SERVING, else 503
//   GET /metrics        Prometheus text of the shared registry
//   GET /               the dashboard (docs/dashboard.md)
//   GET /assets/{name}  its script, style and chart library
//
// Query parameters are the request's fields, by proto name (top_partners)
// or lowerCamelCase (topPartners); enums by name, with or without prefix
// (powertrain=ELECTRIC); periods as YYYY-MM; repeated fields repeated
// (reporters=CHN&reporters=DEU). HEAD is GET without the body; OPTIONS on a
// route is 204 with `Allow`; any other method on a route is 405 with
// `Allow: GET, HEAD, OPTIONS`; an unknown path is 404.
//
// Errors are google.rpc.Status JSON in a fixed key order, with the HTTP
// status grpc-gateway gives the code, and a google.rpc.BadRequest naming
// each field at fault:
//   {"code":3,"message":"reporter: ...","details":[{"@type":
//    "type.googleapis.com/google.rpc.BadRequest","fieldViolations":
//    [{"field":"reporter","description":"..."}]}]}
//
// CORS is off unless HttpApiConfig::cors_origin is set: then every answer
// carries Access-Control-Allow-Origin and OPTIONS answers preflights.
#ifndef EVTRADE_GATEWAY_HTTP_API_H_
#define EVTRADE_GATEWAY_HTTP_API_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/server/metrics.h"
#include "gateway/http_routes.h"
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
  // The origin browsers may call the API from ("https://example.org", or
  // "*" for any); empty = CORS off (no Access-Control-* header).
  std::string cors_origin = {};
};

// The HTTP status grpc-gateway maps a gRPC code to (OK 200,
// INVALID_ARGUMENT 400, NOT_FOUND 404, UNAVAILABLE 503, ...).
int HttpStatusFromCode(absl::StatusCode code);

// The error body: google.rpc.Status in protobuf's JSON mapping, keys in
// field order (code, message, details), details from the status's payloads.
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

  // The OpenAPI document served at /openapi.json.
  const std::string& openapi_json() const { return openapi_json_; }

  // A contract route's answer, from the request and the path variables.
  using RpcHandler =
      std::function<HttpResponse(const HttpRequest&, const PathVariables&)>;
  // A route of the gateway's own (/healthz, ...): its answer.
  using PlainHandler = std::function<HttpResponse()>;

 private:
  struct PlainRoute {
    std::string path;
    std::string summary;
    std::string content_type;
    PlainHandler answer;
  };

  // Answers and sets `route` to the route's label (its template, or
  // "other": bounded, so that metrics stay small).
  HttpResponse Route(const HttpRequest& request, std::string& route) const;
  HttpResponse Healthz() const;

  const HttpApiConfig config_;
  MarketReports* reports_;
  QueryClient* client_;
  Metrics* metrics_;
  prometheus::Family<prometheus::Counter>* requests_total_;
  prometheus::Family<prometheus::Histogram>* request_duration_;
  // By RPC full name ("evtrade.v1.QueryService.ListRecords").
  absl::flat_hash_map<std::string, RpcHandler> rpc_handlers_;
  std::vector<PlainRoute> plain_routes_;
  std::string openapi_json_;
};

}  // namespace evtrade::gateway

#endif  // EVTRADE_GATEWAY_HTTP_API_H_

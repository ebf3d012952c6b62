#include "gateway/http_api.h"

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "common/domain/field_violation.h"
#include "common/server/grpc_status.h"
#include "gateway/dashboard.h"
#include "gateway/http_params.h"
#include "gateway/openapi.h"

namespace evtrade::gateway {
namespace {

constexpr char kJsonType[] = "application/json";

std::string ToJson(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  std::string out;
  if (!google::protobuf::util::MessageToJsonString(message, &out, options)
           .ok()) {
    // Only invalid UTF-8 in a string field gets here; say so rather than
    // send half a document.
    return R"({"code":13,"message":"response is not valid JSON","details":[]})";
  }
  return out;
}

HttpResponse Json(int status, std::string body) {
  return HttpResponse{.status = status,
                      .content_type = kJsonType,
                      .headers = {},
                      .body = std::move(body)};
}

HttpResponse Error(const absl::Status& status) {
  return Json(HttpStatusFromCode(status.code()), ErrorJson(status));
}

template <typename Message>
HttpResponse Result(const absl::StatusOr<Message>& result) {
  if (!result.ok()) return Error(result.status());
  return Json(200, ToJson(*result));
}

// Runs an asynchronous call and waits for it on the calling (transport)
// thread. The callback always comes: every backend call has a deadline.
template <typename Response, typename Start>
absl::StatusOr<Response> Await(Start start) {
  absl::Notification done;
  absl::StatusOr<Response> result;
  start([&](absl::StatusOr<Response> r) {
    result = std::move(r);
    done.Notify();
  });
  done.WaitForNotification();
  return result;
}

constexpr char kAllowed[] = "GET, HEAD, OPTIONS";

// The request message of a route: path variables and query parameters into
// its fields. A field given in the path may not be given again as a
// parameter.
absl::Status RequestFromHttp(const HttpRequest& http,
                             const PathVariables& variables,
                             google::protobuf::Message& request) {
  for (const auto& [name, value] : http.params) {
    const google::protobuf::FieldDescriptor* field =
        FindParamField(*request.GetDescriptor(), name);
    if (field == nullptr) continue;
    for (const auto& variable : variables) {
      if (variable.first == field->name()) {
        return FieldViolationError(
            field->name(), "given in the path, not as a query parameter");
      }
    }
  }
  if (absl::Status s = SetFieldsFromParams(http.params, request); !s.ok()) {
    return s;
  }
  for (const auto& [name, value] : variables) {
    if (absl::Status s = SetFieldFromParam(name, value, request); !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

// The handler of an RPC served by `target`'s asynchronous method `call`
// (QueryClient's and MarketReports' have one shape).
template <typename Target, typename Request, typename Response>
HttpApi::RpcHandler Bind(Target* target,
                         void (Target::*call)(const Request&, absl::Time,
                                              Callback<Response>),
                         absl::Duration timeout) {
  return [target, call, timeout](const HttpRequest& http,
                                 const PathVariables& variables) {
    Request request;
    if (absl::Status s = RequestFromHttp(http, variables, request); !s.ok()) {
      return Error(s);
    }
    const absl::Time deadline = absl::Now() + timeout;
    return Result(Await<Response>([&](auto done) {
      (target->*call)(request, deadline, std::move(done));
    }));
  };
}

}  // namespace

int HttpStatusFromCode(absl::StatusCode code) {
  // As grpc-gateway's runtime.HTTPStatusFromCode.
  switch (code) {
    case absl::StatusCode::kOk:
      return 200;
    case absl::StatusCode::kCancelled:
      return 499;
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kOutOfRange:
      return 400;
    case absl::StatusCode::kDeadlineExceeded:
      return 504;
    case absl::StatusCode::kNotFound:
      return 404;
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kAborted:
      return 409;
    case absl::StatusCode::kPermissionDenied:
      return 403;
    case absl::StatusCode::kUnauthenticated:
      return 401;
    case absl::StatusCode::kResourceExhausted:
      return 429;
    case absl::StatusCode::kUnimplemented:
      return 501;
    case absl::StatusCode::kUnavailable:
      return 503;
    default:  // UNKNOWN, INTERNAL, DATA_LOSS
      return 500;
  }
}

std::string ErrorJson(const absl::Status& status) {
  // protobuf's printer writes fields in field-number order (code, message,
  // details) and an Any's "@type" first: the same bytes every time.
  google::protobuf::util::JsonPrintOptions options;
  options.always_print_primitive_fields = true;  // "details":[] when none
  std::string out;
  if (google::protobuf::util::MessageToJsonString(ToRpcStatus(status), &out,
                                                  options)
          .ok()) {
    return out;
  }
  // Only a message that is not UTF-8 gets here (nothing we write echoes
  // such input); say what happened rather than send half a document.
  return absl::StrCat(R"({"code":)", static_cast<int>(status.code()),
                      R"(,"message":"error message is not valid UTF-8",)",
                      R"("details":[]})");
}

HttpApi::HttpApi(const HttpApiConfig& config, MarketReports* reports,
                 QueryClient* client, Metrics* metrics)
    : config_(config),
      reports_(reports),
      client_(client),
      metrics_(metrics),
      requests_total_(&prometheus::BuildCounter()
                           .Name("evtrade_http_requests_total")
                           .Help("HTTP requests served by the gateway, by "
                                 "method, route and status code")
                           .Register(*metrics->registry())),
      request_duration_(&prometheus::BuildHistogram()
                             .Name("evtrade_http_request_duration_seconds")
                             .Help("Time the gateway took to answer an HTTP "
                                   "request, by route, in seconds")
                             .Register(*metrics->registry())) {
  const absl::Duration timeout = config_.request_timeout;
  rpc_handlers_ = {
      {"evtrade.v1.GatewayService.GetMarketReport",
       Bind(reports_, &MarketReports::GetReport, timeout)},
      {"evtrade.v1.GatewayService.CompareReporters",
       Bind(reports_, &MarketReports::CompareReporters, timeout)},
      {"evtrade.v1.QueryService.GetSeries",
       Bind(client_, &QueryClient::GetSeries, timeout)},
      {"evtrade.v1.QueryService.GetPartnerBreakdown",
       Bind(client_, &QueryClient::GetPartnerBreakdown, timeout)},
      {"evtrade.v1.QueryService.GetPowertrainMix",
       Bind(client_, &QueryClient::GetPowertrainMix, timeout)},
      {"evtrade.v1.QueryService.GetManufacturerBreakdown",
       Bind(client_, &QueryClient::GetManufacturerBreakdown, timeout)},
      {"evtrade.v1.QueryService.GetExporterRanking",
       Bind(client_, &QueryClient::GetExporterRanking, timeout)},
      {"evtrade.v1.QueryService.ListRecords",
       Bind(client_, &QueryClient::ListRecords, timeout)},
      {"evtrade.v1.QueryService.GetStoreInfo",
       Bind(client_, &QueryClient::GetStoreInfo, timeout)},
      {"evtrade.v1.QueryService.GetReportFacts",
       Bind(client_, &QueryClient::GetReportFacts, timeout)},
  };
  plain_routes_ = {
      {"/healthz",
       "200 {\"status\":\"SERVING\"} when the query service reports "
       "SERVING, else 503 with a reason",
       kJsonType, [this] { return Healthz(); }},
      {"/metrics", "Prometheus metrics of the gateway", "text/plain",
       [this] {
         return HttpResponse{.status = 200,
                             .content_type = Metrics::kContentType,
                             .headers = {},
                             .body = metrics_->RenderText()};
       }},
      {"/openapi.json", "This OpenAPI document", kJsonType,
       [this] { return Json(200, openapi_json_); }},
  };
  // The dashboard: its page at "/", its script, style and chart library
  // under "/assets/", all embedded in the binary (gateway/dashboard.h).
  for (const std::string& path : DashboardPaths()) {
    const DashboardFile file = *FindDashboardFile(path);
    const std::string_view type = file.content_type;
    plain_routes_.push_back(
        {path,
         path == "/" ? "The dashboard page (docs/dashboard.md)"
                     : "A script, style or chart library of the dashboard",
         std::string(type.substr(0, type.find(';'))), [file] {
           return HttpResponse{
               .status = 200,
               .content_type = std::string(file.content_type),
               // Revalidated on every load, so that a new gateway's files
               // are used at once.
               .headers = {{"Cache-Control", "no-cache"},
                           {"X-Content-Type-Options", "nosniff"}},
               .body = std::string(file.body)};
         }});
  }
  std::vector<OpenApiPlainPath> plain;
  for (const PlainRoute& route : plain_routes_) {
    plain.push_back({route.path, route.summary, route.content_type});
  }
  openapi_json_ = OpenApiJson(ContractRoutes(), plain);
}

HttpResponse HttpApi::Handle(const HttpRequest& request) const {
  const absl::Time start = absl::Now();
  std::string route = "other";
  HttpResponse response = Route(request, route);
  if (!config_.cors_origin.empty()) {
    response.headers.emplace_back("Access-Control-Allow-Origin",
                                  config_.cors_origin);
    if (config_.cors_origin != "*") {
      response.headers.emplace_back("Vary", "Origin");
    }
  }
  request_duration_->Add({{"route", route}}, LatencyBuckets())
      .Observe(absl::ToDoubleSeconds(absl::Now() - start));
  requests_total_
      ->Add({{"method", request.method},
             {"route", route},
             {"code", absl::StrCat(response.status)}})
      .Increment();
  return response;
}

HttpResponse HttpApi::Route(const HttpRequest& request,
                            std::string& route) const {
  const RpcHandler* rpc = nullptr;
  const PlainHandler* plain = nullptr;
  PathVariables variables;
  for (const HttpRoute& candidate : ContractRoutes()) {
    if (std::optional<PathVariables> match = candidate.Match(request.path)) {
      route = candidate.path;
      variables = *std::move(match);
      auto it = rpc_handlers_.find(candidate.method->full_name());
      if (it != rpc_handlers_.end()) rpc = &it->second;
      break;
    }
  }
  if (route == "other") {
    for (const PlainRoute& candidate : plain_routes_) {
      if (candidate.path == request.path) {
        route = candidate.path;
        plain = &candidate.answer;
        break;
      }
    }
  }
  if (route == "other") {
    return Error(absl::NotFoundError(
        absl::StrCat("no route for ", request.method, " ", request.path)));
  }
  // HEAD is GET without the body, which the transport drops.
  if (request.method == "GET" || request.method == "HEAD") {
    if (plain != nullptr) return (*plain)();
    if (rpc != nullptr) return (*rpc)(request, variables);
    return Error(absl::UnimplementedError(
        absl::StrCat(route, ": the gateway does not serve this RPC")));
  }
  if (request.method == "OPTIONS") {
    HttpResponse response{.status = 204,
                          .content_type = "",
                          .headers = {{"Allow", kAllowed}},
                          .body = ""};
    if (!config_.cors_origin.empty()) {
      // A preflight: what the browser may send next. Allow-Origin is added
      // with every answer (Handle).
      response.headers.emplace_back("Access-Control-Allow-Methods", kAllowed);
      std::string headers = "Content-Type";
      for (const auto& [name, value] : request.headers) {
        if (name == "access-control-request-headers") headers = value;
      }
      response.headers.emplace_back("Access-Control-Allow-Headers", headers);
      response.headers.emplace_back("Access-Control-Max-Age", "600");
    }
    return response;
  }
  HttpResponse response =
      Error(absl::Status(absl::StatusCode::kUnimplemented,
                         absl::StrCat(request.method, " is not allowed on ",
                                      route, "; allowed: ", kAllowed)));
  response.status = 405;
  response.headers.emplace_back("Allow", kAllowed);
  return response;
}

// The backend's health, for load balancers and humans: the gateway without a
// query service answers nothing useful.
HttpResponse HttpApi::Healthz() const {
  using grpc::health::v1::HealthCheckResponse;
  const absl::StatusOr<HealthCheckResponse> health =
      Await<HealthCheckResponse>([&](auto done) {
        client_->CheckHealth(absl::Now() + config_.health_timeout,
                             std::move(done));
      });
  google::protobuf::Struct body;
  auto& fields = *body.mutable_fields();
  int status = 200;
  if (health.ok() && health->status() == HealthCheckResponse::SERVING) {
    fields["status"].set_string_value("SERVING");
  } else {
    status = 503;
    fields["status"].set_string_value("NOT_SERVING");
    fields["reason"].set_string_value(
        health.ok()
            ? absl::StrCat(
                  "query service reports ",
                  HealthCheckResponse::ServingStatus_Name(health->status()))
            : absl::StrCat("query service: ", health.status().ToString()));
  }
  return Json(status, ToJson(body));
}

}  // namespace evtrade::gateway

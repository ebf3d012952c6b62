#include "gateway/http_api.h"

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include <optional>
#include <regex>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "common/domain/month.h"
#include "gateway/dashboard.h"
#include "gateway/http_params.h"

namespace evtrade::gateway {
namespace {

constexpr char kJsonType[] = "application/json";

// The buckets of the gRPC server histogram (go-grpc-prometheus's), so that
// HTTP and gRPC latencies read on one scale.
const prometheus::Histogram::BucketBoundaries& DurationBuckets() {
  static const auto* const kBuckets =
      new prometheus::Histogram::BucketBoundaries{
          0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
  return *kBuckets;
}

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

// Request and response types of a QueryClient method.
template <typename Method>
struct MethodTraits;
template <typename Req, typename Resp>
struct MethodTraits<void (QueryClient::*)(const Req&, absl::Time,
                                          Callback<Resp>)> {
  using Request = Req;
  using Response = Resp;
};

// A QueryService read, straight from the request's fields.
template <typename Method>
HttpResponse QueryRoute(const HttpRequest& http, QueryClient& client,
                        Method method, absl::Duration timeout) {
  using Traits = MethodTraits<Method>;
  typename Traits::Request request;
  if (absl::Status s = SetFieldsFromParams(http.params, request); !s.ok()) {
    return Error(s);
  }
  const absl::Time deadline = absl::Now() + timeout;
  return Result(Await<typename Traits::Response>([&](auto done) {
    (client.*method)(request, deadline, std::move(done));
  }));
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
  // A Struct, so that protobuf's printer does the JSON escaping.
  google::protobuf::Struct body;
  auto& fields = *body.mutable_fields();
  fields["code"].set_number_value(static_cast<int>(status.code()));
  fields["message"].set_string_value(std::string(status.message()));
  fields["details"].mutable_list_value();
  return ToJson(body);
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
                             .Register(*metrics->registry())) {}

HttpResponse HttpApi::Handle(const HttpRequest& request) const {
  const absl::Time start = absl::Now();
  std::string route = "other";
  HttpResponse response = Route(request, route);
  request_duration_->Add({{"route", route}}, DurationBuckets())
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
  // The route label is bounded (a pattern, never the path), so that metrics
  // stay small.
  const std::string& path = request.path;
  // HEAD is GET without the body, which the transport drops.
  if (request.method == "GET" || request.method == "HEAD") {
    static const std::regex kReport("/v1/reports/([^/]+)/([^/]+)");
    std::smatch match;
    if (std::regex_match(path, match, kReport)) {
      route = "/v1/reports/{reporter}/{period}";
      return Report(request, match[1], match[2]);
    }
    const std::pair<const char*, HttpResponse (*)(const HttpRequest&,
                                                  QueryClient&, absl::Duration)>
        kQueryRoutes[] = {
            {"/v1/series",
             [](const HttpRequest& r, QueryClient& c, absl::Duration t) {
               return QueryRoute(r, c, &QueryClient::GetSeries, t);
             }},
            {"/v1/partners",
             [](const HttpRequest& r, QueryClient& c, absl::Duration t) {
               return QueryRoute(r, c, &QueryClient::GetPartnerBreakdown, t);
             }},
            {"/v1/ranking",
             [](const HttpRequest& r, QueryClient& c, absl::Duration t) {
               return QueryRoute(r, c, &QueryClient::GetExporterRanking, t);
             }},
            {"/v1/mix",
             [](const HttpRequest& r, QueryClient& c, absl::Duration t) {
               return QueryRoute(r, c, &QueryClient::GetPowertrainMix, t);
             }},
            {"/v1/manufacturers",
             [](const HttpRequest& r, QueryClient& c, absl::Duration t) {
               return QueryRoute(r, c, &QueryClient::GetManufacturerBreakdown,
                                 t);
             }},
        };
    for (const auto& [known, answer] : kQueryRoutes) {
      if (path == known) {
        route = known;
        return answer(request, *client_, config_.request_timeout);
      }
    }
    if (path == "/metrics") {
      route = path;
      return HttpResponse{.status = 200,
                          .content_type = "text/plain; version=0.0.4",
                          .headers = {},
                          .body = metrics_->RenderText()};
    }
    if (path == "/healthz") {
      route = path;
      return Healthz();
    }
    // The dashboard: its page at "/", its script, style and chart library
    // under "/assets/", all embedded in the binary (gateway/dashboard.h).
    if (const std::optional<DashboardFile> file = FindDashboardFile(path)) {
      route = path == "/" ? "/" : "/assets/{name}";
      return HttpResponse{.status = 200,
                          .content_type = std::string(file->content_type),
                          // Revalidated on every load, so a new gateway's files
                          // are seen at once.
                          .headers = {{"Cache-Control", "no-cache"},
                                      {"X-Content-Type-Options", "nosniff"}},
                          .body = std::string(file->body)};
    }
  }
  return Error(absl::NotFoundError(
      absl::StrCat("no route for ", request.method, " ", path)));
}

HttpResponse HttpApi::Report(const HttpRequest& http,
                             const std::string& reporter,
                             const std::string& period) const {
  v1::GetMarketReportRequest request;
  for (const auto& [name, value] : http.params) {
    if (name == "reporter" || name == "period") {
      return Error(absl::InvalidArgumentError(
          absl::StrCat(name, ": given in the path, not as a query parameter")));
    }
  }
  if (absl::Status s = SetFieldsFromParams(http.params, request); !s.ok()) {
    return Error(s);
  }
  request.set_reporter(reporter);
  absl::StatusOr<Month> month = Month::Parse(period, "period");
  if (!month.ok()) return Error(month.status());
  *request.mutable_period() = month->ToProto();
  const absl::Time deadline = absl::Now() + config_.request_timeout;
  return Result(Await<v1::MarketReport>([&](auto done) {
    reports_->GetReport(request, deadline, std::move(done));
  }));
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

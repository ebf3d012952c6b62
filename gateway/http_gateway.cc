#include "gateway/http_gateway.h"

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "common/domain/month.h"
#include "gateway/dashboard.h"
#include "gateway/http_params.h"
#include "spdlog/spdlog.h"

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

void WriteError(httplib::Response& response, const absl::Status& status) {
  response.status = HttpStatusFromCode(status.code());
  response.set_content(ErrorJson(status), kJsonType);
}

template <typename Message>
void WriteResult(httplib::Response& response,
                 const absl::StatusOr<Message>& result) {
  if (!result.ok()) {
    WriteError(response, result.status());
    return;
  }
  response.status = 200;
  response.set_content(ToJson(*result), kJsonType);
}

// Runs an asynchronous call and waits for it on this (httplib) thread. The
// callback always comes: every backend call has a deadline.
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

std::vector<std::pair<std::string, std::string>> ParamsOf(
    const httplib::Request& request) {
  return {request.params.begin(), request.params.end()};
}

// The route label of a path, bounded so that metrics stay small.
std::string RouteOf(const std::string& path) {
  if (absl::StartsWith(path, "/v1/reports/")) {
    return "/v1/reports/{reporter}/{period}";
  }
  for (const char* known :
       {"/v1/series", "/v1/partners", "/v1/ranking", "/v1/mix",
        "/v1/manufacturers", "/healthz", "/metrics", "/"}) {
    if (path == known) return known;
  }
  return "other";
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

// "host:port" or "[v6]:port" -> host and port.
absl::Status SplitHostPort(const std::string& address, std::string& host,
                           int& port) {
  const size_t colon = address.rfind(':');
  if (colon == std::string::npos || colon == 0 ||
      !absl::SimpleAtoi(address.substr(colon + 1), &port) || port < 0 ||
      port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat(
        "HTTP listen address \"", address, "\": expected host:port"));
  }
  host = address.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  return absl::OkStatus();
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

HttpGateway::HttpGateway(const HttpGatewayConfig& config,
                         MarketReports* reports, QueryClient* client,
                         Metrics* metrics)
    : config_(config),
      reports_(reports),
      client_(client),
      metrics_(metrics),
      requests_total_(&prometheus::BuildCounter()
                           .Name("evtrade_http_requests_total")
                           .Help("HTTP requests served by the gateway, by "
                                 "method, route and status code")
                           .Register(*metrics->registry())) {
  if (config_.tls.has_identity()) {
    // The context is set up from the PEM read at start-up: no file is read
    // here.
    server_ = std::make_unique<httplib::SSLServer>(
        [tls = config_.tls](SSL_CTX& context) {
          return ConfigureServerContext(tls, context);
        });
  } else {
    server_ = std::make_unique<httplib::Server>();
  }
  const int threads = std::max(1, config_.threads);
  server_->new_task_queue = [threads] {
    return new httplib::ThreadPool(threads);
  };
  RegisterRoutes();
}

HttpGateway::~HttpGateway() { Stop(); }

absl::Status HttpGateway::Start() {
  std::string host;
  int port = 0;
  if (absl::Status s = SplitHostPort(config_.listen_address, host, port);
      !s.ok()) {
    return s;
  }
  if (!server_->is_valid()) {
    return absl::InvalidArgumentError(
        "TLS: OpenSSL refused the certificate, key or CA");
  }
  if (port == 0) {
    port = server_->bind_to_any_port(host);
    if (port < 0) port = 0;
  } else if (!server_->bind_to_port(host, port)) {
    port = 0;
  }
  if (port == 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", config_.listen_address));
  }
  port_ = port;
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  return absl::OkStatus();
}

void HttpGateway::Stop() {
  server_->stop();
  if (thread_.joinable()) thread_.join();
}

void HttpGateway::CountRequest(const httplib::Request& request,
                               const httplib::Response& response) {
  requests_total_
      ->Add({{"method", request.method},
             {"route", RouteOf(request.path)},
             {"code", absl::StrCat(response.status)}})
      .Increment();
}

void HttpGateway::RegisterRoutes() {
  server_->set_logger([this](const httplib::Request& request,
                             const httplib::Response& response) {
    CountRequest(request, response);
  });
  // Unknown paths get a JSON 404 like every other error; responses that
  // already carry a body are left as they are.
  server_->set_error_handler(httplib::Server::HandlerWithResponse(
      [](const httplib::Request& request, httplib::Response& response) {
        if (!response.body.empty()) {
          return httplib::Server::HandlerResponse::Unhandled;
        }
        response.set_content(
            ErrorJson(absl::Status(response.status == 404
                                       ? absl::StatusCode::kNotFound
                                       : absl::StatusCode::kUnknown,
                                   absl::StrCat("no route for ", request.method,
                                                " ", request.path))),
            kJsonType);
        return httplib::Server::HandlerResponse::Handled;
      }));

  server_->Get(
      R"(/v1/reports/([^/]+)/([^/]+))",
      [this](const httplib::Request& req, httplib::Response& res) {
        v1::GetMarketReportRequest request;
        for (const auto& [name, value] : req.params) {
          if (name == "reporter" || name == "period") {
            WriteError(res, absl::InvalidArgumentError(
                                absl::StrCat(name,
                                             ": given in the path, not as "
                                             "a query parameter")));
            return;
          }
        }
        if (absl::Status s = SetFieldsFromParams(ParamsOf(req), request);
            !s.ok()) {
          WriteError(res, s);
          return;
        }
        request.set_reporter(req.matches[1]);
        absl::StatusOr<Month> month =
            Month::Parse(std::string(req.matches[2]), "period");
        if (!month.ok()) {
          WriteError(res, month.status());
          return;
        }
        *request.mutable_period() = month->ToProto();
        const absl::Time deadline = absl::Now() + config_.request_timeout;
        WriteResult(res, Await<v1::MarketReport>([&](auto done) {
                      reports_->GetReport(request, deadline, std::move(done));
                    }));
      });

  // The QueryService reads, straight from the request's fields.
  auto query_route = [this](const char* path, auto method) {
    server_->Get(path, [this, method](const httplib::Request& req,
                                      httplib::Response& res) {
      using Traits = MethodTraits<decltype(method)>;
      typename Traits::Request request;
      if (absl::Status s = SetFieldsFromParams(ParamsOf(req), request);
          !s.ok()) {
        WriteError(res, s);
        return;
      }
      const absl::Time deadline = absl::Now() + config_.request_timeout;
      WriteResult(res, Await<typename Traits::Response>([&](auto done) {
                    (client_->*method)(request, deadline, std::move(done));
                  }));
    });
  };
  query_route("/v1/series", &QueryClient::GetSeries);
  query_route("/v1/partners", &QueryClient::GetPartnerBreakdown);
  query_route("/v1/ranking", &QueryClient::GetExporterRanking);
  query_route("/v1/mix", &QueryClient::GetPowertrainMix);
  query_route("/v1/manufacturers", &QueryClient::GetManufacturerBreakdown);

  server_->Get(
      "/metrics", [this](const httplib::Request&, httplib::Response& res) {
        res.set_content(metrics_->RenderText(), "text/plain; version=0.0.4");
      });

  // The backend's health, for load balancers and humans: the gateway
  // without a query service answers nothing useful.
  server_->Get("/healthz", [this](const httplib::Request&,
                                  httplib::Response& res) {
    using grpc::health::v1::HealthCheckResponse;
    const absl::StatusOr<HealthCheckResponse> health =
        Await<HealthCheckResponse>([&](auto done) {
          client_->CheckHealth(absl::Now() + config_.health_timeout,
                               std::move(done));
        });
    google::protobuf::Struct body;
    auto& fields = *body.mutable_fields();
    if (health.ok() && health->status() == HealthCheckResponse::SERVING) {
      res.status = 200;
      fields["status"].set_string_value("SERVING");
    } else {
      res.status = 503;
      fields["status"].set_string_value("NOT_SERVING");
      fields["reason"].set_string_value(
          health.ok()
              ? absl::StrCat(
                    "query service reports ",
                    HealthCheckResponse::ServingStatus_Name(health->status()))
              : absl::StrCat("query service: ", health.status().ToString()));
    }
    res.set_content(ToJson(body), kJsonType);
  });

  server_->Get("/", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(std::string(DashboardHtml()), "text/html; charset=utf-8");
  });
}

}  // namespace evtrade::gateway

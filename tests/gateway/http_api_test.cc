// The HTTP API in process (HttpApi::Handle, no server library), against a
// fake QueryService: every route of the contract, both parameter spellings,
// 405 with Allow, the exact error bytes, the field violations in the gRPC
// trailers of the gateway, /openapi.json against the router, and CORS.
#include "gateway/http_api.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/util/json_util.h>
#include <grpcpp/client_context.h>
#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "common/domain/field_violation.h"
#include "common/server/grpc_status.h"
#include "gateway/http_routes.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "nlohmann/json.hpp"
#include "tests/support/canned_market.h"
#include "tests/support/gateway_harness.h"

namespace evtrade::testing {
namespace {

using google::protobuf::util::JsonStringToMessage;

constexpr char kAllow[] = "GET, HEAD, OPTIONS";

std::string HeaderOf(const gateway::HttpResponse& response,
                     const std::string& name) {
  for (const auto& [key, value] : response.headers) {
    if (key == name) return value;
  }
  return "<none>";
}

class HttpApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    harness_.StartGateway(FastTestClientConfig());
    absl::StatusOr<std::unique_ptr<Metrics>> metrics =
        Metrics::Create(MetricsConfig{});
    ASSERT_TRUE(metrics.ok());
    metrics_ = *std::move(metrics);
    // ListRecords: one record per page, two pages.
    harness_.fake().OnListRecords(
        [](const v1::ListRecordsRequest& request)
            -> absl::StatusOr<v1::ListRecordsResponse> {
          v1::ListRecordsResponse response;
          v1::TradeRecord* record = response.add_records();
          record->set_reporter("CHN");
          record->set_value_usd(request.page_token().empty() ? 1 : 2);
          if (request.page_token().empty())
            response.set_next_page_token("page2");
          response.set_data_version(7);
          return response;
        });
    api_ = MakeApi("");
  }

  std::unique_ptr<gateway::HttpApi> MakeApi(const std::string& cors_origin) {
    return std::make_unique<gateway::HttpApi>(
        gateway::HttpApiConfig{.request_timeout = absl::Seconds(5),
                               .health_timeout = absl::Seconds(1),
                               .cors_origin = cors_origin},
        &harness_.reports(), &harness_.client(), metrics_.get());
  }

  gateway::HttpResponse Call(
      const std::string& method, const std::string& path,
      std::vector<std::pair<std::string, std::string>> params = {}) {
    return api_->Handle(gateway::HttpRequest{.method = method,
                                             .path = path,
                                             .params = std::move(params),
                                             .headers = {},
                                             .body = ""});
  }

  gateway::HttpResponse Get(
      const std::string& path,
      std::vector<std::pair<std::string, std::string>> params = {}) {
    return Call("GET", path, std::move(params));
  }

  GatewayHarness harness_;
  std::unique_ptr<Metrics> metrics_;
  std::unique_ptr<gateway::HttpApi> api_;
};

// ---- Every route --------------------------------------------------------

TEST_F(HttpApiTest, RecordsPageTokenInNextPageTokenOut) {
  gateway::HttpResponse first =
      Get("/v1/records", {{"reporter", "CHN"}, {"page_size", "1"}});
  ASSERT_EQ(first.status, 200) << first.body;
  v1::ListRecordsResponse page;
  ASSERT_TRUE(JsonStringToMessage(first.body, &page).ok()) << first.body;
  EXPECT_EQ(page.next_page_token(), "page2");
  EXPECT_TRUE(absl::StrContains(first.body, "\"next_page_token\":\"page2\""));

  gateway::HttpResponse second =
      Get("/v1/records",
          {{"reporter", "CHN"}, {"pageSize", "1"}, {"pageToken", "page2"}});
  ASSERT_EQ(second.status, 200) << second.body;
  ASSERT_TRUE(JsonStringToMessage(second.body, &page).ok());
  EXPECT_EQ(page.next_page_token(), "");
  EXPECT_EQ(page.records(0).value_usd(), 2);
  EXPECT_EQ(harness_.fake().Requests("ListRecords"),
            (std::vector<std::string>{
                "reporter: \"CHN\" page_size: 1",
                "reporter: \"CHN\" page_size: 1 page_token: \"page2\""}));
}

TEST_F(HttpApiTest, CompareReportersInRequestOrder) {
  gateway::HttpResponse response =
      Get("/v1/compare",
          {{"reporters", "CHN"}, {"reporters", "FRA"}, {"period", "2022-11"}});
  ASSERT_EQ(response.status, 200) << response.body;
  v1::CompareReportersResponse compare;
  ASSERT_TRUE(JsonStringToMessage(response.body, &compare).ok());
  ASSERT_EQ(compare.reports_size(), 2);
  EXPECT_EQ(compare.reports(0).reporter(), "CHN");
  ExpectSameMessage(ExpectedChinaReport(7), compare.reports(0));
  EXPECT_EQ(compare.reports(1).reporter(), "FRA");
  EXPECT_EQ(compare.reports(1).warnings(0),
            "report: NOT_FOUND: reporter FRA has no data");
}

TEST_F(HttpApiTest, StoreInfo) {
  gateway::HttpResponse response = Get("/v1/store");
  ASSERT_EQ(response.status, 200) << response.body;
  v1::GetStoreInfoResponse info;
  ASSERT_TRUE(JsonStringToMessage(response.body, &info).ok());
  EXPECT_EQ(info.data_version(), 7);
  EXPECT_EQ(harness_.fake().Calls("GetStoreInfo"), 1);
}

TEST_F(HttpApiTest, BothParameterSpellingsMakeTheSameRequest) {
  struct Case {
    std::string path;
    std::vector<std::pair<std::string, std::string>> proto_names;
    std::vector<std::pair<std::string, std::string>> camel_case;
    std::string method;
  };
  const std::vector<Case> cases = {
      {"/v1/mix",
       {{"reporter", "CHN"},
        {"period", "2022-11"},
        {"majority_threshold_pct", "60"}},
       {{"reporter", "CHN"},
        {"period", "2022-11"},
        {"majorityThresholdPct", "60"}},
       "GetPowertrainMix"},
      {"/v1/ranking",
       {{"start", "2022-01"}, {"end", "2022-11"}, {"rank_by", "QUANTITY"}},
       {{"start", "2022-01"}, {"end", "2022-11"}, {"rankBy", "QUANTITY"}},
       "GetExporterRanking"},
      {"/v1/records",
       {{"hs_code", "870380"}, {"page_size", "5"}},
       {{"hsCode", "870380"}, {"pageSize", "5"}},
       "ListRecords"},
  };
  for (const Case& c : cases) {
    ASSERT_EQ(Get(c.path, c.proto_names).status, 200) << c.path;
    ASSERT_EQ(Get(c.path, c.camel_case).status, 200) << c.path;
    const std::vector<std::string> requests =
        harness_.fake().Requests(c.method);
    ASSERT_EQ(requests.size(), 2u) << c.path;
    EXPECT_EQ(requests[0], requests[1]) << c.path;
  }
  // The report's own parameter, both ways.
  ASSERT_EQ(Get("/v1/reports/CHN/2022-11", {{"topPartners", "2"}}).status, 200);
  EXPECT_EQ(harness_.fake().Requests("GetPartnerBreakdown").back(),
            "reporter: \"CHN\" flow: FLOW_EXPORT powertrain: "
            "POWERTRAIN_ELECTRIC start { year: 2022 month: 11 } end { year: "
            "2022 month: 11 } limit: 2");
  // One field in both spellings is the same field twice.
  EXPECT_EQ(
      Get("/v1/records", {{"page_size", "5"}, {"pageSize", "6"}}).body,
      R"json({"code":3,"message":"page_size: given more than once","details":[{"@type":"type.googleapis.com/google.rpc.BadRequest","fieldViolations":[{"field":"page_size","description":"given more than once"}]}]})json");
}

// ---- Methods and paths --------------------------------------------------

TEST_F(HttpApiTest, OtherMethodsOnARouteAre405WithAllow) {
  for (const std::string path :
       {"/v1/series", "/v1/reports/CHN/2022-11", "/openapi.json", "/healthz"}) {
    for (const std::string method : {"POST", "PUT", "DELETE", "PATCH"}) {
      gateway::HttpResponse response = Call(method, path);
      EXPECT_EQ(response.status, 405) << method << " " << path;
      EXPECT_EQ(HeaderOf(response, "Allow"), kAllow) << method << " " << path;
      EXPECT_EQ(response.body,
                absl::StrCat(
                    R"json({"code":12,"message":")json", method,
                    " is not allowed on ",
                    path == "/v1/reports/CHN/2022-11"
                        ? "/v1/reports/{reporter}/{period}"
                        : path,
                    R"json(; allowed: GET, HEAD, OPTIONS","details":[]})json"));
    }
  }
  EXPECT_EQ(harness_.fake().TotalCalls(), 0);
  gateway::HttpResponse unknown = Call("POST", "/v1/nothing");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(
      unknown.body,
      R"json({"code":5,"message":"no route for POST /v1/nothing","details":[]})json");
  EXPECT_EQ(HeaderOf(unknown, "Allow"), "<none>");
  // HEAD is GET (the transport drops the body).
  EXPECT_EQ(Call("HEAD", "/v1/store").status, 200);
}

// ---- Errors -------------------------------------------------------------

TEST_F(HttpApiTest, ErrorBodiesAreGoogleRpcStatusWithFieldViolations) {
  gateway::HttpResponse response = Get("/v1/reports/ABC/2022-11");
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(response.content_type, "application/json");
  EXPECT_EQ(
      response.body,
      R"json({"code":3,"message":"reporter: unknown country code \"ABC\" (ISO 3166-1 alpha-3)","details":[{"@type":"type.googleapis.com/google.rpc.BadRequest","fieldViolations":[{"field":"reporter","description":"unknown country code \"ABC\" (ISO 3166-1 alpha-3)"}]}]})json");
  // The same bytes every time (a Struct would print its keys in any order).
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(Get("/v1/reports/ABC/2022-11").body, response.body);
  }
  EXPECT_EQ(
      Get("/v1/compare",
          {{"reporters", "CHN"}, {"reporters", "W00"}, {"period", "2022-11"}})
          .body,
      R"json({"code":3,"message":"reporters[1]: must be a country, not the World total W00","details":[{"@type":"type.googleapis.com/google.rpc.BadRequest","fieldViolations":[{"field":"reporters[1]","description":"must be a country, not the World total W00"}]}]})json");
  EXPECT_EQ(
      Get("/v1/series", {{"reporter", "CHN"}, {"start", "2022-13"}}).body,
      R"json({"code":3,"message":"start: month must be 1..12, got 13","details":[{"@type":"type.googleapis.com/google.rpc.BadRequest","fieldViolations":[{"field":"start","description":"month must be 1..12, got 13"}]}]})json");
  EXPECT_EQ(
      Get("/v1/reports/CHN/2022-11", {{"period", "2022-10"}}).body,
      R"json({"code":3,"message":"period: given in the path, not as a query parameter","details":[{"@type":"type.googleapis.com/google.rpc.BadRequest","fieldViolations":[{"field":"period","description":"given in the path, not as a query parameter"}]}]})json");
  // An error that is no field's fault has no details.
  EXPECT_EQ(
      Get("/v1/reports/FRA/2022-11").body,
      R"json({"code":5,"message":"reporter FRA has no data","details":[]})json");
  EXPECT_EQ(gateway::ErrorJson(absl::InternalError("x\"y\n")),
            R"json({"code":13,"message":"x\"y\n","details":[]})json");
}

TEST_F(HttpApiTest, FieldViolationFromTheQueryServiceReachesHttp) {
  harness_.fake().OnGetSeries(
      [](const v1::GetSeriesRequest&) -> absl::StatusOr<v1::GetSeriesResponse> {
        return FieldViolationError("end", "range must be at most 600 months");
      });
  EXPECT_EQ(
      Get("/v1/series",
          {{"reporter", "CHN"}, {"start", "1950-01"}, {"end", "2022-01"}})
          .body,
      R"json({"code":3,"message":"end: range must be at most 600 months","details":[{"@type":"type.googleapis.com/google.rpc.BadRequest","fieldViolations":[{"field":"end","description":"range must be at most 600 months"}]}]})json");

  // And through the gateway's gRPC QueryService: the same details in the
  // grpc-status-details-bin trailer.
  grpc::ClientContext context;
  v1::GetSeriesRequest request;
  request.set_reporter("CHN");
  v1::GetSeriesResponse response;
  const grpc::Status status =
      harness_.forwarded_query().GetSeries(&context, request, &response);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(FieldViolationsOf(FromGrpcStatus(status)),
            (std::vector<FieldViolation>{
                {"end", "range must be at most 600 months"}}));
}

TEST_F(HttpApiTest, GatewayGrpcAnswersCarryTheBadRequestInTrailers) {
  grpc::ClientContext context;
  v1::GetMarketReportRequest request;
  request.set_reporter("S19");
  request.mutable_period()->set_year(2022);
  request.mutable_period()->set_month(11);
  v1::MarketReport report;
  const grpc::Status status =
      harness_.gateway().GetMarketReport(&context, request, &report);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(),
            "reporter: must be a country, not the special area \"S19\"");
  // Read the trailer as any gRPC client would: a google.rpc.Status.
  google::rpc::Status details;
  ASSERT_TRUE(details.ParseFromString(status.error_details()));
  EXPECT_EQ(details.code(), 3);
  EXPECT_EQ(details.message(), status.error_message());
  ASSERT_EQ(details.details_size(), 1);
  google::rpc::BadRequest bad_request;
  ASSERT_TRUE(details.details(0).UnpackTo(&bad_request));
  ASSERT_EQ(bad_request.field_violations_size(), 1);
  EXPECT_EQ(bad_request.field_violations(0).field(), "reporter");
  EXPECT_EQ(bad_request.field_violations(0).description(),
            "must be a country, not the special area \"S19\"");
}

TEST_F(HttpApiTest, UnreachableBackendIs503WithoutAddresses) {
  harness_.StopBackend();
  gateway::HttpResponse response =
      Get("/v1/series",
          {{"reporter", "CHN"}, {"start", "2022-11"}, {"end", "2022-11"}});
  EXPECT_EQ(response.status, 503);
  EXPECT_EQ(
      response.body,
      R"json({"code":14,"message":"the query service is unavailable","details":[]})json");
  gateway::HttpResponse report = Get("/v1/reports/CHN/2022-11");
  EXPECT_EQ(report.status, 503);
  EXPECT_FALSE(absl::StrContains(report.body, "127.0.0.1")) << report.body;
  EXPECT_FALSE(absl::StrContains(report.body, "ipv4")) << report.body;
}

// ---- OpenAPI ------------------------------------------------------------

// A value for each path variable of the contract.
std::string FillPath(const std::string& path) {
  return absl::StrReplaceAll(path,
                             {{"{reporter}", "CHN"}, {"{period}", "2022-11"}});
}

TEST_F(HttpApiTest, OpenApiDescribesEveryRouteAndEveryPathIsAnswered) {
  harness_.fake().OnGetReportFacts(
      [](const v1::GetReportFactsRequest&)
          -> absl::StatusOr<v1::GetReportFactsResponse> {
        v1::GetReportFactsResponse response;
        response.set_data_version(7);
        return response;
      });
  gateway::HttpResponse response = Get("/openapi.json");
  ASSERT_EQ(response.status, 200);
  EXPECT_EQ(response.content_type, "application/json");
  const nlohmann::json document = nlohmann::json::parse(response.body);
  EXPECT_EQ(document.at("openapi"), "3.0.3");

  std::set<std::string> documented;
  for (const auto& [path, item] : document.at("paths").items()) {
    documented.insert(path);
  }
  // Every RPC of the two services is a route, and every route is in the
  // document.
  std::set<std::string> routed;
  for (const gateway::HttpRoute& route : gateway::ContractRoutes()) {
    routed.insert(route.path);
    EXPECT_TRUE(documented.count(route.path)) << route.path;
  }
  EXPECT_EQ(routed,
            (std::set<std::string>{
                "/v1/reports/{reporter}/{period}", "/v1/compare", "/v1/series",
                "/v1/partners", "/v1/mix", "/v1/manufacturers", "/v1/ranking",
                "/v1/records", "/v1/store", "/v1/facts"}));
  // Server-streaming RPCs (WatchDataVersion) are gRPC only: HTTP/JSON
  // answers one message.
  size_t unary_methods = 0;
  for (const google::protobuf::ServiceDescriptor* service :
       {v1::GetSeriesRequest::descriptor()->file()->FindServiceByName(
            "QueryService"),
        v1::GetMarketReportRequest::descriptor()->file()->FindServiceByName(
            "GatewayService")}) {
    for (int i = 0; i < service->method_count(); ++i) {
      if (!service->method(i)->server_streaming()) ++unary_methods;
    }
  }
  EXPECT_EQ(gateway::ContractRoutes().size(), unary_methods);
  for (const std::string plain :
       {"/", "/healthz", "/metrics", "/openapi.json"}) {
    EXPECT_TRUE(documented.count(plain)) << plain;
  }

  // Every path in the document is answered: with its required parameters
  // and sample values, not 404, 405 or 501 (200, or the fake's NOT_FOUND
  // for a route whose request the fake does not know).
  const std::vector<std::pair<std::string, std::string>> sample = {
      {"reporter", "CHN"}, {"start", "2022-11"}, {"end", "2022-11"}};
  for (const std::string& path : documented) {
    std::vector<std::pair<std::string, std::string>> params;
    for (const auto& parameter : document.at("paths").at(path).at("get").value(
             "parameters", nlohmann::json::array())) {
      const std::string name = parameter.at("name");
      if (parameter.at("in") != "query") continue;
      for (const auto& [key, value] : sample) {
        if (key == name) params.emplace_back(key, value);
      }
      if (name == "period") params.emplace_back("period", "2022-11");
      // The fake knows the series of all vehicles only.
      if (name == "powertrain" && path == "/v1/series") {
        params.emplace_back("powertrain", "ALL");
      }
      if (name == "reporters") params.emplace_back("reporters", "CHN");
    }
    gateway::HttpResponse answer = Get(FillPath(path), params);
    EXPECT_EQ(answer.status, 200) << path << ": " << answer.body;
  }

  // Schemas come from the messages: the report's fields by proto name,
  // int64 as a string (protobuf's JSON mapping), enums by name.
  const auto& report =
      document.at("components").at("schemas").at("evtrade.v1.MarketReport");
  EXPECT_EQ(report.at("properties").at("top_partners_share_pct").at("type"),
            "number");
  EXPECT_EQ(report.at("properties").at("data_version").at("type"), "string");
  EXPECT_EQ(report.at("properties").at("flow").at("enum").at(1), "FLOW_EXPORT");
  EXPECT_EQ(document.at("components")
                .at("schemas")
                .at("google.rpc.BadRequest.FieldViolation")
                .at("properties")
                .size(),
            2u);
  // The list query parameter says it also takes lowerCamelCase.
  bool page_size_seen = false;
  for (const auto& parameter :
       document.at("paths").at("/v1/records").at("get").at("parameters")) {
    if (parameter.at("name") == "page_size") {
      page_size_seen = true;
      EXPECT_EQ(parameter.at("description"), "Also accepted as pageSize.");
    }
  }
  EXPECT_TRUE(page_size_seen);
}

// ---- CORS ---------------------------------------------------------------

TEST_F(HttpApiTest, CorsIsOffByDefault) {
  gateway::HttpResponse response = Get("/v1/store");
  EXPECT_EQ(HeaderOf(response, "Access-Control-Allow-Origin"), "<none>");
  gateway::HttpResponse options = Call("OPTIONS", "/v1/store");
  EXPECT_EQ(options.status, 204);
  EXPECT_EQ(HeaderOf(options, "Allow"), kAllow);
  EXPECT_EQ(HeaderOf(options, "Access-Control-Allow-Origin"), "<none>");
  EXPECT_EQ(HeaderOf(options, "Access-Control-Allow-Methods"), "<none>");
}

TEST_F(HttpApiTest, CorsOnByConfigAnswersAndPreflights) {
  api_ = MakeApi("https://example.org");
  gateway::HttpResponse response = Get("/v1/store");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(HeaderOf(response, "Access-Control-Allow-Origin"),
            "https://example.org");
  EXPECT_EQ(HeaderOf(response, "Vary"), "Origin");
  // Errors too: a browser can read why.
  EXPECT_EQ(
      HeaderOf(Get("/v1/reports/ABC/2022-11"), "Access-Control-Allow-Origin"),
      "https://example.org");

  gateway::HttpResponse preflight = api_->Handle(gateway::HttpRequest{
      .method = "OPTIONS",
      .path = "/v1/reports/CHN/2022-11",
      .params = {},
      .headers = {{"origin", "https://example.org"},
                  {"access-control-request-method", "GET"},
                  {"access-control-request-headers", "x-trace"}},
      .body = ""});
  EXPECT_EQ(preflight.status, 204);
  EXPECT_EQ(HeaderOf(preflight, "Access-Control-Allow-Origin"),
            "https://example.org");
  EXPECT_EQ(HeaderOf(preflight, "Access-Control-Allow-Methods"), kAllow);
  EXPECT_EQ(HeaderOf(preflight, "Access-Control-Allow-Headers"), "x-trace");
  EXPECT_EQ(HeaderOf(preflight, "Access-Control-Max-Age"), "600");
  EXPECT_EQ(harness_.fake().TotalCalls(), 1);  // the GET /v1/store only
}

// ---- Metrics ------------------------------------------------------------

TEST_F(HttpApiTest, RequestsAreCountedAndTimedByRoute) {
  ASSERT_EQ(Get("/v1/store").status, 200);
  ASSERT_EQ(Get("/v1/store").status, 200);
  ASSERT_EQ(Call("POST", "/v1/store").status, 405);
  ASSERT_EQ(Get("/nowhere/at/all").status, 404);
  const std::string text = Get("/metrics").body;
  EXPECT_TRUE(absl::StrContains(
      text,
      "evtrade_http_requests_total{code=\"200\",method=\"GET\",route=\"/v1/"
      "store\"} 2"))
      << text;
  EXPECT_TRUE(absl::StrContains(
      text,
      "evtrade_http_requests_total{code=\"405\",method=\"POST\",route=\"/v1/"
      "store\"} 1"));
  EXPECT_TRUE(absl::StrContains(
      text,
      "evtrade_http_requests_total{code=\"404\",method=\"GET\",route="
      "\"other\"} 1"));
  EXPECT_TRUE(absl::StrContains(
      text,
      "evtrade_http_request_duration_seconds_count{route=\"/v1/store\"} 3"))
      << text;
}

}  // namespace
}  // namespace evtrade::testing

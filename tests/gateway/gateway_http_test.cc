// The HTTP/JSON face of the gateway, against a fake QueryService.
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <grpcpp/client_context.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <memory>
#include <string>
#include <tuple>

#include "absl/strings/match.h"
#include "absl/time/clock.h"
#include "gateway/dashboard.h"
#include "gateway/http_api.h"
#include "gateway/http_gateway.h"
#include "tests/support/canned_market.h"
#include "tests/support/gateway_harness.h"

namespace evtrade::testing {
namespace {

using google::protobuf::util::JsonStringToMessage;

class GatewayHttpTest : public ::testing::Test {
 protected:
  void SetUp() override { Start(); }

  void Start() {
    harness_.StartGateway(FastTestClientConfig());
    absl::StatusOr<std::unique_ptr<Metrics>> metrics =
        Metrics::Create(MetricsConfig{});
    ASSERT_TRUE(metrics.ok());
    metrics_ = *std::move(metrics);
    api_ = std::make_unique<gateway::HttpApi>(
        gateway::HttpApiConfig{.request_timeout = absl::Seconds(5)},
        &harness_.reports(), &harness_.client(), metrics_.get());
    http_ = std::make_unique<gateway::HttpGateway>(
        gateway::HttpGatewayConfig{.listen_address = "127.0.0.1:0",
                                   .worker_threads = 2},
        [this](const gateway::HttpRequest& request) {
          return api_->Handle(request);
        });
    ASSERT_TRUE(http_->Start().ok());
    client_ = std::make_unique<httplib::Client>("127.0.0.1", http_->port());
    client_->set_read_timeout(10, 0);
  }

  // GET `path`; the status and body.
  std::pair<int, std::string> Get(const std::string& path) {
    httplib::Result result = client_->Get(path.c_str());
    if (!result) return {-1, httplib::to_string(result.error())};
    return {result->status, result->body};
  }

  void ExpectError(const std::string& path, int http_status, int code,
                   const std::string& message) {
    auto [status, body] = Get(path);
    EXPECT_EQ(status, http_status) << path << ": " << body;
    google::protobuf::Struct error;
    ASSERT_TRUE(JsonStringToMessage(body, &error).ok()) << body;
    EXPECT_EQ(error.fields().at("code").number_value(), code) << path;
    EXPECT_EQ(error.fields().at("message").string_value(), message) << path;
    // A bad request names its field in a google.rpc.BadRequest
    // (tests/gateway/http_api_test.cc checks the bytes).
    EXPECT_EQ(error.fields().at("details").list_value().values_size(),
              code == 3 ? 1 : 0)
        << body;
  }

  GatewayHarness harness_;
  std::unique_ptr<Metrics> metrics_;
  std::unique_ptr<gateway::HttpApi> api_;
  std::unique_ptr<gateway::HttpGateway> http_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(GatewayHttpTest, ReportIsTheSameAsOverGrpc) {
  auto [status, body] = Get("/v1/reports/CHN/2022-11");
  ASSERT_EQ(status, 200) << body;
  // Proto field names, not lowerCamelCase.
  EXPECT_TRUE(absl::StrContains(body, "\"top_partners_share_pct\":"));
  EXPECT_FALSE(absl::StrContains(body, "topPartnersSharePct"));
  v1::MarketReport from_http;
  ASSERT_TRUE(JsonStringToMessage(body, &from_http).ok()) << body;

  v1::GetMarketReportRequest request;
  request.set_reporter("CHN");
  request.mutable_period()->set_year(2022);
  request.mutable_period()->set_month(11);
  grpc::ClientContext context;
  v1::MarketReport from_grpc;
  ASSERT_TRUE(
      harness_.gateway().GetMarketReport(&context, request, &from_grpc).ok());
  ExpectSameMessage(from_grpc, from_http);
  ExpectSameMessage(ExpectedChinaReport(7), from_http);
}

TEST_F(GatewayHttpTest, ReportQueryParameters) {
  auto [status, body] =
      Get("/v1/reports/chn/2022-11?powertrain=POWERTRAIN_ELECTRIC&flow=export"
          "&top_partners=2");
  ASSERT_EQ(status, 200) << body;
  v1::MarketReport report;
  ASSERT_TRUE(JsonStringToMessage(body, &report).ok());
  EXPECT_EQ(report.reporter(), "CHN");
  EXPECT_EQ(report.top_partners_size(), 2);
  EXPECT_EQ(harness_.fake().Requests("GetPartnerBreakdown").back(),
            "reporter: \"CHN\" flow: FLOW_EXPORT powertrain: "
            "POWERTRAIN_ELECTRIC start { year: 2022 month: 11 } end { year: "
            "2022 month: 11 } limit: 2");
}

TEST_F(GatewayHttpTest, BadParametersAre400NamingTheField) {
  ExpectError("/v1/reports/CHN/2022-11?top_partners=abc", 400, 3,
              "top_partners: not an integer: \"abc\"");
  ExpectError("/v1/reports/CHN/2022-11?top_partners=101", 400, 3,
              "top_partners: must be 0..100, got 101");
  ExpectError("/v1/reports/CHN/2022-11?powertrain=DIESEL", 400, 3,
              "powertrain: unknown value \"DIESEL\", expected one of ALL, "
              "ELECTRIC, BEV, PHEV, HEV, ICE, OTHER");
  ExpectError("/v1/reports/CHN/2022-11?colour=red", 400, 3,
              "colour: unknown query parameter");
  ExpectError("/v1/reports/CHN/2022-11?flow=EXPORT&flow=IMPORT", 400, 3,
              "flow: given more than once");
  ExpectError("/v1/reports/CHN/2022-11?reporter=DEU", 400, 3,
              "reporter: given in the path, not as a query parameter");
  ExpectError("/v1/series?reporter=CHN&start=November", 400, 3,
              "start: expected YYYY-MM or YYYYMM, got \"November\"");
  // Found by fuzz/http_params_fuzzer: a decoded %FF went into a string
  // field that the query service could not parse.
  ExpectError("/v1/series?reporter=%FF", 400, 3, "reporter: not valid UTF-8");
  ExpectError("/v1/series?%C3=CHN", 400, 3,
              "query parameter name: not valid UTF-8");
  auto [status, body] = Get("/v1/reports/CHN/2022-13");
  EXPECT_EQ(status, 400);
  EXPECT_TRUE(absl::StrContains(body, "\"message\":\"period")) << body;
  EXPECT_EQ(harness_.fake().TotalCalls(), 0);
}

TEST_F(GatewayHttpTest, NotFoundMapsTo404) {
  ExpectError("/v1/reports/FRA/2022-11", 404, 5, "reporter FRA has no data");
  ExpectError("/v2/anything", 404, 5, "no route for GET /v2/anything");
}

TEST_F(GatewayHttpTest, BackendDownMapsTo503) {
  harness_.StopBackend();
  auto [status, body] = Get("/v1/reports/CHN/2022-11");
  EXPECT_EQ(status, 503) << body;
  EXPECT_TRUE(absl::StrContains(body, "\"code\":14")) << body;
}

TEST_F(GatewayHttpTest, QueryRoutesForwardTheRequestFields) {
  {
    auto [status, body] =
        Get("/v1/series?reporter=CHN&powertrain=all&start=2022-11&end=202211");
    ASSERT_EQ(status, 200) << body;
    v1::GetSeriesResponse series;
    ASSERT_TRUE(JsonStringToMessage(body, &series).ok());
    ASSERT_EQ(series.points_size(), 1);
    EXPECT_EQ(series.points(0).value_usd(), 6'050'000'000);
    EXPECT_EQ(harness_.fake().Requests("GetSeries").back(),
              "reporter: \"CHN\" powertrain: POWERTRAIN_ALL start { year: "
              "2022 month: 11 } end { year: 2022 month: 11 }");
  }
  {
    auto [status, body] =
        Get("/v1/partners?reporter=CHN&flow=FLOW_EXPORT&powertrain=ELECTRIC"
            "&start=2022-11&end=2022-11&limit=3");
    ASSERT_EQ(status, 200) << body;
    v1::GetPartnerBreakdownResponse partners;
    ASSERT_TRUE(JsonStringToMessage(body, &partners).ok());
    ASSERT_EQ(partners.partners_size(), 3);
    EXPECT_EQ(partners.partners(2).partner(), "THA");
    EXPECT_EQ(partners.total_basis(), v1::TOTAL_BASIS_WORLD_ROW);
  }
  {
    auto [status, body] =
        Get("/v1/ranking?start=2022-01&end=2022-11&rank_by=VALUE");
    ASSERT_EQ(status, 200) << body;
    v1::GetExporterRankingResponse ranking;
    ASSERT_TRUE(JsonStringToMessage(body, &ranking).ok());
    ASSERT_EQ(ranking.ranks_size(), 4);
    EXPECT_EQ(ranking.ranks(1).reporter(), "CHN");
    EXPECT_EQ(harness_.fake().Requests("GetExporterRanking").back(),
              "start { year: 2022 month: 1 } end { year: 2022 month: 11 } "
              "rank_by: RANK_BY_VALUE");
  }
  ExpectError("/v1/series?reporter=FRA&start=2022-11&end=2022-11", 404, 5,
              "reporter FRA has no data");
}

TEST_F(GatewayHttpTest, MetricsCountRequestsByRouteAndStatus) {
  ASSERT_EQ(Get("/v1/reports/CHN/2022-11").first, 200);
  ASSERT_EQ(Get("/v1/reports/CHN/2022-11").first, 200);
  ASSERT_EQ(Get("/v1/reports/FRA/2022-11").first, 404);
  const std::string ok_line =
      "evtrade_http_requests_total{code=\"200\",method=\"GET\",route=\"/v1/"
      "reports/{reporter}/{period}\"} 2";
  const std::string not_found_line =
      "evtrade_http_requests_total{code=\"404\",method=\"GET\",route=\"/v1/"
      "reports/{reporter}/{period}\"} 1";
  // The counter is bumped just after a response is sent: poll briefly.
  std::string body;
  const absl::Time give_up = absl::Now() + absl::Seconds(2);
  do {
    auto [status, text] = Get("/metrics");
    ASSERT_EQ(status, 200);
    body = text;
    if (absl::StrContains(body, ok_line) &&
        absl::StrContains(body, not_found_line)) {
      break;
    }
    absl::SleepFor(absl::Milliseconds(20));
  } while (absl::Now() < give_up);
  EXPECT_TRUE(absl::StrContains(body, ok_line)) << body;
  EXPECT_TRUE(absl::StrContains(body, not_found_line)) << body;
}

TEST_F(GatewayHttpTest, HealthzFollowsTheBackend) {
  auto [status, body] = Get("/healthz");
  EXPECT_EQ(status, 200);
  EXPECT_EQ(body, R"({"status":"SERVING"})");
  harness_.StopBackend();
  std::tie(status, body) = Get("/healthz");
  EXPECT_EQ(status, 503);
  // (Struct fields print in no fixed order: compare parsed.)
  google::protobuf::Struct health;
  ASSERT_TRUE(JsonStringToMessage(body, &health).ok()) << body;
  EXPECT_EQ(health.fields().at("status").string_value(), "NOT_SERVING");
  EXPECT_TRUE(absl::StartsWith(health.fields().at("reason").string_value(),
                               "query service: UNAVAILABLE: "))
      << body;
}

TEST_F(GatewayHttpTest, DashboardIsServedFromTheBinary) {
  httplib::Result page = client_->Get("/");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_EQ(page->get_header_value("Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(page->body, gateway::FindDashboardFile("/")->body);
  // Nothing loaded from elsewhere; its own assets from the gateway.
  EXPECT_FALSE(absl::StrContains(page->body, "http://"));
  EXPECT_FALSE(absl::StrContains(page->body, "https://"));
  for (const char* path :
       {"/assets/app.js", "/assets/style.css", "/assets/chart.umd.js"}) {
    SCOPED_TRACE(path);
    EXPECT_TRUE(absl::StrContains(page->body, path));
    httplib::Result asset = client_->Get(path);
    ASSERT_TRUE(asset);
    EXPECT_EQ(asset->status, 200);
    EXPECT_EQ(asset->get_header_value("Content-Type"),
              gateway::FindDashboardFile(path)->content_type);
    EXPECT_EQ(asset->get_header_value("Cache-Control"), "no-cache");
    EXPECT_EQ(asset->body, gateway::FindDashboardFile(path)->body);
  }
  httplib::Result missing = client_->Get("/assets/missing.js");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
}

TEST(GatewayHttpMappingTest, GrpcGatewayStatusForEachCode) {
  using gateway::HttpStatusFromCode;
  EXPECT_EQ(HttpStatusFromCode(absl::StatusCode::kOk), 200);
  EXPECT_EQ(HttpStatusFromCode(absl::StatusCode::kCancelled), 499);
  EXPECT_EQ(HttpStatusFromCode(absl::StatusCode::kUnknown), 500);
  EXPECT_EQ(HttpStatusFromCode(absl::StatusCode::kInvalidArgument), 400);
  EXPECT_EQ(HttpStatusFromCode(absl::StatusCode::kDeadlineExceeded), 504);
  EXPECT_EQ(HttpStatusFromCode(absl::StatusCode::kNotFound), 404);
  EXPECT_EQ(HttpStatusFromCode(absl::StatusCode::kAlreadyExists), 409);
  EXPECT_EQ(HttpStatusFromCode(absl::StatusCode::kPermissionDenied), 403);
  EXPECT_EQ(HttpStatusFromCode(absl::StatusCode::kResourceExhausted), 429);
  EXPECT_EQ(HttpStatusFromCode(absl::StatusCode::kFailedPrecondition), 400);
  EXPECT_EQ(HttpStatusFromCode(absl::StatusCode::kAborted), 409);
  EXPECT_EQ(HttpStatusFromCode(absl::StatusCode::kOutOfRange), 400);
  EXPECT_EQ(HttpStatusFromCode(absl::StatusCode::kUnimplemented), 501);
  EXPECT_EQ(HttpStatusFromCode(absl::StatusCode::kInternal), 500);
  EXPECT_EQ(HttpStatusFromCode(absl::StatusCode::kUnavailable), 503);
  EXPECT_EQ(HttpStatusFromCode(absl::StatusCode::kDataLoss), 500);
  EXPECT_EQ(HttpStatusFromCode(absl::StatusCode::kUnauthenticated), 401);
}

TEST(GatewayHttpMappingTest, ErrorJsonEscapes) {
  const std::string json = gateway::ErrorJson(
      absl::InvalidArgumentError("reporter: unknown \"X\\Y\"\n"));
  google::protobuf::Struct error;
  ASSERT_TRUE(JsonStringToMessage(json, &error).ok()) << json;
  EXPECT_EQ(error.fields().at("code").number_value(), 3);
  EXPECT_EQ(error.fields().at("message").string_value(),
            "reporter: unknown \"X\\Y\"\n");
}

}  // namespace
}  // namespace evtrade::testing

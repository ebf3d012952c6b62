// GetMarketReport / CompareReporters / QueryService forwarding through an
// in-process gateway in front of a fake QueryService.
#include <gmock/gmock.h>
#include <grpcpp/client_context.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "absl/strings/match.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gateway/report_builder.h"
#include "tests/support/canned_market.h"
#include "tests/support/gateway_harness.h"

namespace evtrade::testing {
namespace {

v1::GetMarketReportRequest ChinaRequest() {
  v1::GetMarketReportRequest request;
  request.set_reporter(" chn ");  // normalized by the gateway
  request.mutable_period()->set_year(2022);
  request.mutable_period()->set_month(11);
  return request;
}

// Calls GetMarketReport with a deadline `timeout` from now.
grpc::Status GetReport(GatewayHarness& h,
                       const v1::GetMarketReportRequest& request,
                       v1::MarketReport& report,
                       absl::Duration timeout = absl::Seconds(10)) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  return h.gateway().GetMarketReport(&context, request, &report);
}

// Every report part's RPC (not GetStoreInfo) answers after `delay`.
void DelayEveryPart(GatewayHarness& h, absl::Duration delay) {
  for (const char* method :
       {"GetSeries", "GetPowertrainMix", "GetPartnerBreakdown",
        "GetManufacturerBreakdown", "GetExporterRanking"}) {
    h.fake().SetDelay(method, delay);
  }
}

TEST(GatewayReportTest, AssemblesEveryFieldFromTheParts) {
  GatewayHarness h;
  h.StartGateway(FastTestClientConfig());
  v1::MarketReport report;
  grpc::Status status = GetReport(h, ChinaRequest(), report);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ExpectSameMessage(ExpectedChinaReport(7), report);

  // What was asked of each part.
  // The two series calls run concurrently: either may arrive first.
  EXPECT_THAT(h.fake().Requests("GetSeries"),
              ::testing::UnorderedElementsAre(
                  "reporter: \"CHN\" flow: FLOW_EXPORT powertrain: "
                  "POWERTRAIN_ELECTRIC start { year: 2022 month: 11 } end { "
                  "year: 2022 month: 11 }",
                  "reporter: \"CHN\" flow: FLOW_EXPORT powertrain: "
                  "POWERTRAIN_ALL start { year: 2022 month: 11 } end { year: "
                  "2022 month: 11 }"));
  EXPECT_EQ(h.fake().Requests("GetPowertrainMix"),
            (std::vector<std::string>{
                "reporter: \"CHN\" flow: FLOW_EXPORT period { year: 2022 "
                "month: 11 } segment: POWERTRAIN_ELECTRIC"}));
  EXPECT_EQ(h.fake().Requests("GetPartnerBreakdown"),
            (std::vector<std::string>{
                "reporter: \"CHN\" flow: FLOW_EXPORT powertrain: "
                "POWERTRAIN_ELECTRIC start { year: 2022 month: 11 } end { "
                "year: 2022 month: 11 } limit: 5"}));
  EXPECT_EQ(h.fake().Requests("GetManufacturerBreakdown"),
            (std::vector<std::string>{
                "reporter: \"CHN\" flow: FLOW_EXPORT powertrain: "
                "POWERTRAIN_ELECTRIC start { year: 2022 month: 11 } end { "
                "year: 2022 month: 11 } limit: 5"}));
  EXPECT_EQ(h.fake().Requests("GetExporterRanking"),
            (std::vector<std::string>{
                "powertrain: POWERTRAIN_ALL start { year: 2022 month: 1 } end "
                "{ year: 2022 month: 11 } rank_by: RANK_BY_VALUE"}));
}

TEST(GatewayReportTest, TopPartnersLimitIsPassedOn) {
  GatewayHarness h;
  h.StartGateway(FastTestClientConfig());
  v1::GetMarketReportRequest request = ChinaRequest();
  request.set_top_partners(2);
  v1::MarketReport report;
  ASSERT_TRUE(GetReport(h, request, report).ok());
  ASSERT_EQ(report.top_partners_size(), 2);
  EXPECT_EQ(report.top_partners(1).partner(), "GBR");
  // (1.3 + 0.915) / 3.21 billion * 100.
  EXPECT_DOUBLE_EQ(report.top_partners_share_pct(), 69.00311526479751);
}

TEST(GatewayReportTest, PartsAreFetchedInParallel) {
  GatewayHarness h;
  DelayEveryPart(h, absl::Milliseconds(200));
  h.StartGateway(FastTestClientConfig());
  const absl::Time start = absl::Now();
  v1::MarketReport report;
  ASSERT_TRUE(GetReport(h, ChinaRequest(), report).ok());
  const absl::Duration took = absl::Now() - start;
  // All six parts were in flight at once (GetStoreInfo, undelayed, had
  // answered before they started).
  EXPECT_EQ(h.fake().MaxInFlight(), 6);
  // Sequential calls would take 6 x 200 ms; a generous sanity bound.
  EXPECT_LT(took, absl::Milliseconds(800));
  EXPECT_TRUE(report.warnings().empty());
}

TEST(GatewayReportTest, SlowPartIsLeftOutAndNamedInWarnings) {
  GatewayHarness h;
  h.fake().SetDelay("GetPartnerBreakdown", absl::Seconds(5));
  h.StartGateway(FastTestClientConfig());
  const absl::Time start = absl::Now();
  v1::MarketReport report;
  grpc::Status status =
      GetReport(h, ChinaRequest(), report, absl::Milliseconds(1000));
  const absl::Duration took = absl::Now() - start;
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_LT(took, absl::Milliseconds(1000));

  v1::MarketReport expected = ExpectedChinaReport(7);
  expected.clear_top_partners();
  expected.clear_top_partners_share_pct();
  expected.set_headline(
      "China's electric vehicle exports hit a record $3.2 billion in November "
      "2022, up 165% year on year.");
  ASSERT_EQ(report.warnings_size(), 1);
  EXPECT_TRUE(
      absl::StartsWith(report.warnings(0), "top_partners: DEADLINE_EXCEEDED"))
      << report.warnings(0);
  expected.add_warnings(report.warnings(0));
  ExpectSameMessage(expected, report);
}

TEST(GatewayReportTest, PerPartCapBoundsASlowPartWithoutCallerDeadline) {
  GatewayHarness h;
  h.fake().SetDelay("GetManufacturerBreakdown", absl::Seconds(5));
  gateway::QueryClientConfig config = FastTestClientConfig();
  config.per_call_cap = absl::Milliseconds(300);
  h.StartGateway(config);
  const absl::Time start = absl::Now();
  v1::MarketReport report;
  grpc::ClientContext context;  // no deadline
  ASSERT_TRUE(
      h.gateway().GetMarketReport(&context, ChinaRequest(), &report).ok());
  EXPECT_LT(absl::Now() - start, absl::Seconds(2));
  ASSERT_EQ(report.warnings_size(), 1);
  EXPECT_TRUE(absl::StartsWith(report.warnings(0),
                               "top_manufacturers: DEADLINE_EXCEEDED"));
  EXPECT_TRUE(report.top_manufacturers().empty());
  EXPECT_EQ(report.top_partners_size(), 5);
}

TEST(GatewayReportTest, BackendDownIsUnavailableWithinTheDeadline) {
  GatewayHarness h;
  h.StopBackend();
  h.StartGateway(FastTestClientConfig());
  const absl::Time start = absl::Now();
  v1::MarketReport report;
  grpc::Status status =
      GetReport(h, ChinaRequest(), report, absl::Milliseconds(2000));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE)
      << status.error_message();
  EXPECT_TRUE(
      absl::StartsWith(status.error_message(),
                       "no part of the report could be read: UNAVAILABLE: "))
      << status.error_message();
  EXPECT_LT(absl::Now() - start, absl::Milliseconds(2000));
}

TEST(GatewayReportTest, DeadlineShorterThanTheMarginIsDeadlineExceeded) {
  GatewayHarness h;
  h.StartGateway(FastTestClientConfig());
  v1::MarketReport report;
  grpc::Status status =
      GetReport(h, ChinaRequest(), report, absl::Milliseconds(10));
  // Not UNAVAILABLE: that code tells retry policies to try again at once.
  EXPECT_EQ(status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED)
      << status.error_message();
  EXPECT_EQ(h.fake().Calls("GetSeries"), 0);
}

TEST(GatewayReportTest, EveryPartLateIsDeadlineExceeded) {
  GatewayHarness h;
  DelayEveryPart(h, absl::Seconds(5));
  gateway::QueryClientConfig config = FastTestClientConfig();
  config.per_call_cap = absl::Milliseconds(200);
  h.StartGateway(config);
  v1::MarketReport report;
  grpc::ClientContext context;  // no deadline: the gateway's own cap ran out
  grpc::Status status =
      h.gateway().GetMarketReport(&context, ChinaRequest(), &report);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_EQ(status.error_message(),
            "no part of the report could be read: DEADLINE_EXCEEDED: "
            "Deadline Exceeded");
}

TEST(GatewayReportTest, RecoversAfterTheBackendRestarts) {
  GatewayHarness h;
  h.StartGateway(FastTestClientConfig());
  v1::MarketReport report;
  ASSERT_TRUE(GetReport(h, ChinaRequest(), report).ok());

  h.StopBackend();
  EXPECT_EQ(GetReport(h, ChinaRequest(), report, absl::Seconds(2)).error_code(),
            grpc::StatusCode::UNAVAILABLE);

  ASSERT_TRUE(h.RestartBackend());
  // The channel reconnects on its own (backoff capped at 200 ms here).
  const absl::Time give_up = absl::Now() + absl::Seconds(10);
  grpc::Status status;
  do {
    report.Clear();
    status = GetReport(h, ChinaRequest(), report, absl::Seconds(2));
    if (status.ok()) break;
    absl::SleepFor(absl::Milliseconds(50));
  } while (absl::Now() < give_up);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ExpectSameMessage(ExpectedChinaReport(7), report);
}

TEST(GatewayReportTest, RepeatedReportIsServedFromTheCache) {
  GatewayHarness h;
  h.StartGateway(FastTestClientConfig());
  v1::MarketReport first, second, third;
  ASSERT_TRUE(GetReport(h, ChinaRequest(), first).ok());
  v1::GetMarketReportRequest same = ChinaRequest();
  same.set_reporter("CHN");
  same.set_powertrain(v1::POWERTRAIN_ELECTRIC);  // the default, spelt out
  same.set_top_partners(5);
  ASSERT_TRUE(GetReport(h, same, second).ok());
  // One round of part calls; the data_version lookup each time.
  EXPECT_EQ(h.fake().Calls("GetStoreInfo"), 2);
  EXPECT_EQ(h.fake().Calls("GetSeries"), 2);
  EXPECT_EQ(h.fake().Calls("GetPowertrainMix"), 1);
  EXPECT_EQ(h.fake().Calls("GetPartnerBreakdown"), 1);
  EXPECT_EQ(h.fake().Calls("GetManufacturerBreakdown"), 1);
  EXPECT_EQ(h.fake().Calls("GetExporterRanking"), 1);
  ExpectSameMessage(first, second);
  EXPECT_EQ(h.reports().cache().size(), 1u);

  // An ingest raises data_version: the report is computed again.
  h.data_version().store(8);
  ASSERT_TRUE(GetReport(h, ChinaRequest(), third).ok());
  EXPECT_EQ(h.fake().Calls("GetStoreInfo"), 3);
  EXPECT_EQ(h.fake().Calls("GetSeries"), 4);
  EXPECT_EQ(h.fake().Calls("GetExporterRanking"), 2);
  ExpectSameMessage(ExpectedChinaReport(8), third);
}

TEST(GatewayReportTest, PartialReportIsNotCached) {
  GatewayHarness h;
  h.fake().SetDelay("GetExporterRanking", absl::Seconds(5));
  gateway::QueryClientConfig config = FastTestClientConfig();
  config.per_call_cap = absl::Milliseconds(200);
  h.StartGateway(config);
  v1::MarketReport report;
  ASSERT_TRUE(GetReport(h, ChinaRequest(), report).ok());
  ASSERT_EQ(report.warnings_size(), 1);
  ASSERT_TRUE(GetReport(h, ChinaRequest(), report).ok());
  EXPECT_EQ(h.fake().Calls("GetSeries"), 4);
  EXPECT_EQ(h.reports().cache().size(), 0u);
}

TEST(GatewayReportTest, CacheDisabledComputesEveryTime) {
  GatewayHarness h;
  h.StartGateway(FastTestClientConfig(), {.cache_capacity = 0});
  v1::MarketReport report;
  ASSERT_TRUE(GetReport(h, ChinaRequest(), report).ok());
  ASSERT_TRUE(GetReport(h, ChinaRequest(), report).ok());
  EXPECT_EQ(h.fake().Calls("GetStoreInfo"), 0);
  EXPECT_EQ(h.fake().Calls("GetSeries"), 4);
}

TEST(GatewayReportTest, NotFoundFromTheBackendIsPassedThrough) {
  GatewayHarness h;
  h.StartGateway(FastTestClientConfig());
  v1::GetMarketReportRequest request = ChinaRequest();
  request.set_reporter("FRA");
  v1::MarketReport report;
  grpc::Status status = GetReport(h, request, report);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(status.error_message(), "reporter FRA has no data");
}

TEST(GatewayReportTest, MonthWithoutDataIsNotFound) {
  GatewayHarness h;
  h.fake().OnGetSeries([](const v1::GetSeriesRequest& request)
                           -> absl::StatusOr<v1::GetSeriesResponse> {
    v1::GetSeriesResponse response;
    v1::SeriesPoint* point = response.add_points();
    *point->mutable_period() = request.start();
    return response;  // has_data false
  });
  h.StartGateway(FastTestClientConfig());
  v1::MarketReport report;
  grpc::Status status = GetReport(h, ChinaRequest(), report);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(status.error_message(), "no export data for CHN in 2022-11");
}

TEST(GatewayReportTest, BadRequestsAreRejectedNamingTheField) {
  GatewayHarness h;
  h.StartGateway(FastTestClientConfig());
  struct Case {
    v1::GetMarketReportRequest request;
    std::string message;
  };
  std::vector<Case> cases;
  {
    v1::GetMarketReportRequest r = ChinaRequest();
    r.set_top_partners(101);
    cases.push_back({r, "top_partners: must be 0..100, got 101"});
  }
  {
    v1::GetMarketReportRequest r = ChinaRequest();
    r.set_top_partners(-1);
    cases.push_back({r, "top_partners: must be 0..100, got -1"});
  }
  {
    v1::GetMarketReportRequest r = ChinaRequest();
    r.clear_reporter();
    cases.push_back({r, "reporter: is required"});
  }
  {
    v1::GetMarketReportRequest r = ChinaRequest();
    r.set_reporter("W00");
    cases.push_back(
        {r, "reporter: must be a country, not the World total W00"});
  }
  {
    v1::GetMarketReportRequest r = ChinaRequest();
    r.set_reporter("QQQ");
    cases.push_back(
        {r, "reporter: unknown country code \"QQQ\" (ISO 3166-1 alpha-3)"});
  }
  {
    v1::GetMarketReportRequest r = ChinaRequest();
    r.clear_period();
    cases.push_back({r, "period: required"});
  }
  {
    v1::GetMarketReportRequest r = ChinaRequest();
    r.set_powertrain(static_cast<v1::Powertrain>(42));
    cases.push_back({r, "powertrain: unknown value 42"});
  }
  for (const Case& c : cases) {
    v1::MarketReport report;
    grpc::Status status = GetReport(h, c.request, report);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(status.error_message(), c.message);
  }
  v1::GetMarketReportRequest bad_month = ChinaRequest();
  bad_month.mutable_period()->set_month(13);
  v1::MarketReport report;
  grpc::Status status = GetReport(h, bad_month, report);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StartsWith(status.error_message(), "period"))
      << status.error_message();
  EXPECT_EQ(h.fake().TotalCalls(), 0);
}

TEST(GatewayReportTest, CompareReportersKeepsRequestOrder) {
  GatewayHarness h;
  h.StartGateway(FastTestClientConfig());
  v1::CompareReportersRequest request;
  request.add_reporters("FRA");
  request.add_reporters("chn");
  request.mutable_period()->set_year(2022);
  request.mutable_period()->set_month(11);
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
  v1::CompareReportersResponse response;
  grpc::Status status =
      h.gateway().CompareReporters(&context, request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(response.reports_size(), 2);

  v1::MarketReport failed;
  failed.set_reporter("FRA");
  failed.mutable_period()->set_year(2022);
  failed.mutable_period()->set_month(11);
  failed.add_warnings("report: NOT_FOUND: reporter FRA has no data");
  ExpectSameMessage(failed, response.reports(0));
  ExpectSameMessage(ExpectedChinaReport(7), response.reports(1));
  // One data_version lookup for the whole comparison.
  EXPECT_EQ(h.fake().Calls("GetStoreInfo"), 1);
}

TEST(GatewayReportTest, CompareReportersValidatesTheList) {
  GatewayHarness h;
  h.StartGateway(FastTestClientConfig());
  v1::CompareReportersRequest request;
  request.mutable_period()->set_year(2022);
  request.mutable_period()->set_month(11);
  v1::CompareReportersResponse response;
  {
    grpc::ClientContext context;
    grpc::Status status =
        h.gateway().CompareReporters(&context, request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(status.error_message(), "reporters: must list 1..20, got 0");
  }
  request.add_reporters("CHN");
  request.add_reporters("XX1");
  {
    grpc::ClientContext context;
    grpc::Status status =
        h.gateway().CompareReporters(&context, request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(status.error_message(),
              "reporters[1]: unknown country code \"XX1\" (ISO 3166-1 "
              "alpha-3)");
  }
}

TEST(GatewayReportTest, CompareReportersFailsWhenEveryReportFails) {
  GatewayHarness h;
  h.StartGateway(FastTestClientConfig());
  v1::CompareReportersRequest request;
  request.add_reporters("FRA");
  request.add_reporters("DEU");
  request.mutable_period()->set_year(2022);
  request.mutable_period()->set_month(11);
  grpc::ClientContext context;
  v1::CompareReportersResponse response;
  grpc::Status status =
      h.gateway().CompareReporters(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(status.error_message(), "reporter FRA has no data");
}

TEST(GatewayReportTest, QueryServiceIsForwarded) {
  GatewayHarness h;
  h.StartGateway(FastTestClientConfig());
  v1::GetSeriesRequest request;
  request.set_reporter("CHN");
  request.set_powertrain(v1::POWERTRAIN_ALL);
  *request.mutable_start() = ChinaRequest().period();
  *request.mutable_end() = ChinaRequest().period();
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
  v1::GetSeriesResponse response;
  ASSERT_TRUE(h.forwarded_query().GetSeries(&context, request, &response).ok());
  ASSERT_EQ(response.points_size(), 1);
  EXPECT_EQ(response.points(0).value_usd(), 6'050'000'000);
  EXPECT_EQ(response.data_version(), 7);
  EXPECT_EQ(h.fake().Requests("GetSeries"),
            std::vector<std::string>{request.ShortDebugString()});

  // Errors come back as the backend gave them.
  request.set_reporter("FRA");
  grpc::ClientContext context2;
  grpc::Status status =
      h.forwarded_query().GetSeries(&context2, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(status.error_message(), "reporter FRA has no data");
}

TEST(GatewayReportTest, ForwardingKeepsTheCallersDeadline) {
  GatewayHarness h;
  h.fake().SetDelay("GetStoreInfo", absl::Seconds(5));
  h.StartGateway(FastTestClientConfig());
  const absl::Time start = absl::Now();
  grpc::ClientContext context;
  context.set_deadline(
      absl::ToChronoTime(absl::Now() + absl::Milliseconds(300)));
  v1::GetStoreInfoResponse response;
  grpc::Status status = h.forwarded_query().GetStoreInfo(
      &context, v1::GetStoreInfoRequest(), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_LT(absl::Now() - start, absl::Seconds(2));
  // The backend got the caller's deadline less the margin, not the 5 s cap.
  EXPECT_LE(h.fake().LastDeadline("GetStoreInfo"),
            start + absl::Milliseconds(290));
  EXPECT_GT(h.fake().LastDeadline("GetStoreInfo"),
            start + absl::Milliseconds(100));
}

}  // namespace
}  // namespace evtrade::testing

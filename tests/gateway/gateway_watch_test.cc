// The report cache told data_version by the query service's watch stream:
// hits without a call to the query service, a told ingest recomputes, a
// caller's min_data_version ahead of the watch is asked, and a lost watch
// falls back to asking. A fake QueryService serves the watch.
#include <grpcpp/client_context.h>
#include <gtest/gtest.h>

#include <optional>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "tests/support/canned_market.h"
#include "tests/support/gateway_harness.h"

namespace evtrade::testing {
namespace {

constexpr absl::Duration kWait = absl::Seconds(10);

v1::GetMarketReportRequest ChinaRequest(int64_t min_data_version = 0) {
  v1::GetMarketReportRequest request;
  request.set_reporter("CHN");
  request.mutable_period()->set_year(2022);
  request.mutable_period()->set_month(11);
  request.set_min_data_version(min_data_version);
  return request;
}

v1::MarketReport GetReportOk(GatewayHarness& h,
                             const v1::GetMarketReportRequest& request) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + kWait));
  v1::MarketReport report;
  grpc::Status status = h.gateway().GetMarketReport(&context, request, &report);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return report;
}

// A gateway whose watch has told data_version 7.
void StartWatchedGateway(GatewayHarness& h,
                         gateway::MarketReportsConfig config = {}) {
  h.EnableWatch();
  h.StartGateway(FastTestClientConfig(), config);
  ASSERT_NE(h.reports().watcher(), nullptr);
  ASSERT_TRUE(h.reports().watcher()->WaitFor(7, kWait));
}

double Count(GatewayHarness& h, const char* result, const char* version) {
  return h.reports().cache().Count(result, version);
}

TEST(GatewayWatchTest, HitsCostNoCallToTheQueryService) {
  GatewayHarness h;
  StartWatchedGateway(h);
  ExpectSameMessage(ExpectedChinaReport(7), GetReportOk(h, ChinaRequest()));
  ExpectSameMessage(ExpectedChinaReport(7), GetReportOk(h, ChinaRequest()));
  EXPECT_EQ(h.fake().Calls("GetStoreInfo"), 0);
  // One report's parts (the two series are both GetSeries), once.
  EXPECT_EQ(h.fake().Calls("GetSeries"), 2);
  EXPECT_EQ(h.fake().Calls("GetExporterRanking"), 1);
  EXPECT_EQ(Count(h, "miss", "watched"), 1);
  EXPECT_EQ(Count(h, "hit", "watched"), 1);
  EXPECT_EQ(Count(h, "miss", "asked") + Count(h, "hit", "asked") +
                Count(h, "bypass", "none"),
            0);
  EXPECT_EQ(h.reports().watcher()->streams_opened(), 1);
}

TEST(GatewayWatchTest, AToldIngestMakesTheNextReportNew) {
  GatewayHarness h;
  StartWatchedGateway(h);
  ExpectSameMessage(ExpectedChinaReport(7), GetReportOk(h, ChinaRequest()));
  h.PublishDataVersion(8);
  ASSERT_TRUE(h.reports().watcher()->WaitFor(8, kWait));
  ExpectSameMessage(ExpectedChinaReport(8), GetReportOk(h, ChinaRequest()));
  EXPECT_EQ(h.fake().Calls("GetSeries"), 4);
  EXPECT_EQ(h.fake().Calls("GetStoreInfo"), 0);
  EXPECT_EQ(Count(h, "miss", "watched"), 2);
}

TEST(GatewayWatchTest, MinDataVersionAheadOfTheWatchIsAsked) {
  GatewayHarness h;
  StartWatchedGateway(h);
  ExpectSameMessage(ExpectedChinaReport(7), GetReportOk(h, ChinaRequest()));
  // An ingest committed (data_version 8) and acknowledged to its caller,
  // which the watch has not told yet: the cached report at 7 is stale.
  h.data_version().store(8);
  ExpectSameMessage(ExpectedChinaReport(7), GetReportOk(h, ChinaRequest(7)));
  ExpectSameMessage(ExpectedChinaReport(8), GetReportOk(h, ChinaRequest(8)));
  EXPECT_EQ(h.fake().Calls("GetStoreInfo"), 1);
  EXPECT_EQ(Count(h, "hit", "watched"), 1);
  EXPECT_EQ(Count(h, "miss", "asked"), 1);
  // Once told, the report computed at 8 is served without asking.
  h.PublishDataVersion(8);
  ASSERT_TRUE(h.reports().watcher()->WaitFor(8, kWait));
  ExpectSameMessage(ExpectedChinaReport(8), GetReportOk(h, ChinaRequest(8)));
  EXPECT_EQ(h.fake().Calls("GetStoreInfo"), 1);
  EXPECT_EQ(h.fake().Calls("GetSeries"), 4);
  EXPECT_EQ(Count(h, "hit", "watched"), 2);
}

TEST(GatewayWatchTest, ALostWatchFallsBackToAsking) {
  GatewayHarness h;
  // No new stream within the test: what happens while there is none.
  gateway::MarketReportsConfig config;
  config.watcher.initial_backoff = absl::Hours(1);
  config.watcher.max_backoff = absl::Hours(1);
  StartWatchedGateway(h, config);
  ExpectSameMessage(ExpectedChinaReport(7), GetReportOk(h, ChinaRequest()));
  h.fake().EndWatches();
  ASSERT_TRUE(h.reports().watcher()->WaitFor(std::nullopt, kWait));
  // Not served on the lost watch's word: asked, and the ingest that
  // happened meanwhile is seen.
  h.data_version().store(8);
  ExpectSameMessage(ExpectedChinaReport(8), GetReportOk(h, ChinaRequest()));
  EXPECT_EQ(h.fake().Calls("GetStoreInfo"), 1);
  EXPECT_EQ(Count(h, "miss", "asked"), 1);
  EXPECT_EQ(h.reports().watcher()->streams_opened(), 1);
}

TEST(GatewayWatchTest, ALostWatchIsOpenedAgain) {
  GatewayHarness h;
  StartWatchedGateway(h);
  h.fake().EndWatches();
  // Told on the new stream (opened after the backoff) either at once or
  // when published, whichever comes first.
  h.PublishDataVersion(8);
  ASSERT_TRUE(h.reports().watcher()->WaitFor(8, kWait));
  EXPECT_EQ(h.reports().watcher()->streams_opened(), 2);
  ExpectSameMessage(ExpectedChinaReport(8), GetReportOk(h, ChinaRequest()));
  EXPECT_EQ(h.fake().Calls("GetStoreInfo"), 0);
  EXPECT_EQ(Count(h, "miss", "watched"), 1);
}

TEST(GatewayWatchTest, BackendWithoutTheWatchIsAskedEveryTime) {
  GatewayHarness h;  // the fake answers WatchDataVersion UNIMPLEMENTED
  h.StartGateway(FastTestClientConfig());
  ExpectSameMessage(ExpectedChinaReport(7), GetReportOk(h, ChinaRequest()));
  ExpectSameMessage(ExpectedChinaReport(7), GetReportOk(h, ChinaRequest()));
  EXPECT_EQ(h.fake().Calls("GetStoreInfo"), 2);
  EXPECT_EQ(Count(h, "miss", "asked"), 1);
  EXPECT_EQ(Count(h, "hit", "asked"), 1);
  EXPECT_EQ(h.reports().watcher()->Known(), std::nullopt);
}

TEST(GatewayWatchTest, DisabledCacheNeitherWatchesNorAsks) {
  GatewayHarness h;
  h.EnableWatch();
  h.StartGateway(FastTestClientConfig(), {.cache_capacity = 0});
  EXPECT_EQ(h.reports().watcher(), nullptr);
  ExpectSameMessage(ExpectedChinaReport(7), GetReportOk(h, ChinaRequest()));
  EXPECT_EQ(h.fake().Calls("GetStoreInfo"), 0);
  EXPECT_EQ(Count(h, "bypass", "none"), 1);
  EXPECT_EQ(h.fake().OpenWatches(), 0);
}

}  // namespace
}  // namespace evtrade::testing

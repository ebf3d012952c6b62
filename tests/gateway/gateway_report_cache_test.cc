// The LRU report cache and the report assembly rules, without servers.
#include <gtest/gtest.h>

#include "absl/status/status.h"
#include "gateway/report_builder.h"
#include "gateway/report_cache.h"

namespace evtrade::gateway {
namespace {

constexpr ReportCache::VersionSource kWatched =
    ReportCache::VersionSource::kWatched;

v1::MarketReport Report(const std::string& headline) {
  v1::MarketReport report;
  report.set_headline(headline);
  return report;
}

TEST(GatewayReportCacheTest, ServesOnlyTheSameRequestAtTheSameVersion) {
  ReportCache cache(10, nullptr);
  cache.Put("a", 7, Report("a7"));
  ASSERT_NE(cache.Get("a", 7, kWatched), nullptr);
  EXPECT_EQ(cache.Get("a", 7, kWatched)->headline(), "a7");
  EXPECT_EQ(cache.Get("a", 8, kWatched), nullptr);
  EXPECT_EQ(cache.Get("b", 7, kWatched), nullptr);
  cache.Put("a", 7, Report("a7 again"));
  EXPECT_EQ(cache.Get("a", 7, kWatched)->headline(), "a7 again");
  EXPECT_EQ(cache.size(), 1u);
}

TEST(GatewayReportCacheTest, EvictsTheLeastRecentlyUsed) {
  ReportCache cache(2, nullptr);
  cache.Put("a", 1, Report("a"));
  cache.Put("b", 1, Report("b"));
  ASSERT_NE(cache.Get("a", 1, kWatched), nullptr);  // b is now the oldest
  cache.Put("c", 1, Report("c"));
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_NE(cache.Get("a", 1, kWatched), nullptr);
  EXPECT_EQ(cache.Get("b", 1, kWatched), nullptr);
  EXPECT_NE(cache.Get("c", 1, kWatched), nullptr);
}

TEST(GatewayReportCacheTest, ZeroCapacityKeepsNothing) {
  ReportCache cache(0, nullptr);
  cache.Put("a", 1, Report("a"));
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_EQ(cache.Get("a", 1, kWatched), nullptr);
}

v1::GetMarketReportRequest Normalized() {
  v1::GetMarketReportRequest request;
  request.set_reporter("CHN");
  request.mutable_period()->set_year(2022);
  request.mutable_period()->set_month(11);
  request.set_powertrain(v1::POWERTRAIN_ELECTRIC);
  request.set_flow(v1::FLOW_EXPORT);
  request.set_top_partners(5);
  return request;
}

TEST(GatewayAssembleTest, NothingReadIsUnavailable) {
  ReportParts parts;
  parts.segment_series = absl::UnavailableError("down");
  parts.all_series = absl::DeadlineExceededError("slow");
  parts.mix = absl::UnavailableError("down");
  parts.partners = absl::UnavailableError("down");
  parts.manufacturers = absl::UnavailableError("down");
  parts.ranking = absl::UnavailableError("down");
  absl::StatusOr<v1::MarketReport> report =
      AssembleMarketReport(Normalized(), parts);
  EXPECT_EQ(report.status(),
            absl::UnavailableError(
                "no part of the report could be read: segment: UNAVAILABLE: "
                "down; all_vehicles: DEADLINE_EXCEEDED: slow; "
                "segment_share_of_all: UNAVAILABLE: down; top_partners: "
                "UNAVAILABLE: down; top_manufacturers: UNAVAILABLE: down; "
                "exporter_rank: UNAVAILABLE: down"));
}

// Parts failing alternately with `a` (segment, mix, manufacturers) and `b`.
ReportParts PartsFailingWith(const absl::Status& a, const absl::Status& b) {
  ReportParts parts;
  parts.segment_series = a;
  parts.all_series = b;
  parts.mix = a;
  parts.partners = b;
  parts.manufacturers = a;
  parts.ranking = b;
  return parts;
}

TEST(GatewayAssembleTest, NothingReadKeepsTheCodeEveryPartFailedWith) {
  // Every part ran out of time: DEADLINE_EXCEEDED, not UNAVAILABLE (which
  // tells retry policies to try again at once).
  const absl::Status late = absl::DeadlineExceededError("Deadline Exceeded");
  EXPECT_EQ(
      AssembleMarketReport(Normalized(), PartsFailingWith(late, late)).status(),
      absl::DeadlineExceededError("no part of the report could be read: "
                                  "DEADLINE_EXCEEDED: Deadline Exceeded"));
  // A backend that answers every part INTERNAL is broken, not busy.
  const absl::Status broken = absl::InternalError("integer overflow");
  EXPECT_EQ(
      AssembleMarketReport(Normalized(), PartsFailingWith(broken, broken))
          .status(),
      absl::InternalError(
          "no part of the report could be read: INTERNAL: integer overflow"));
  // Broken and late: the late parts may come in time on a retry.
  EXPECT_EQ(AssembleMarketReport(Normalized(), PartsFailingWith(broken, late))
                .status()
                .code(),
            absl::StatusCode::kUnavailable);
}

TEST(GatewayAssembleTest, OneCauseOfFailureIsSaidOnce) {
  ReportParts parts;
  parts.segment_series = absl::UnavailableError("down");
  parts.all_series = absl::UnavailableError("down");
  parts.ranking = absl::UnavailableError("down");
  EXPECT_EQ(AssembleMarketReport(Normalized(), parts).status(),
            absl::UnavailableError(
                "no part of the report could be read: UNAVAILABLE: down"));
}

TEST(GatewayAssembleTest, RequestErrorsWinOverOtherFailures) {
  ReportParts parts;
  parts.segment_series = absl::UnavailableError("down");
  parts.mix = absl::InvalidArgumentError("period: too early");
  parts.ranking = absl::NotFoundError("nothing");
  EXPECT_EQ(AssembleMarketReport(Normalized(), parts).status(),
            absl::InvalidArgumentError("period: too early"));
}

TEST(GatewayAssembleTest, SeriesAnswerWithTheWrongMonthIsAFailedPart) {
  ReportParts parts;
  v1::GetSeriesResponse wrong;
  v1::SeriesPoint* point = wrong.add_points();
  point->mutable_period()->set_year(2022);
  point->mutable_period()->set_month(10);
  point->set_has_data(true);
  point->set_value_usd(5);
  parts.segment_series = wrong;
  v1::GetPowertrainMixResponse mix;
  mix.set_segment_majority_streak_months(3);
  mix.set_data_version(4);
  parts.mix = mix;
  absl::StatusOr<v1::MarketReport> report =
      AssembleMarketReport(Normalized(), parts);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_FALSE(report->has_segment());
  EXPECT_FALSE(report->has_ytd_segment());
  EXPECT_FALSE(report->has_segment_share_of_all_pct());
  EXPECT_EQ(report->segment_majority_streak_months(), 3);
  EXPECT_EQ(report->data_version(), 4);
  ASSERT_EQ(report->warnings_size(), 1);
  EXPECT_EQ(report->warnings(0),
            "segment: INTERNAL: series answer has 1 points, expected one for "
            "2022-11");
  EXPECT_EQ(report->headline(), "");
}

TEST(GatewayAssembleTest, ReporterMissingFromTheRankingHasRankZero) {
  ReportParts parts;
  v1::GetExporterRankingResponse ranking;
  ranking.add_ranks()->set_reporter("JPN");
  ranking.mutable_ranks(0)->set_rank(1);
  parts.ranking = ranking;
  absl::StatusOr<v1::MarketReport> report =
      AssembleMarketReport(Normalized(), parts);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->exporter_rank().rank(), 0);
  EXPECT_EQ(report->exporter_rank().reporters_ranked(), 1);
  EXPECT_EQ(report->exporter_rank().behind(), "");
}

TEST(GatewayAssembleTest, TopPartnersShareIsAbsentOverAZeroTotal) {
  ReportParts parts;
  v1::GetPartnerBreakdownResponse partners;
  partners.add_partners()->set_partner("BEL");
  parts.partners = partners;
  absl::StatusOr<v1::MarketReport> report =
      AssembleMarketReport(Normalized(), parts);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->top_partners_size(), 1);
  EXPECT_FALSE(report->has_top_partners_share_pct());
}

}  // namespace
}  // namespace evtrade::gateway

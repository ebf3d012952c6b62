// The report headline and its number formats.
#include <gtest/gtest.h>

#include "gateway/headline.h"

namespace evtrade::gateway {
namespace {

v1::MarketReport ChinaNovember() {
  v1::MarketReport report;
  report.set_reporter("CHN");
  report.mutable_period()->set_year(2022);
  report.mutable_period()->set_month(11);
  report.set_powertrain(v1::POWERTRAIN_ELECTRIC);
  report.set_flow(v1::FLOW_EXPORT);
  report.mutable_segment()->set_value_usd(3'210'000'000);
  report.mutable_segment()->set_value_yoy_pct(165.3);
  report.mutable_segment()->set_record_high(true);
  v1::PartnerShare* bel = report.add_top_partners();
  bel->set_partner("BEL");
  bel->set_cumulative_share_pct(40.5);
  v1::PartnerShare* gbr = report.add_top_partners();
  gbr->set_partner("GBR");
  gbr->set_cumulative_share_pct(69.4);
  v1::PartnerShare* tha = report.add_top_partners();
  tha->set_partner("THA");
  tha->set_cumulative_share_pct(78.3);
  return report;
}

TEST(GatewayHeadlineTest, RecordWithGrowthAndTopTwoPartners) {
  EXPECT_EQ(MakeHeadline(ChinaNovember()),
            "China's electric vehicle exports hit a record $3.2 billion in "
            "November 2022, up 165% year on year; Belgium and the United "
            "Kingdom took 69%.");
}

TEST(GatewayHeadlineTest, NotARecordAndDown) {
  v1::MarketReport report = ChinaNovember();
  report.mutable_segment()->set_record_high(false);
  report.mutable_segment()->set_value_yoy_pct(-4.25);
  EXPECT_EQ(MakeHeadline(report),
            "China's electric vehicle exports were $3.2 billion in November "
            "2022, down 4.3% year on year; Belgium and the United Kingdom "
            "took 69%.");
}

TEST(GatewayHeadlineTest, NoGrowthClauseWithoutYoYAndOnePartner) {
  v1::MarketReport report = ChinaNovember();
  report.mutable_segment()->clear_value_yoy_pct();
  report.mutable_top_partners()->DeleteSubrange(1, 2);
  EXPECT_EQ(MakeHeadline(report),
            "China's electric vehicle exports hit a record $3.2 billion in "
            "November 2022; Belgium took 41%.");
}

TEST(GatewayHeadlineTest, UnchangedAndNoPartners) {
  v1::MarketReport report = ChinaNovember();
  report.mutable_segment()->set_value_yoy_pct(0.04);
  report.mutable_segment()->set_record_high(false);
  report.clear_top_partners();
  EXPECT_EQ(MakeHeadline(report),
            "China's electric vehicle exports were $3.2 billion in November "
            "2022, unchanged year on year.");
}

TEST(GatewayHeadlineTest, ZeroMonth) {
  v1::MarketReport report = ChinaNovember();
  report.mutable_segment()->set_value_usd(0);
  EXPECT_EQ(MakeHeadline(report),
            "China reported no electric vehicle exports for November 2022.");
}

TEST(GatewayHeadlineTest, FallsBackToAllVehiclesWhenTheSegmentIsMissing) {
  v1::MarketReport report = ChinaNovember();
  report.clear_segment();
  report.mutable_all_vehicles()->set_value_usd(6'050'000'000);
  report.mutable_all_vehicles()->set_value_yoy_pct(98.2);
  report.mutable_all_vehicles()->set_record_high(true);
  // The partners are the segment's, so they are not told of all vehicles.
  EXPECT_EQ(MakeHeadline(report),
            "China's vehicle exports hit a record $6.1 billion in November "
            "2022, up 98% year on year.");
  report.clear_all_vehicles();
  EXPECT_EQ(MakeHeadline(report), "");
}

TEST(GatewayHeadlineTest, ArticleAndPossessiveOfPluralNames) {
  v1::MarketReport report = ChinaNovember();
  report.set_reporter("NLD");
  report.set_flow(v1::FLOW_IMPORT);
  report.set_powertrain(v1::POWERTRAIN_ALL);
  report.clear_top_partners();
  report.mutable_segment()->set_value_usd(612'340'000);
  EXPECT_EQ(MakeHeadline(report),
            "The Netherlands' vehicle imports hit a record $612.3 million in "
            "November 2022, up 165% year on year.");
  report.set_reporter("USA");
  EXPECT_EQ(MakeHeadline(report),
            "The United States' vehicle imports hit a record $612.3 million "
            "in November 2022, up 165% year on year.");
}

TEST(GatewayHeadlineTest, UsdFormats) {
  EXPECT_EQ(FormatUsdShort(3'210'000'000), "$3.2 billion");
  EXPECT_EQ(FormatUsdShort(6'000'000'000), "$6 billion");
  EXPECT_EQ(FormatUsdShort(6'049'999'999), "$6 billion");
  EXPECT_EQ(FormatUsdShort(6'050'000'000), "$6.1 billion");
  EXPECT_EQ(FormatUsdShort(999'950'000), "$1 billion");
  EXPECT_EQ(FormatUsdShort(999'949'999), "$999.9 million");
  EXPECT_EQ(FormatUsdShort(612'000'000), "$612 million");
  EXPECT_EQ(FormatUsdShort(1'000'000), "$1 million");
  EXPECT_EQ(FormatUsdShort(999'949), "$999,949");
  EXPECT_EQ(FormatUsdShort(45'210), "$45,210");
  EXPECT_EQ(FormatUsdShort(512), "$512");
  EXPECT_EQ(FormatUsdShort(0), "$0");
}

TEST(GatewayHeadlineTest, PercentFormats) {
  EXPECT_EQ(FormatPercent(165.3), "165%");
  EXPECT_EQ(FormatPercent(-165.5), "166%");
  EXPECT_EQ(FormatPercent(9.94), "9.9%");
  EXPECT_EQ(FormatPercent(9.96), "10%");
  EXPECT_EQ(FormatPercent(4.0), "4%");
  EXPECT_EQ(FormatPercent(0.3), "0.3%");
  EXPECT_EQ(FormatPercent(0.04), "0%");
}

}  // namespace
}  // namespace evtrade::gateway

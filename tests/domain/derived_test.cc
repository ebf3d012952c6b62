#include "common/domain/derived.h"

#include <cstdint>
#include <limits>
#include <vector>

#include "gtest/gtest.h"

namespace evtrade {
namespace {

TEST(GrowthPctTest, AbsentOverMissingOrZeroBase) {
  EXPECT_FALSE(GrowthPct(100, std::nullopt).has_value());
  EXPECT_FALSE(GrowthPct(100, 0).has_value());
  EXPECT_DOUBLE_EQ(*GrowthPct(265, 100), 165.0);
  EXPECT_DOUBLE_EQ(*GrowthPct(50, 200), -75.0);
  EXPECT_DOUBLE_EQ(*GrowthPct(0, 40), -100.0);
  EXPECT_DOUBLE_EQ(*GrowthPct(7, 7), 0.0);
}

TEST(SharePctTest, AbsentOverZeroTotal) {
  EXPECT_FALSE(SharePct(0, 0).has_value());
  EXPECT_DOUBLE_EQ(*SharePct(1, 4), 25.0);
  EXPECT_DOUBLE_EQ(*SharePct(0, 4), 0.0);
}

// 2021-03 and 2021-05 are missing, 2021-02 is 0, 2022-04 ties the record
// of 2021-04, 2022-06 has no data.
std::vector<MonthFigures> History() {
  return {
      {{2021, 1}, 100, 10}, {{2021, 2}, 0, 0},   {{2021, 4}, 300, 30},
      {{2022, 1}, 150, 12}, {{2022, 2}, 50, 5},  {{2022, 3}, 80, 8},
      {{2022, 4}, 300, 20}, {{2022, 5}, 301, 1}, {{2022, 7}, 999, 9},
  };
}

// Totals across reporters may pass int64 (bounds.h); their shares are
// taken over a 128-bit sum.
TEST(SharePctTest, OverATotalBeyondInt64) {
  const int64_t max = std::numeric_limits<int64_t>::max();
  const absl::int128 total = absl::int128(max) * 4;
  EXPECT_DOUBLE_EQ(*SharePct(max, total), 25.0);
  EXPECT_FALSE(SharePct(max, absl::int128(0)).has_value());
}

TEST(DeriveSeriesTest, EveryFieldOfEveryMonth) {
  std::vector<MonthFigures> history = History();
  std::vector<SeriesPointFigures> points =
      DeriveSeries(history, Month{2022, 1}, Month{2022, 6});
  ASSERT_EQ(points.size(), 6u);

  const SeriesPointFigures& jan = points[0];
  EXPECT_EQ(jan.month, (Month{2022, 1}));
  EXPECT_TRUE(jan.has_data);
  EXPECT_EQ(jan.value_usd, 150);
  EXPECT_EQ(jan.quantity, 12);
  EXPECT_DOUBLE_EQ(*jan.value_yoy_pct, 50.0);     // (150-100)/100
  EXPECT_DOUBLE_EQ(*jan.quantity_yoy_pct, 20.0);  // (12-10)/10
  EXPECT_FALSE(jan.value_mom_pct.has_value());    // 2021-12 missing
  EXPECT_FALSE(jan.record_high);                  // 300 in 2021-04
  EXPECT_FALSE(jan.previous_record.has_value());
  EXPECT_EQ(jan.ytd_value_usd, 150);
  EXPECT_EQ(jan.ytd_quantity, 12);

  const SeriesPointFigures& feb = points[1];
  EXPECT_FALSE(feb.value_yoy_pct.has_value());     // base 2021-02 is 0
  EXPECT_FALSE(feb.quantity_yoy_pct.has_value());  // base quantity 0
  EXPECT_DOUBLE_EQ(*feb.value_mom_pct, (50.0 - 150.0) / 150.0 * 100.0);
  EXPECT_EQ(feb.ytd_value_usd, 200);
  EXPECT_EQ(feb.ytd_quantity, 17);

  const SeriesPointFigures& mar = points[2];
  EXPECT_FALSE(mar.value_yoy_pct.has_value());  // 2021-03 missing
  EXPECT_DOUBLE_EQ(*mar.value_mom_pct, 60.0);   // (80-50)/50
  EXPECT_EQ(mar.ytd_value_usd, 280);

  const SeriesPointFigures& apr = points[3];
  EXPECT_DOUBLE_EQ(*apr.value_yoy_pct, 0.0);  // a 0% change is not absent
  EXPECT_DOUBLE_EQ(*apr.quantity_yoy_pct, (20.0 - 30.0) / 30.0 * 100.0);
  EXPECT_DOUBLE_EQ(*apr.value_mom_pct, 275.0);  // (300-80)/80
  EXPECT_FALSE(apr.record_high);                // ties are not records
  EXPECT_EQ(apr.ytd_value_usd, 580);
  EXPECT_EQ(apr.ytd_quantity, 45);

  const SeriesPointFigures& may = points[4];
  EXPECT_FALSE(may.value_yoy_pct.has_value());
  EXPECT_DOUBLE_EQ(*may.value_mom_pct, 1.0 / 300.0 * 100.0);
  EXPECT_TRUE(may.record_high);
  ASSERT_TRUE(may.previous_record.has_value());
  // 2021-04 and 2022-04 both had 300: the earliest is the previous record.
  EXPECT_EQ(may.previous_record->month, (Month{2021, 4}));
  EXPECT_EQ(may.previous_record->value_usd, 300);
  EXPECT_EQ(may.ytd_value_usd, 881);
  EXPECT_EQ(may.ytd_quantity, 46);

  const SeriesPointFigures& jun = points[5];
  EXPECT_FALSE(jun.has_data);
  EXPECT_EQ(jun.value_usd, 0);
  EXPECT_EQ(jun.quantity, 0);
  EXPECT_FALSE(jun.value_yoy_pct.has_value());
  EXPECT_FALSE(jun.quantity_yoy_pct.has_value());
  EXPECT_FALSE(jun.value_mom_pct.has_value());
  EXPECT_FALSE(jun.record_high);
  EXPECT_EQ(jun.ytd_value_usd, 881);  // YTD carries through a gap
  EXPECT_EQ(jun.ytd_quantity, 46);
}

TEST(DeriveSeriesTest, YtdCountsMonthsBeforeTheRange) {
  std::vector<MonthFigures> history = History();
  std::vector<SeriesPointFigures> points =
      DeriveSeries(history, Month{2022, 3}, Month{2022, 3});
  ASSERT_EQ(points.size(), 1u);
  EXPECT_EQ(points[0].ytd_value_usd, 280);
  EXPECT_EQ(points[0].ytd_quantity, 25);
}

TEST(DeriveSeriesTest, RecordHighComparesWithMonthsBeforeTheRange) {
  std::vector<MonthFigures> history = History();
  // 2022-07 (999) beats 2022-05 (301), the highest earlier month.
  std::vector<SeriesPointFigures> points =
      DeriveSeries(history, Month{2022, 7}, Month{2022, 7});
  ASSERT_EQ(points.size(), 1u);
  EXPECT_TRUE(points[0].record_high);
  EXPECT_EQ(points[0].previous_record->month, (Month{2022, 5}));
  EXPECT_EQ(points[0].previous_record->value_usd, 301);
  EXPECT_FALSE(points[0].value_mom_pct.has_value());  // 2022-06 no data
}

TEST(DeriveSeriesTest, FirstMonthOnRecordIsNoRecordHigh) {
  std::vector<MonthFigures> history = History();
  std::vector<SeriesPointFigures> points =
      DeriveSeries(history, Month{2020, 12}, Month{2021, 2});
  ASSERT_EQ(points.size(), 3u);
  EXPECT_FALSE(points[0].has_data);
  EXPECT_EQ(points[0].ytd_value_usd, 0);
  EXPECT_FALSE(points[1].record_high);  // 2021-01: nothing earlier
  EXPECT_EQ(points[1].ytd_value_usd, 100);
  EXPECT_FALSE(points[2].record_high);  // 0 < 100
  EXPECT_DOUBLE_EQ(*points[2].value_mom_pct, -100.0);
}

TEST(DeriveSeriesTest, EmptyRangeAndEmptyHistory) {
  std::vector<MonthFigures> history = History();
  EXPECT_TRUE(DeriveSeries(history, Month{2022, 2}, Month{2022, 1}).empty());
  std::vector<SeriesPointFigures> none =
      DeriveSeries({}, Month{2022, 11}, Month{2023, 1});
  ASSERT_EQ(none.size(), 3u);
  EXPECT_FALSE(none[2].has_data);
  EXPECT_EQ(none[2].month, (Month{2023, 1}));
}

// Electric share by value: Jan 60%, Feb exactly 50%, Mar 51%, Apr 70%,
// May missing, Jun 90%, Jul a zero total.
std::vector<SegmentMonth> Shares() {
  return {
      {{2022, 1}, 60, 100}, {{2022, 2}, 50, 100}, {{2022, 3}, 51, 100},
      {{2022, 4}, 70, 100}, {{2022, 6}, 90, 100}, {{2022, 7}, 0, 0},
  };
}

TEST(MajorityStreakMonthsTest, CountsConsecutiveMonthsAboveThreshold) {
  std::vector<SegmentMonth> shares = Shares();
  EXPECT_EQ(MajorityStreakMonths(shares, Month{2022, 4}, 50.0), 2);
  EXPECT_EQ(MajorityStreakMonths(shares, Month{2022, 1}, 50.0), 1);
  // Exactly at the threshold is not above it.
  EXPECT_EQ(MajorityStreakMonths(shares, Month{2022, 2}, 50.0), 0);
  // A month without data breaks the streak...
  EXPECT_EQ(MajorityStreakMonths(shares, Month{2022, 6}, 50.0), 1);
  EXPECT_EQ(MajorityStreakMonths(shares, Month{2022, 5}, 50.0), 0);
  // ... and so does a month whose share is undefined.
  EXPECT_EQ(MajorityStreakMonths(shares, Month{2022, 7}, 50.0), 0);
  EXPECT_EQ(MajorityStreakMonths(shares, Month{2022, 4}, 40.0), 4);
  EXPECT_EQ(MajorityStreakMonths(shares, Month{2022, 4}, 69.0), 1);
  EXPECT_EQ(MajorityStreakMonths({}, Month{2022, 4}, 50.0), 0);
}

}  // namespace
}  // namespace evtrade

#include "common/domain/month.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace evtrade {
namespace {

using ::testing::HasSubstr;

TEST(MonthTest, PreviousOfJanuaryIsDecemberOfYearBefore) {
  EXPECT_EQ((Month{2022, 1}.Previous()), (Month{2021, 12}));
  EXPECT_EQ((Month{2022, 11}.Previous()), (Month{2022, 10}));
}

TEST(MonthTest, NextOfDecemberIsJanuaryOfNextYear) {
  EXPECT_EQ((Month{2022, 12}.Next()), (Month{2023, 1}));
  EXPECT_EQ((Month{2022, 3}.Next()), (Month{2022, 4}));
}

TEST(MonthTest, YearEarlierAndYearStart) {
  EXPECT_EQ((Month{2022, 11}.YearEarlier()), (Month{2021, 11}));
  EXPECT_EQ((Month{2022, 1}.YearEarlier()), (Month{2021, 1}));
  EXPECT_EQ((Month{2022, 11}.YearStart()), (Month{2022, 1}));
  EXPECT_EQ((Month{2022, 1}.YearStart()), (Month{2022, 1}));
}

TEST(MonthTest, KeyAndIndexRoundTrip) {
  const Month nov{2022, 11};
  EXPECT_EQ(nov.Key(), 202211);
  EXPECT_EQ(Month::FromKey(202211), nov);
  EXPECT_EQ(nov.Index(), 2022 * 12 + 10);
  EXPECT_EQ(Month::FromIndex(nov.Index()), nov);
  EXPECT_EQ(Month::FromIndex(2022 * 12), (Month{2022, 1}));
  EXPECT_EQ(Month::FromIndex(2022 * 12 - 1), (Month{2021, 12}));
}

TEST(MonthTest, OrderingIsChronological) {
  EXPECT_LT((Month{2021, 12}), (Month{2022, 1}));
  EXPECT_LT((Month{2022, 1}), (Month{2022, 2}));
  EXPECT_GT((Month{2022, 11}), (Month{2021, 12}));
}

TEST(MonthTest, MonthsInRangeIsInclusive) {
  EXPECT_EQ(MonthsInRange({2022, 1}, {2022, 11}), 11);
  EXPECT_EQ(MonthsInRange({2021, 11}, {2022, 11}), 13);
  EXPECT_EQ(MonthsInRange({2022, 11}, {2022, 11}), 1);
  EXPECT_EQ(MonthsInRange({2022, 12}, {2022, 11}), 0);
}

TEST(MonthTest, ToStringPadsMonth) {
  EXPECT_EQ((Month{2022, 3}.ToString()), "2022-03");
  EXPECT_EQ((Month{2022, 11}.ToString()), "2022-11");
}

TEST(MonthTest, ParsesDashedAndCompactForms) {
  absl::StatusOr<Month> dashed = Month::Parse("2022-11", "period");
  ASSERT_TRUE(dashed.ok()) << dashed.status();
  EXPECT_EQ(*dashed, (Month{2022, 11}));
  absl::StatusOr<Month> compact = Month::Parse("202211", "period");
  ASSERT_TRUE(compact.ok()) << compact.status();
  EXPECT_EQ(*compact, (Month{2022, 11}));
  absl::StatusOr<Month> padded = Month::Parse(" 2017-01 ", "period");
  ASSERT_TRUE(padded.ok()) << padded.status();
  EXPECT_EQ(*padded, (Month{2017, 1}));
}

TEST(MonthTest, RejectsBadForms) {
  for (const char* text :
       {"", "2022", "2022-1", "22-11", "2022/11", "2022-1x", "20221", "2022111",
        "-20211", "2022-+1", "abcd-ef"}) {
    absl::StatusOr<Month> month = Month::Parse(text, "start");
    ASSERT_FALSE(month.ok()) << text;
    EXPECT_EQ(month.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(month.status().message()),
                HasSubstr("start: expected YYYY-MM or YYYYMM"))
        << text;
  }
}

TEST(MonthTest, RejectsMonthOutOfRange) {
  absl::StatusOr<Month> m13 = Month::Parse("2022-13", "period");
  ASSERT_FALSE(m13.ok());
  EXPECT_EQ(m13.status().message(), "period: month must be 1..12, got 13");
  absl::StatusOr<Month> m00 = Month::Parse("202200", "period");
  ASSERT_FALSE(m00.ok());
  EXPECT_EQ(m00.status().message(), "period: month must be 1..12, got 0");
  absl::StatusOr<Month> annual = Month::Parse("202252", "period");
  ASSERT_FALSE(annual.ok());
  EXPECT_EQ(annual.status().message(), "period: month must be 1..12, got 52");
}

TEST(MonthTest, RejectsYearOutOfRange) {
  absl::StatusOr<Month> early = Month::Parse("1949-12", "end");
  ASSERT_FALSE(early.ok());
  EXPECT_EQ(early.status().message(), "end: year must be 1950..2100, got 1949");
  EXPECT_TRUE(Month::Parse("1950-01", "end").ok());
  EXPECT_TRUE(Month::Parse("2100-12", "end").ok());
  EXPECT_FALSE(Month::Parse("2101-01", "end").ok());
}

TEST(MonthTest, FromProtoNamesTheSubField) {
  v1::Period period;
  period.set_year(2022);
  period.set_month(13);
  absl::StatusOr<Month> month = Month::FromProto(period, "period");
  ASSERT_FALSE(month.ok());
  EXPECT_EQ(month.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(month.status().message(), "period.month: must be 1..12, got 13");

  period.set_year(0);
  period.set_month(11);
  month = Month::FromProto(period, "start");
  ASSERT_FALSE(month.ok());
  EXPECT_EQ(month.status().message(), "start.year: must be 1950..2100, got 0");

  period.set_year(2022);
  month = Month::FromProto(period, "period");
  ASSERT_TRUE(month.ok());
  EXPECT_EQ(*month, (Month{2022, 11}));
}

TEST(MonthTest, ToProtoRoundTrips) {
  const v1::Period period = Month{2021, 7}.ToProto();
  EXPECT_EQ(period.year(), 2021);
  EXPECT_EQ(period.month(), 7);
}

}  // namespace
}  // namespace evtrade

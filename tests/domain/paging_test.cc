// The contract's size rules (common/domain/paging.h) at their boundaries.
#include "common/domain/paging.h"

#include <gtest/gtest.h>

#include <vector>

#include "common/domain/field_violation.h"

namespace evtrade {
namespace {

TEST(PagingTest, PageSizeDefaultsClampsAndRefusesNegative) {
  EXPECT_EQ(*PageSize(0), 100);
  EXPECT_EQ(*PageSize(1), 1);
  EXPECT_EQ(*PageSize(999), 999);
  EXPECT_EQ(*PageSize(1000), 1000);
  EXPECT_EQ(*PageSize(1001), 1000);
  EXPECT_EQ(*PageSize(2147483647), 1000);
  const absl::StatusOr<int> negative = PageSize(-1);
  ASSERT_FALSE(negative.ok());
  EXPECT_EQ(negative.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(negative.status().message(),
            "page_size: must not be negative, got -1");
  EXPECT_EQ(FieldViolationsOf(negative.status()),
            (std::vector<FieldViolation>{
                {"page_size", "must not be negative, got -1"}}));
}

TEST(PagingTest, LimitZeroIsAllNegativeIsRefused) {
  EXPECT_EQ(*Limit(0), 0);
  EXPECT_EQ(*Limit(1), 1);
  EXPECT_EQ(*Limit(2147483647), 2147483647);
  EXPECT_EQ(Limit(-1).status().message(),
            "limit: must not be negative, got -1");
  EXPECT_EQ(Limit(-5, "top_n").status().message(),
            "top_n: must not be negative, got -5");
}

TEST(PagingTest, ApplyLimitKeepsTheFirstRows) {
  const std::vector<int> rows = {7, 8, 9};
  for (const auto& [limit, expected] :
       std::vector<std::pair<int, std::vector<int>>>{{0, {7, 8, 9}},
                                                     {1, {7}},
                                                     {2, {7, 8}},
                                                     {3, {7, 8, 9}},
                                                     {4, {7, 8, 9}}}) {
    std::vector<int> copy = rows;
    ApplyLimit(copy, limit);
    EXPECT_EQ(copy, expected) << "limit " << limit;
  }
}

TEST(FieldViolationTest, CarriesTheFieldAsAPayload) {
  const absl::Status status =
      FieldViolationError("period.month", "must be 1..12");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "period.month: must be 1..12");
  EXPECT_TRUE(status.GetPayload("type.googleapis.com/google.rpc.BadRequest")
                  .has_value());
  EXPECT_EQ(FieldViolationsOf(status),
            (std::vector<FieldViolation>{{"period.month", "must be 1..12"}}));
  EXPECT_TRUE(FieldViolationsOf(absl::InvalidArgumentError("x")).empty());
}

}  // namespace
}  // namespace evtrade

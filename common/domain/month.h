// Calendar months: the period of every trade figure.
#ifndef EVTRADE_COMMON_DOMAIN_MONTH_H_
#define EVTRADE_COMMON_DOMAIN_MONTH_H_

#include <compare>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "evtrade/v1/common.pb.h"

namespace evtrade {

inline constexpr int kMinYear = 1950;
inline constexpr int kMaxYear = 2100;

// A calendar month, years kMinYear..kMaxYear. A value type; the arithmetic
// helpers may step outside that range (callers validate inputs, not sums).
struct Month {
  int year = 0;
  int month = 0;  // 1..12

  // Validates a proto Period; errors are INVALID_ARGUMENT naming the
  // sub-field of `field` (field "period" -> "period.month: must be ...").
  static absl::StatusOr<Month> FromProto(const v1::Period& period,
                                         std::string_view field);
  // Parses "YYYY-MM" or "YYYYMM"; INVALID_ARGUMENT naming `field`.
  static absl::StatusOr<Month> Parse(std::string_view text,
                                     std::string_view field);
  // The storage key YYYYMM (e.g. 202211) back to a month.
  static Month FromKey(int key);

  int Key() const { return year * 100 + month; }
  // Months since year 0, for distances.
  int Index() const { return year * 12 + (month - 1); }
  static Month FromIndex(int index);

  Month Previous() const { return FromIndex(Index() - 1); }
  Month Next() const { return FromIndex(Index() + 1); }
  Month YearEarlier() const { return Month{year - 1, month}; }
  Month YearStart() const { return Month{year, 1}; }

  v1::Period ToProto() const;
  std::string ToString() const;  // "YYYY-MM"

  friend auto operator<=>(const Month&, const Month&) = default;
};

// What is wrong with a (year, month) pair: which part ("year" or "month")
// and why ("must be 1..12, got 13"). Shared by Month::FromProto and record
// validation so both give the same reasons.
struct MonthProblem {
  std::string_view part;
  std::string reason;
};
std::optional<MonthProblem> CheckYearMonth(int year, int month);

// Number of months in [start, end], inclusive; 0 when start > end.
int MonthsInRange(Month start, Month end);

}  // namespace evtrade

#endif  // EVTRADE_COMMON_DOMAIN_MONTH_H_

// Derived figures (docs/methodology.md, "Derived figures") as pure functions
// over monthly figures, so the query service and the gateway compute them
// the same way. Money and quantities are summed in int64; only the final
// percentages are floating point.
#ifndef EVTRADE_COMMON_DOMAIN_DERIVED_H_
#define EVTRADE_COMMON_DOMAIN_DERIVED_H_

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "absl/numeric/int128.h"
#include "common/domain/month.h"

namespace evtrade {

// (current - base) / base * 100; nullopt when there is no base or it is 0
// (a growth rate over nothing is undefined, never 0 or infinity).
std::optional<double> GrowthPct(int64_t current, std::optional<int64_t> base);

// part / total * 100; nullopt when total is 0. The 128-bit total is for
// sums across reporters, which bounds.h does not keep within int64.
std::optional<double> SharePct(int64_t part, int64_t total);
std::optional<double> SharePct(int64_t part, absl::int128 total);

// The figures of one month that has data (at least one record contributes).
struct MonthFigures {
  Month month;
  int64_t value_usd = 0;
  int64_t quantity = 0;
};

// An earlier record high.
struct PreviousRecord {
  Month month;
  int64_t value_usd = 0;
};

// One month of a derived series (see SeriesPoint in query_service.proto).
struct SeriesPointFigures {
  Month month;
  bool has_data = false;
  int64_t value_usd = 0;
  int64_t quantity = 0;
  std::optional<double> value_yoy_pct;
  std::optional<double> quantity_yoy_pct;
  std::optional<double> value_mom_pct;
  bool record_high = false;
  // Set exactly when record_high.
  std::optional<PreviousRecord> previous_record;
  int64_t ytd_value_usd = 0;
  int64_t ytd_quantity = 0;
};

// One point per month of [start, end] (empty when start > end).
//
// `history` holds every month with data of the series, ascending, unique,
// from the series' first month on record through at least `end` (months
// after `end` are ignored). It must start at the first month on record:
// record highs compare with every earlier month, not only the range.
//
// - Growth (YoY, MoM) is absent when the earlier month has no data or is 0,
//   and when this month has no data (a month nobody reported is not a fall
//   of 100%).
// - record_high: this month has data, at least one earlier month has data,
//   and the value is strictly greater than every earlier month's; the
//   previous record is the highest earlier month, the earliest on ties.
// - YTD sums January through this month of the same year.
std::vector<SeriesPointFigures> DeriveSeries(
    std::span<const MonthFigures> history, Month start, Month end);

// A segment's value against all vehicles' value in one month with data.
struct SegmentMonth {
  Month month;
  int64_t segment_value_usd = 0;
  int64_t total_value_usd = 0;
};

// Number of consecutive months ending at `at` in which the segment's share
// of the total by value is strictly above `threshold_pct`; 0 when `at`
// itself is not. A month absent from `months`, or with a total of 0, breaks
// the streak. `months` is ascending and unique; months after `at` are
// ignored.
int MajorityStreakMonths(std::span<const SegmentMonth> months, Month at,
                         double threshold_pct);

}  // namespace evtrade

#endif  // EVTRADE_COMMON_DOMAIN_DERIVED_H_

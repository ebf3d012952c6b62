#include "common/domain/derived.h"

#include <algorithm>
#include <map>

namespace evtrade {

std::optional<double> GrowthPct(int64_t current, std::optional<int64_t> base) {
  if (!base.has_value() || *base == 0) return std::nullopt;
  // The difference is taken in integers so it is exact before dividing.
  return static_cast<double>(current - *base) / static_cast<double>(*base) *
         100.0;
}

std::optional<double> SharePct(int64_t part, int64_t total) {
  if (total == 0) return std::nullopt;
  return static_cast<double>(part) / static_cast<double>(total) * 100.0;
}

std::optional<double> SharePct(int64_t part, absl::int128 total) {
  if (total == 0) return std::nullopt;
  return static_cast<double>(part) / static_cast<double>(total) * 100.0;
}

std::vector<SeriesPointFigures> DeriveSeries(
    std::span<const MonthFigures> history, Month start, Month end) {
  std::vector<SeriesPointFigures> points;
  if (start > end) return points;
  points.reserve(MonthsInRange(start, end));

  std::map<int, const MonthFigures*> by_index;
  for (const MonthFigures& figures : history) {
    if (figures.month > end) break;
    by_index[figures.month.Index()] = &figures;
  }
  auto find = [&](Month month) -> const MonthFigures* {
    auto it = by_index.find(month.Index());
    return it == by_index.end() ? nullptr : it->second;
  };

  // Walk the history once: the running maximum of earlier months gives the
  // record highs, the running sum within a year gives YTD.
  std::optional<PreviousRecord> best_before;  // highest earlier month
  int ytd_year = 0;
  int64_t ytd_value = 0;
  int64_t ytd_quantity = 0;
  auto it = by_index.begin();
  auto advance_to = [&](Month month) {
    // Consume history months before `month` into best_before.
    while (it != by_index.end() && it->first < month.Index()) {
      const MonthFigures& earlier = *it->second;
      if (!best_before.has_value() ||
          earlier.value_usd > best_before->value_usd) {
        best_before = PreviousRecord{earlier.month, earlier.value_usd};
      }
      ++it;
    }
  };

  for (Month month = start; month <= end; month = month.Next()) {
    advance_to(month);
    SeriesPointFigures point;
    point.month = month;
    if (month.year != ytd_year) {
      // YTD needs the months of this year before `start` too.
      ytd_year = month.year;
      ytd_value = 0;
      ytd_quantity = 0;
      for (Month m = month.YearStart(); m < month; m = m.Next()) {
        if (const MonthFigures* f = find(m)) {
          ytd_value += f->value_usd;
          ytd_quantity += f->quantity;
        }
      }
    }
    if (const MonthFigures* current = find(month)) {
      point.has_data = true;
      point.value_usd = current->value_usd;
      point.quantity = current->quantity;
      const MonthFigures* year_earlier = find(month.YearEarlier());
      const MonthFigures* previous = find(month.Previous());
      if (year_earlier != nullptr) {
        point.value_yoy_pct =
            GrowthPct(current->value_usd, year_earlier->value_usd);
        point.quantity_yoy_pct =
            GrowthPct(current->quantity, year_earlier->quantity);
      }
      if (previous != nullptr) {
        point.value_mom_pct =
            GrowthPct(current->value_usd, previous->value_usd);
      }
      if (best_before.has_value() &&
          current->value_usd > best_before->value_usd) {
        point.record_high = true;
        point.previous_record = best_before;
      }
      ytd_value += current->value_usd;
      ytd_quantity += current->quantity;
    }
    point.ytd_value_usd = ytd_value;
    point.ytd_quantity = ytd_quantity;
    points.push_back(point);
  }
  return points;
}

int MajorityStreakMonths(std::span<const SegmentMonth> months, Month at,
                         double threshold_pct) {
  // Find `at`, then walk back while months are consecutive and above.
  auto it = std::find_if(months.begin(), months.end(),
                         [&](const SegmentMonth& m) { return m.month == at; });
  if (it == months.end()) return 0;
  int streak = 0;
  Month expected = at;
  for (auto rit = std::make_reverse_iterator(it + 1); rit != months.rend();
       ++rit) {
    if (rit->month != expected) break;
    std::optional<double> share =
        SharePct(rit->segment_value_usd, rit->total_value_usd);
    if (!share.has_value() || *share <= threshold_pct) break;
    ++streak;
    expected = expected.Previous();
  }
  return streak;
}

}  // namespace evtrade

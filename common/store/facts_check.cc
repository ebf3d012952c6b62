#include "common/store/facts_check.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/domain/areas.h"
#include "common/domain/derived.h"
#include "common/domain/month.h"
#include "common/domain/powertrain.h"
#include "common/store/report_facts.h"
#include "common/store/rollup_check.h"
#include "common/util/status_macros.h"

namespace evtrade::store {
namespace {

int64_t ToInt(const std::string& text) {
  int64_t value = 0;
  return absl::SimpleAtoi(text, &value) ? value : 0;
}

std::string Or(const std::string& text) { return text.empty() ? "-" : text; }

bool InSegment(v1::Powertrain segment, PowertrainClass cls) {
  std::span<const PowertrainClass> classes = ClassesOf(segment);
  return std::find(classes.begin(), classes.end(), cls) != classes.end();
}

// key -> measures, both as text.
using Facts = std::map<std::string, std::string>;

void Compare(const char* table, const Facts& stored, const Facts& rebuilt,
             std::vector<std::string>& out) {
  for (const auto& [key, want] : rebuilt) {
    auto it = stored.find(key);
    if (it == stored.end()) {
      out.push_back(
          absl::StrCat(table, " ", key, ": missing (rebuilt ", want, ")"));
    } else if (it->second != want) {
      out.push_back(absl::StrCat(table, " ", key, ": stored ", it->second,
                                 " rebuilt ", want));
    }
  }
  for (const auto& [key, have] : stored) {
    if (!rebuilt.contains(key)) {
      out.push_back(
          absl::StrCat(table, " ", key, ": extra (stored ", have, ")"));
    }
  }
}

std::string SeriesText(
    const std::string& value, const std::string& quantity,
    const std::string& ytd_value, const std::string& ytd_quantity,
    const std::string& ye_value, const std::string& ye_quantity,
    const std::string& record_period, const std::string& record_value,
    const std::string& all_value, const std::string& streak) {
  return absl::StrCat("value=", value, " quantity=", quantity,
                      " ytd=", ytd_value, "/", ytd_quantity,
                      " year_earlier=", Or(ye_value), "/", Or(ye_quantity),
                      " record=", Or(record_period), "/", Or(record_value),
                      " all_value=", all_value, " streak=", streak);
}

constexpr char kRecordsSql[] = R"sql(
SELECT reporter, partner, flow, hs_code, period, manufacturer, value_usd,
       quantity
FROM records)sql";

constexpr char kStoredSeriesSql[] = R"sql(
SELECT reporter, flow, segment, period, value_usd, quantity, ytd_value,
       ytd_quantity, ye_value, ye_quantity, record_period, record_value,
       all_value, streak
FROM series_facts)sql";

constexpr char kStoredPartnersSql[] = R"sql(
SELECT reporter, flow, segment, period, partner, value_usd, quantity
FROM partner_facts)sql";

constexpr char kStoredMakersSql[] = R"sql(
SELECT reporter, flow, segment, period, manufacturer, value_usd, quantity
FROM maker_facts)sql";

constexpr char kStoredStandingsSql[] = R"sql(
SELECT reporter, period, ytd_value, ytd_quantity, rank
FROM exporter_standing)sql";

// One rollup cell rebuilt from its records.
struct Cell {
  bool has_world = false;
  Figures world;
  Figures partners;
  Figures Total() const { return has_world ? world : partners; }
};

}  // namespace

absl::StatusOr<std::vector<std::string>> ReportFactsDifferences(
    const StoreConfig& config) {
  ASSIGN_OR_RETURN(
      std::vector<SqlRows> results,
      RunStoreSql(config, {kRecordsSql, kStoredSeriesSql, kStoredPartnersSql,
                           kStoredMakersSql, kStoredStandingsSql}));

  // Cells (reporter, flow, manufacturer, period, hs_code) and partner sums.
  std::map<std::tuple<std::string, int, std::string, int, std::string>, Cell>
      cells;
  Facts partners_rebuilt;
  std::map<std::string, Figures> partner_sums;
  for (const std::vector<std::string>& r : results[0]) {
    const std::string& reporter = r[0];
    const std::string& partner = r[1];
    const int flow = static_cast<int>(ToInt(r[2]));
    const std::string& hs_code = r[3];
    const int period = static_cast<int>(ToInt(r[4]));
    const std::string& manufacturer = r[5];
    const Figures figures{ToInt(r[6]), ToInt(r[7])};
    Cell& cell = cells[{reporter, flow, manufacturer, period, hs_code}];
    if (partner == kWorldCode) {
      cell.has_world = true;
      cell.world += figures;
      continue;
    }
    cell.partners += figures;
    const PowertrainClass cls = ClassifyHsCode(hs_code);
    if (!manufacturer.empty() || cls == PowertrainClass::kNotVehicle) continue;
    for (v1::Powertrain segment : FactSegments()) {
      if (!InSegment(segment, cls)) continue;
      partner_sums[absl::StrCat(reporter, "/", flow, "/",
                                static_cast<int>(segment), "/", period, "/",
                                partner)] += figures;
    }
  }
  for (const auto& [key, f] : partner_sums) {
    partners_rebuilt[key] = absl::StrCat(f.value_usd, "/", f.quantity);
  }

  // Series (official) and manufacturer figures per segment and month.
  std::map<SeriesKey, std::map<int, Figures>> series;
  std::map<std::string, Figures> maker_sums;
  for (const auto& [key, cell] : cells) {
    const auto& [reporter, flow, manufacturer, period, hs_code] = key;
    const PowertrainClass cls = ClassifyHsCode(hs_code);
    if (cls == PowertrainClass::kNotVehicle) continue;
    for (v1::Powertrain segment : FactSegments()) {
      if (!InSegment(segment, cls)) continue;
      if (manufacturer.empty()) {
        series[SeriesKey{reporter, flow, static_cast<int>(segment)}][period] +=
            cell.Total();
      } else {
        maker_sums[absl::StrCat(reporter, "/", flow, "/",
                                static_cast<int>(segment), "/", period, "/",
                                manufacturer)] += cell.Total();
      }
    }
  }
  Facts makers_rebuilt;
  for (const auto& [key, f] : maker_sums) {
    makers_rebuilt[key] = absl::StrCat(f.value_usd, "/", f.quantity);
  }

  // Every series fact, month by month from the rules (quadratic on purpose:
  // nothing carried from month to month that could hide a slip).
  Facts series_rebuilt;
  for (const auto& [key, months] : series) {
    const std::map<int, Figures>& all = series.at(SeriesKey{
        key.reporter, key.flow, static_cast<int>(v1::POWERTRAIN_ALL)});
    std::vector<SegmentMonth> shares;
    for (const auto& [period, total] : all) {
      auto it = months.find(period);
      shares.push_back(SegmentMonth{
          Month::FromKey(period), it == months.end() ? 0 : it->second.value_usd,
          total.value_usd});
    }
    for (const auto& [period, figures] : months) {
      const Month month = Month::FromKey(period);
      Figures ytd;
      std::optional<std::pair<int, int64_t>> best;
      for (const auto& [earlier, f] : months) {
        if (earlier < period && (!best || f.value_usd > best->second)) {
          best = std::make_pair(earlier, f.value_usd);
        }
        if (earlier <= period && Month::FromKey(earlier).year == month.year) {
          ytd += f;
        }
      }
      auto ye = months.find(month.YearEarlier().Key());
      const bool has_ye = ye != months.end();
      series_rebuilt[absl::StrCat(key.reporter, "/", key.flow, "/", key.segment,
                                  "/", period)] =
          SeriesText(absl::StrCat(figures.value_usd),
                     absl::StrCat(figures.quantity),
                     absl::StrCat(ytd.value_usd), absl::StrCat(ytd.quantity),
                     has_ye ? absl::StrCat(ye->second.value_usd) : "",
                     has_ye ? absl::StrCat(ye->second.quantity) : "",
                     best ? absl::StrCat(best->first) : "",
                     best ? absl::StrCat(best->second) : "",
                     absl::StrCat(all.at(period).value_usd),
                     absl::StrCat(MajorityStreakMonths(
                         shares, month, kFactsMajorityThresholdPct)));
    }
  }

  // Standings: exports of all vehicles, YTD, every month from a reporter's
  // first of the year through December.
  std::map<int, std::vector<std::pair<std::string, Figures>>> by_period;
  for (const auto& [key, months] : series) {
    if (key.flow != static_cast<int>(v1::FLOW_EXPORT) ||
        key.segment != static_cast<int>(v1::POWERTRAIN_ALL)) {
      continue;
    }
    std::map<int, Figures> ytd_at;  // period -> YTD
    for (const auto& [period, f] : months) {
      const Month first = Month::FromKey(period);
      for (Month m = first; m.year == first.year; m = m.Next()) {
        ytd_at[m.Key()] += f;
      }
    }
    for (const auto& [period, ytd] : ytd_at) {
      by_period[period].emplace_back(key.reporter, ytd);
    }
  }
  Facts standings_rebuilt;
  for (auto& [period, rows] : by_period) {
    std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
      if (a.second.value_usd != b.second.value_usd) {
        return a.second.value_usd > b.second.value_usd;
      }
      return a.first < b.first;
    });
    for (size_t i = 0; i < rows.size(); ++i) {
      standings_rebuilt[absl::StrCat(rows[i].first, "/", period)] =
          absl::StrCat("ytd=", rows[i].second.value_usd, "/",
                       rows[i].second.quantity, " rank=", i + 1);
    }
  }

  Facts series_stored, partners_stored, makers_stored, standings_stored;
  for (const std::vector<std::string>& r : results[1]) {
    series_stored[absl::StrCat(r[0], "/", r[1], "/", r[2], "/", r[3])] =
        SeriesText(r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11], r[12],
                   r[13]);
  }
  for (const std::vector<std::string>& r : results[2]) {
    partners_stored[absl::StrCat(r[0], "/", r[1], "/", r[2], "/", r[3], "/",
                                 r[4])] = absl::StrCat(r[5], "/", r[6]);
  }
  for (const std::vector<std::string>& r : results[3]) {
    makers_stored[absl::StrCat(r[0], "/", r[1], "/", r[2], "/", r[3], "/",
                               r[4])] = absl::StrCat(r[5], "/", r[6]);
  }
  for (const std::vector<std::string>& r : results[4]) {
    standings_stored[absl::StrCat(r[0], "/", r[1])] =
        absl::StrCat("ytd=", r[2], "/", r[3], " rank=", r[4]);
  }

  std::vector<std::string> differences;
  Compare("series_facts", series_stored, series_rebuilt, differences);
  Compare("partner_facts", partners_stored, partners_rebuilt, differences);
  Compare("maker_facts", makers_stored, makers_rebuilt, differences);
  Compare("exporter_standing", standings_stored, standings_rebuilt,
          differences);
  return differences;
}

}  // namespace evtrade::store

#include "common/store/report_facts.h"

#include <algorithm>
#include <array>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/domain/derived.h"
#include "common/util/status_macros.h"

namespace evtrade::store {
namespace {

constexpr std::array<v1::Powertrain, 7> kSegments = {
    v1::POWERTRAIN_ALL,  v1::POWERTRAIN_ELECTRIC, v1::POWERTRAIN_BEV,
    v1::POWERTRAIN_PHEV, v1::POWERTRAIN_HEV,      v1::POWERTRAIN_ICE,
    v1::POWERTRAIN_OTHER};

bool InSegment(v1::Powertrain segment, PowertrainClass cls) {
  std::span<const PowertrainClass> classes = ClassesOf(segment);
  return std::find(classes.begin(), classes.end(), cls) != classes.end();
}

}  // namespace

std::span<const v1::Powertrain> FactSegments() { return kSegments; }

void FactsMaintainer::AddCell(const std::string& reporter, int flow,
                              const std::string& manufacturer, int period,
                              PowertrainClass cls, const Figures& total_delta) {
  if (cls == PowertrainClass::kNotVehicle) return;
  for (v1::Powertrain segment : kSegments) {
    if (!InSegment(segment, cls)) continue;
    SeriesKey key{reporter, flow, static_cast<int>(segment)};
    if (manufacturer.empty()) {
      series_[std::move(key)][period] += total_delta;
    } else {
      named_[NamedKey{static_cast<int>(NamedKind::kManufacturer),
                      std::move(key), period, manufacturer}] += total_delta;
    }
  }
}

void FactsMaintainer::AddPartner(const std::string& reporter, int flow,
                                 int period, PowertrainClass cls,
                                 const std::string& partner,
                                 const Figures& delta) {
  if (cls == PowertrainClass::kNotVehicle) return;
  for (v1::Powertrain segment : kSegments) {
    if (!InSegment(segment, cls)) continue;
    named_[NamedKey{static_cast<int>(NamedKind::kPartner),
                    SeriesKey{reporter, flow, static_cast<int>(segment)},
                    period, partner}] += delta;
  }
}

absl::Status FactsMaintainer::FlushNamed(FactsTables& tables) {
  std::vector<NamedDelta> rows;
  rows.reserve(named_.size());
  for (const auto& [named, delta] : named_) {
    const auto& [kind, key, period, name] = named;
    rows.push_back(
        NamedDelta{static_cast<NamedKind>(kind), key, period, name, delta});
  }
  RETURN_IF_ERROR(tables.AddNamed(rows));
  named_.clear();
  return absl::OkStatus();
}

absl::Status FactsMaintainer::Flush(FactsTables& tables) {
  RETURN_IF_ERROR(FlushNamed(tables));
  // Every official vehicle cell counts in ALL, so ALL's earliest changed
  // month is the (reporter, flow)'s.
  std::map<std::pair<std::string, int>, int> starts;
  for (const auto& [key, months] : series_) {
    if (months.empty()) continue;
    auto [it, inserted] =
        starts.try_emplace({key.reporter, key.flow}, months.begin()->first);
    if (!inserted) it->second = std::min(it->second, months.begin()->first);
  }
  for (const auto& [reporter_flow, start] : starts) {
    RETURN_IF_ERROR(
        WalkSeries(tables, reporter_flow.first, reporter_flow.second, start));
  }
  for (int period : rerank_) RETURN_IF_ERROR(Rerank(tables, period));
  series_.clear();
  rerank_.clear();
  return absl::OkStatus();
}

absl::Status FactsMaintainer::WalkSeries(FactsTables& tables,
                                         const std::string& reporter, int flow,
                                         int start) {
  const Month start_month = Month::FromKey(start);
  const int year_earlier_start = start_month.YearEarlier().Key();
  std::map<int, int64_t> all_values;  // ALL's value per month >= start
  std::vector<SeriesFact> all_facts;  // ALL's rows >= start, ascending
  std::optional<SeriesFact> all_context;

  for (v1::Powertrain segment : kSegments) {
    const bool is_all = segment == v1::POWERTRAIN_ALL;
    const SeriesKey key{reporter, flow, static_cast<int>(segment)};
    ASSIGN_OR_RETURN(std::vector<SeriesFact> rows,
                     tables.SeriesFrom(key, year_earlier_start));
    std::map<int, SeriesFact> old;      // rows >= start
    std::map<int, Figures> earlier;     // rows in [start - 12, start)
    std::map<int, Figures> figures;     // months >= start, new figures
    std::optional<SeriesFact> context;  // the last row before start
    for (SeriesFact& row : rows) {
      if (row.period < start) {
        earlier[row.period] = row.figures;
        context = row;
      } else {
        figures[row.period] = row.figures;
        old.emplace(row.period, std::move(row));
      }
    }
    if (!context.has_value()) {
      ASSIGN_OR_RETURN(context, tables.SeriesBefore(key, year_earlier_start));
    }
    if (auto it = series_.find(key); it != series_.end()) {
      for (const auto& [period, delta] : it->second) figures[period] += delta;
    }
    if (is_all) all_context = context;
    if (figures.empty()) continue;

    // The running state just before `start`, from the context row.
    std::optional<std::pair<int, int64_t>> best;  // (period, value)
    int ytd_year = 0;
    Figures ytd;
    int previous_period = 0;
    int previous_streak = 0;
    if (context.has_value()) {
      const SeriesFact& c = *context;
      if (c.record_period.has_value() &&
          c.record_value >= c.figures.value_usd) {
        best = std::make_pair(*c.record_period, c.record_value);
      } else {
        best = std::make_pair(c.period, c.figures.value_usd);
      }
      ytd_year = Month::FromKey(c.period).year;
      ytd = c.ytd;
      previous_period = c.period;
      previous_streak = c.streak;
    }

    for (const auto& [period, month_figures] : figures) {
      const Month month = Month::FromKey(period);
      SeriesFact fact;
      fact.period = period;
      fact.figures = month_figures;
      if (month.year != ytd_year) {
        ytd_year = month.year;
        ytd = Figures{};
      }
      ytd += month_figures;
      fact.ytd = ytd;
      const int year_earlier = month.YearEarlier().Key();
      const std::map<int, Figures>& source =
          year_earlier >= start ? figures : earlier;
      if (auto it = source.find(year_earlier); it != source.end()) {
        fact.year_earlier = it->second;
      }
      if (best.has_value()) {
        fact.record_period = best->first;
        fact.record_value = best->second;
      }
      if (!best.has_value() || month_figures.value_usd > best->second) {
        best = std::make_pair(period, month_figures.value_usd);
      }
      if (is_all) {
        all_values[period] = month_figures.value_usd;
        fact.all_value = month_figures.value_usd;
      } else {
        auto it = all_values.find(period);
        if (it == all_values.end()) {
          return absl::InternalError(absl::StrCat(
              "report facts: ", reporter, "/", flow, "/", key.segment, "/",
              period, " has data but all vehicles have none"));
        }
        fact.all_value = it->second;
      }
      const std::optional<double> share =
          SharePct(fact.figures.value_usd, fact.all_value);
      const bool above =
          share.has_value() && *share > kFactsMajorityThresholdPct;
      fact.streak = above ? 1 + (previous_period == month.Previous().Key()
                                     ? previous_streak
                                     : 0)
                          : 0;
      previous_period = period;
      previous_streak = fact.streak;

      auto it = old.find(period);
      if (it == old.end() || !(it->second == fact)) {
        RETURN_IF_ERROR(tables.PutSeries(key, fact));
      }
      if (is_all) all_facts.push_back(fact);
    }
  }

  // Exporter standings: exports of all vehicles, year to date, for every
  // month from `start` through the December of the last year with data
  // (a reporter ranks with its YTD in the months after its last one).
  if (flow != static_cast<int>(v1::FLOW_EXPORT) || all_facts.empty()) {
    return absl::OkStatus();
  }
  ASSIGN_OR_RETURN(std::vector<Standing> existing,
                   tables.StandingsFrom(reporter, start));
  std::map<int, Standing> by_period;
  for (Standing& s : existing) by_period.emplace(s.period, std::move(s));
  const Month last{Month::FromKey(all_facts.back().period).year, 12};
  size_t next = 0;  // all_facts[next] is the first row after the month
  std::optional<SeriesFact> latest = all_context;  // last row <= month
  for (Month month = start_month; month <= last; month = month.Next()) {
    while (next < all_facts.size() && all_facts[next].period <= month.Key()) {
      latest = all_facts[next++];
    }
    if (!latest.has_value() ||
        Month::FromKey(latest->period).year != month.year) {
      continue;
    }
    auto it = by_period.find(month.Key());
    if (it != by_period.end() && it->second.ytd == latest->ytd) continue;
    Standing standing;
    standing.period = month.Key();
    standing.reporter = reporter;
    standing.ytd = latest->ytd;
    standing.rank = it == by_period.end() ? 0 : it->second.rank;
    RETURN_IF_ERROR(tables.PutStanding(standing));
    rerank_.insert(month.Key());
  }
  return absl::OkStatus();
}

absl::Status FactsMaintainer::Rerank(FactsTables& tables, int period) {
  ASSIGN_OR_RETURN(std::vector<Standing> rows, tables.StandingsAt(period));
  std::sort(rows.begin(), rows.end(), [](const Standing& a, const Standing& b) {
    if (a.ytd.value_usd != b.ytd.value_usd) {
      return a.ytd.value_usd > b.ytd.value_usd;
    }
    return a.reporter < b.reporter;
  });
  for (size_t i = 0; i < rows.size(); ++i) {
    const int rank = static_cast<int>(i) + 1;
    if (rows[i].rank == rank) continue;
    rows[i].rank = rank;
    RETURN_IF_ERROR(tables.PutStanding(rows[i]));
  }
  return absl::OkStatus();
}

absl::StatusOr<ReportFacts> QuerySnapshot::ReadReportFacts(
    const ReportFactsRequest&) {
  return absl::UnimplementedError(
      "this store does not keep report facts; read the report's parts");
}

}  // namespace evtrade::store

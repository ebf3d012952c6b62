// The figures a market report needs, kept ready at ingest in the same
// transaction as the records, so that a report reads a handful of keyed
// rows instead of walking the history (docs/storage.md, "Report facts"):
//
// - series_facts: per (reporter, flow, segment, month with data) the value
//   and quantity (totals rule), year to date, the same month a year
//   earlier, the highest earlier month (the running record), all
//   vehicles' value (the segment's share of all) and the majority streak.
//   Segments are the seven requestable powertrains (ALL, ELECTRIC, BEV,
//   PHEV, HEV, ICE, OTHER).
// - partner_facts / maker_facts: per (reporter, flow, segment, month) the
//   figures of each partner (official rows, never World) and of each
//   manufacturer's breakdown rows (totals rule), with an index that gives
//   the top N in order.
// - exporter_standing: per month and reporter the exports of all vehicles
//   year to date and the reporter's rank among all reporters (value
//   descending, code ascending), with an index on (period, rank).
//
// FactsMaintainer holds the logic, apart from the backend: a batch feeds
// it each record's contribution; before the commit it writes exactly the
// facts that changed through FactsTables, which each backend implements
// with its own statements.
#ifndef EVTRADE_COMMON_STORE_REPORT_FACTS_H_
#define EVTRADE_COMMON_STORE_REPORT_FACTS_H_

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <tuple>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/domain/powertrain.h"
#include "common/store/query_store.h"

namespace evtrade::store {

// The majority streak kept in series_facts counts months whose share of
// all vehicles (by value) is strictly above this (the reports' default).
inline constexpr double kFactsMajorityThresholdPct = 50.0;

// The seven segments facts are kept for, as v1::Powertrain numbers.
std::span<const v1::Powertrain> FactSegments();

// One series (reporter, flow, segment).
struct SeriesKey {
  std::string reporter;
  int flow = 0;
  int segment = 0;  // v1::Powertrain
  friend auto operator<=>(const SeriesKey&, const SeriesKey&) = default;
};

// One row of series_facts (a month with data of the series).
struct SeriesFact {
  int period = 0;  // YYYYMM
  Figures figures;
  Figures ytd;
  std::optional<Figures> year_earlier;  // nullopt: no data that month
  // The highest earlier month (the earliest on ties); nullopt when this is
  // the series' first month.
  std::optional<int> record_period;
  int64_t record_value = 0;
  int64_t all_value = 0;  // all vehicles (segment ALL) this month
  int streak = 0;         // majority streak months ending here
  friend bool operator==(const SeriesFact&, const SeriesFact&) = default;
};

// The series_facts columns in SeriesFact order, as both backends select
// and insert them.
inline constexpr char kSeriesFactColumns[] =
    "period, value_usd, quantity, ytd_value, ytd_quantity, ye_value, "
    "ye_quantity, record_period, record_value, all_value, streak";

// One row of exporter_standing.
struct Standing {
  int period = 0;
  std::string reporter;
  Figures ytd;
  int rank = 0;
};

enum class NamedKind { kPartner, kManufacturer };

// A change to one partner_facts / maker_facts row.
struct NamedDelta {
  NamedKind kind = NamedKind::kPartner;
  SeriesKey key;
  int period = 0;
  std::string name;  // the partner or the manufacturer
  Figures delta;
};

// The backend's statements for the facts tables, inside the batch's open
// transaction. Errors are the backend's (UNAVAILABLE, INTERNAL, ...).
class FactsTables {
 public:
  virtual ~FactsTables() = default;

  // Rows of `key` with period >= from, ascending.
  virtual absl::StatusOr<std::vector<SeriesFact>> SeriesFrom(
      const SeriesKey& key, int from) = 0;
  // The last row of `key` with period < before, if any.
  virtual absl::StatusOr<std::optional<SeriesFact>> SeriesBefore(
      const SeriesKey& key, int before) = 0;
  // Inserts or replaces one row.
  virtual absl::Status PutSeries(const SeriesKey& key,
                                 const SeriesFact& fact) = 0;
  // Adds each row's delta to its partner_facts / maker_facts row, creating
  // it. The rows' keys are distinct.
  virtual absl::Status AddNamed(std::span<const NamedDelta> rows) = 0;
  // The reporter's exporter_standing rows with period >= from, ascending.
  virtual absl::StatusOr<std::vector<Standing>> StandingsFrom(
      const std::string& reporter, int from) = 0;
  // Every reporter's row of one month (any order).
  virtual absl::StatusOr<std::vector<Standing>> StandingsAt(int period) = 0;
  // Inserts or replaces one row.
  virtual absl::Status PutStanding(const Standing& standing) = 0;
};

// Accumulates one batch's changes and writes the facts they change. Not
// thread-safe (one per batch).
class FactsMaintainer {
 public:
  // The change of one rollup cell's contribution to the totals: what the
  // cell's total (its World row where there is one, else its partner sum)
  // moved by (RollupDeltas::Flush). Called for every cell a written record
  // touched, with a zero delta too: a new cell makes a month with data.
  void AddCell(const std::string& reporter, int flow,
               const std::string& manufacturer, int period, PowertrainClass cls,
               const Figures& total_delta);
  // An official record to a partner other than World moved by `delta`.
  void AddPartner(const std::string& reporter, int flow, int period,
                  PowertrainClass cls, const std::string& partner,
                  const Figures& delta);

  // Writes the facts the batch changed: the named figures, then for every
  // (reporter, flow) touched, each segment's rows from its earliest changed
  // month on (later months' record, YTD, year-earlier and streak columns
  // follow an earlier change), then the exporter standings and the ranks
  // of the months whose standings changed. Only rows whose figures differ
  // are written. Call once, before the commit.
  absl::Status Flush(FactsTables& tables);

  // Rows of named deltas past which they are written early (memory bound
  // for very large batches).
  static constexpr size_t kMaxPendingNamed = 200'000;

  // Writes the pending named deltas now (they are plain additions).
  absl::Status FlushNamed(FactsTables& tables);

  size_t pending_named() const { return named_.size(); }

 private:
  using NamedKey = std::tuple<int, SeriesKey, int, std::string>;
  absl::Status WalkSeries(FactsTables& tables, const std::string& reporter,
                          int flow, int start);
  absl::Status Rerank(FactsTables& tables, int period);

  // (reporter, flow, segment) -> period -> total delta.
  std::map<SeriesKey, std::map<int, Figures>> series_;
  std::map<NamedKey, Figures> named_;
  std::set<int> rerank_;
};

// The report's figures of one month, as read from the facts (QuerySnapshot::
// ReportFacts).
struct ReportFactsRequest {
  std::string reporter;
  int flow = 0;     // v1::Flow
  int segment = 0;  // v1::Powertrain, one of FactSegments()
  Month period;
  int top = 5;  // partners and manufacturers, >= 1
};

struct NamedFact {
  std::string name;
  Figures figures;
  std::optional<int64_t> year_earlier_value;  // partners only
};

struct ReportFacts {
  // The last row of the year through `period`: the month itself when it has
  // data, else an earlier month of the year (its YTD carries); nullopt when
  // the year has none through `period`.
  std::optional<SeriesFact> segment;
  std::optional<SeriesFact> all;
  std::vector<NamedFact> top_partners;  // value desc, code asc
  std::vector<NamedFact> top_makers;    // quantity desc, name asc
  // Exports of all vehicles year to date: the reporter's standing (nullopt
  // when it exported nothing this year), its neighbours, and how many
  // reporters rank.
  std::optional<Standing> standing;
  std::string ahead_of;  // the next lower rank
  std::string behind;    // the next higher rank
  int reporters_ranked = 0;
};

}  // namespace evtrade::store

#endif  // EVTRADE_COMMON_STORE_REPORT_FACTS_H_

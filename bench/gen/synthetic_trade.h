// Synthetic Comtrade-like vehicle export records for the benchmarks: a
// deterministic stream of any length, never held in memory.
//
// Shape of the data (all exports, HS 8703 codes from the powertrain table):
// - reporters: 40 real exporting countries, Zipf-weighted by rank (the first
//   has about a fifth of all partner rows and of the value);
// - partners: real ISO 3166-1 codes plus three Comtrade special areas, each
//   reporter with its own order of them; a reporter's rows go to its top
//   partners first, every HS code each, so big flows are dense and the tail
//   is thin, and values fall off Zipf-like by partner rank;
// - months: a contiguous range, each month with the same number of records
//   (the last one possibly cut short); the electric share of value grows
//   over the range, so late months hold records and electric majorities;
// - World (W00) rows holding the reporter's true total for an HS code, for
//   every third reporter;
// - manufacturer rows (partner W00) for the top five reporters;
// - revisions: about 2% of each month's records re-send a record of two
//   months earlier with revised figures (the same key, other figures).
//
// Figures are a pure function of (seed, key), so a revision or a World row
// is computed again instead of remembered.
#ifndef EVTRADE_BENCH_GEN_SYNTHETIC_TRADE_H_
#define EVTRADE_BENCH_GEN_SYNTHETIC_TRADE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "common/domain/month.h"
#include "evtrade/v1/common.pb.h"

namespace evtrade::bench {

struct SyntheticConfig {
  // Records in the whole stream (revisions included). >= 1.
  int64_t records = 100'000;
  // The month range: it starts at first_month when set, else it ends at
  // last_month. Its length grows with `records` (see MonthsFor).
  Month last_month{2022, 12};
  std::optional<Month> first_month;
  // Different seeds give different figures for the same keys.
  uint64_t seed = 1;
  // The records' provenance label.
  std::string source = "synthetic";
};

// Not thread-safe; cheap to create (one per stream).
class SyntheticTrade {
 public:
  // INVALID_ARGUMENT for records < 1 or a month range outside 1950..2100.
  static absl::StatusOr<std::unique_ptr<SyntheticTrade>> Create(
      const SyntheticConfig& config);

  // How many months a stream of `records` spans: about sqrt(records) / 10,
  // at least 24 (so year-on-year figures exist) and at most 240.
  static int MonthsFor(int64_t records);

  // The next record into `record` (overwritten); false at the end.
  bool Next(v1::TradeRecord& record);

  // Records produced so far.
  int64_t produced() const { return produced_; }

  Month first_month() const { return first_month_; }
  Month last_month() const;
  int months() const { return months_; }
  // Reporter codes, largest first.
  static std::vector<std::string_view> Reporters();
  // The reporters that have partner rows in every month, largest first.
  std::vector<std::string> ReportersWithData() const;
  // Partner codes in the data (countries and special areas).
  static std::vector<std::string_view> Partners();

 private:
  // One (reporter, partner, hs) key of a partner row, by index.
  struct Cell {
    int reporter;
    int partner;  // index into the reporter's own partner order
    int hs;
  };
  // One (reporter, hs) World row or (reporter, manufacturer, hs) row.
  struct Aggregate {
    int reporter;
    int manufacturer;  // -1 for a World row
    int hs;
  };

  SyntheticTrade(const SyntheticConfig& config, Month first_month, int months);

  // Fills the plan of one month's slots: which cells, World rows,
  // manufacturer rows and revisions, in that order.
  void PlanMonth();
  void FillPartnerRow(const Cell& cell, int month_index, int revision,
                      v1::TradeRecord& record) const;
  void FillAggregateRow(const Aggregate& row, int month_index,
                        v1::TradeRecord& record);
  // Fills sums_ for a month (once per month).
  void SumMonth(int month_index);
  int64_t CellValue(const Cell& cell, int month_index, int revision) const;
  int64_t CellQuantity(const Cell& cell, int month_index) const;
  const std::string& PartnerCode(const Cell& cell) const;
  void FillCommon(int reporter, int hs, int month_index,
                  v1::TradeRecord& record) const;

  const SyntheticConfig config_;
  const Month first_month_;
  const int months_;
  const int64_t per_month_;

  // The same layout every month.
  std::vector<Cell> cells_;
  std::vector<Aggregate> world_rows_;
  std::vector<Aggregate> maker_rows_;
  int revisions_per_month_ = 0;
  // Per reporter: its partners (indexes into Partners()), most important
  // first, and [begin, end) of its cells in cells_.
  std::vector<std::vector<int>> partner_order_;
  std::vector<std::pair<int, int>> reporter_cells_;

  int month_index_ = 0;
  int64_t slot_ = 0;  // position within the current month
  int64_t produced_ = 0;
  std::vector<std::string> partner_codes_;
  // Per (reporter, hs): the month's partner-row value and quantity, the
  // base of its World and manufacturer rows.
  std::vector<std::pair<int64_t, int64_t>> sums_;
  int sums_month_ = -1;
};

}  // namespace evtrade::bench

#endif  // EVTRADE_BENCH_GEN_SYNTHETIC_TRADE_H_

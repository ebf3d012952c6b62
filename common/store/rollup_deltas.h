// One batch's changes to the rollups (hs_month, partner_month), gathered in
// memory and written once per touched cell (docs/storage.md, "How a batch
// writes"). Many records of a batch land in the same cells (one hs_month
// cell gathers every partner of a reporter, flow, manufacturer, month and
// HS code), so a batch writes far fewer rows than it upserts records.
//
// Backend-independent: each backend implements RollupTables with its own
// statements. Nothing of a batch reads hs_month or partner_month before
// they are flushed (the report facts read only their own tables), so the
// deferral is invisible: the batch commits the same rollups as one written
// record by record.
#ifndef EVTRADE_COMMON_STORE_ROLLUP_DELTAS_H_
#define EVTRADE_COMMON_STORE_ROLLUP_DELTAS_H_

#include <compare>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/store/query_store.h"
#include "common/store/report_facts.h"
#include "evtrade/v1/common.pb.h"

namespace evtrade::store {

// The primary key of an hs_month row.
struct HsMonthKey {
  std::string reporter;
  int flow = 0;  // v1::Flow
  std::string manufacturer;
  int period = 0;  // YYYYMM
  std::string hs_code;

  friend auto operator<=>(const HsMonthKey&, const HsMonthKey&) = default;
  template <typename H>
  friend H AbslHashValue(H h, const HsMonthKey& k) {
    return H::combine(std::move(h), k.reporter, k.flow, k.manufacturer,
                      k.period, k.hs_code);
  }
};

// The figures of an hs_month row: the World record's (when has_world) and
// the sum of the other partners' records.
struct HsMonthFigures {
  bool has_world = false;
  Figures world;
  int64_t partner_rows = 0;
  Figures partner;

  // What the cell counts in totals: the World row where there is one, else
  // the partner sum.
  Figures Total() const { return has_world ? world : partner; }
  friend bool operator==(const HsMonthFigures&,
                         const HsMonthFigures&) = default;
};

// One hs_month row to write.
struct HsMonthRow {
  HsMonthKey key;
  int powertrain = 0;  // PowertrainClass of key.hs_code
  HsMonthFigures figures;
};

// The primary key of a partner_month row.
struct PartnerMonthKey {
  std::string reporter;
  int flow = 0;
  int powertrain = 0;  // PowertrainClass
  int period = 0;
  std::string partner;

  friend auto operator<=>(const PartnerMonthKey&,
                          const PartnerMonthKey&) = default;
  template <typename H>
  friend H AbslHashValue(H h, const PartnerMonthKey& k) {
    return H::combine(std::move(h), k.reporter, k.flow, k.powertrain, k.period,
                      k.partner);
  }
};

// A change to one partner_month row (added to it; the row is created when
// missing).
struct PartnerMonthRow {
  PartnerMonthKey key;
  int64_t rows = 0;
  Figures figures;
};

// An INSERT of whole hs_month rows (its column list, then the backend's
// values or SELECT, then kHsMonthReplace), as both backends write them.
inline constexpr char kHsMonthInsert[] =
    "INSERT INTO hs_month (reporter, flow, manufacturer, period, hs_code, "
    "powertrain, has_world, world_value, world_quantity, partner_rows, "
    "partner_value, partner_quantity) ";
inline constexpr char kHsMonthReplace[] =
    " ON CONFLICT (reporter, flow, manufacturer, period, hs_code) DO UPDATE "
    "SET has_world = excluded.has_world, world_value = excluded.world_value, "
    "world_quantity = excluded.world_quantity, partner_rows = "
    "excluded.partner_rows, partner_value = excluded.partner_value, "
    "partner_quantity = excluded.partner_quantity";

// The backend's statements for the rollups, inside the batch's open
// transaction. Errors are the backend's (UNAVAILABLE, INTERNAL, ...).
class RollupTables {
 public:
  virtual ~RollupTables() = default;

  // The stored figures of each cell of `keys`, in the same order; a cell
  // not stored reads as zeros (no World row, no partner rows).
  virtual absl::StatusOr<std::vector<HsMonthFigures>> ReadHsMonth(
      std::span<const HsMonthKey> keys) = 0;
  // Writes each row (inserted, or replacing the stored figures).
  virtual absl::Status PutHsMonth(std::span<const HsMonthRow> rows) = 0;
  // Adds each row's rows and figures to the stored row, creating it.
  virtual absl::Status AddPartnerMonth(
      std::span<const PartnerMonthRow> rows) = 0;
};

// Accumulates one batch's rollup changes. Not thread-safe (one per batch).
class RollupDeltas {
 public:
  // max_cells: cells held at which full() turns true (memory bound).
  explicit RollupDeltas(size_t max_cells) : max_cells_(max_cells) {}

  // A record was written: inserted (new_record; delta = its figures) or
  // revised (delta = new figures - old figures). Unchanged records are not
  // fed.
  void Add(const v1::TradeRecord& record, bool new_record,
           const Figures& delta);

  // Touched cells held (hs_month and partner_month).
  size_t cells() const { return hs_month_.size() + partner_month_.size(); }
  // Whether the batch should flush now, before it adds more.
  bool full() const { return cells() >= max_cells_; }

  // Writes every held cell and empties the accumulator: for each hs_month
  // cell the stored figures are read, the new ones written, and `facts`
  // told how the cell's total moved (total after - total before, zero
  // included: a new cell makes a month with data); each partner_month
  // change is added to its row and told to `facts` (AddPartner). Then, if
  // `facts` holds many named deltas, they are written to `facts_tables`
  // (FlushNamed). On an error the batch must not commit (part of the cells
  // may be written).
  absl::Status Flush(RollupTables& tables, FactsMaintainer& facts,
                     FactsTables& facts_tables);

 private:
  // What the batch changed in one hs_month cell.
  struct HsMonthChange {
    int powertrain = 0;
    bool world_arrived = false;  // a World record was written
    Figures world;               // the World record's delta
    int64_t partner_rows = 0;    // new partner records
    Figures partner;             // the partner records' delta
  };
  struct PartnerMonthChange {
    int64_t rows = 0;
    Figures figures;
  };

  const size_t max_cells_;
  absl::flat_hash_map<HsMonthKey, HsMonthChange> hs_month_;
  absl::flat_hash_map<PartnerMonthKey, PartnerMonthChange> partner_month_;
};

}  // namespace evtrade::store

#endif  // EVTRADE_COMMON_STORE_ROLLUP_DELTAS_H_

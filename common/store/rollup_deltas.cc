#include "common/store/rollup_deltas.h"

#include <algorithm>
#include <utility>

#include "common/domain/areas.h"
#include "common/domain/powertrain.h"
#include "common/util/status_macros.h"

namespace evtrade::store {

void RollupDeltas::Add(const v1::TradeRecord& record, bool new_record,
                       const Figures& delta) {
  const int powertrain = static_cast<int>(ClassifyHsCode(record.hs_code()));
  const int period = record.period().year() * 100 + record.period().month();
  const int flow = static_cast<int>(record.flow());
  const bool world = record.partner() == kWorldCode;

  HsMonthChange& cell =
      hs_month_[HsMonthKey{record.reporter(), flow, record.manufacturer(),
                           period, record.hs_code()}];
  cell.powertrain = powertrain;
  if (world) {
    // A World row, once seen, stays (records are never deleted).
    cell.world_arrived = true;
    cell.world += delta;
  } else {
    if (new_record) ++cell.partner_rows;
    cell.partner += delta;
  }

  // Partner breakdowns use official figures only, and World is no partner.
  if (world || !record.manufacturer().empty()) return;
  PartnerMonthChange& partner = partner_month_[PartnerMonthKey{
      record.reporter(), flow, powertrain, period, record.partner()}];
  if (new_record) ++partner.rows;
  partner.figures += delta;
}

absl::Status RollupDeltas::Flush(RollupTables& tables, FactsMaintainer& facts,
                                 FactsTables& facts_tables) {
  // In key order: neighbouring cells share pages (SQLite) and index leaves.
  std::vector<std::pair<HsMonthKey, HsMonthChange>> changes(
      std::make_move_iterator(hs_month_.begin()),
      std::make_move_iterator(hs_month_.end()));
  hs_month_.clear();
  std::sort(changes.begin(), changes.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<HsMonthKey> keys;
  keys.reserve(changes.size());
  for (const auto& [key, change] : changes) keys.push_back(key);
  ASSIGN_OR_RETURN(std::vector<HsMonthFigures> before,
                   tables.ReadHsMonth(keys));
  std::vector<HsMonthRow> rows;
  rows.reserve(changes.size());
  for (size_t i = 0; i < changes.size(); ++i) {
    auto& [key, change] = changes[i];
    HsMonthFigures after = before[i];
    after.has_world = after.has_world || change.world_arrived;
    after.world += change.world;
    after.partner_rows += change.partner_rows;
    after.partner += change.partner;
    const Figures from = before[i].Total();
    const Figures to = after.Total();
    facts.AddCell(
        key.reporter, key.flow, key.manufacturer, key.period,
        static_cast<PowertrainClass>(change.powertrain),
        Figures{to.value_usd - from.value_usd, to.quantity - from.quantity});
    rows.push_back(HsMonthRow{std::move(key), change.powertrain, after});
  }
  RETURN_IF_ERROR(tables.PutHsMonth(rows));

  std::vector<PartnerMonthRow> partner_rows;
  partner_rows.reserve(partner_month_.size());
  for (auto& [key, change] : partner_month_) {
    facts.AddPartner(key.reporter, key.flow, key.period,
                     static_cast<PowertrainClass>(key.powertrain), key.partner,
                     change.figures);
    partner_rows.push_back(PartnerMonthRow{key, change.rows, change.figures});
  }
  partner_month_.clear();
  std::sort(partner_rows.begin(), partner_rows.end(),
            [](const PartnerMonthRow& a, const PartnerMonthRow& b) {
              return a.key < b.key;
            });
  RETURN_IF_ERROR(tables.AddPartnerMonth(partner_rows));
  if (facts.pending_named() > FactsMaintainer::kMaxPendingNamed) {
    RETURN_IF_ERROR(facts.FlushNamed(facts_tables));
  }
  return absl::OkStatus();
}

}  // namespace evtrade::store

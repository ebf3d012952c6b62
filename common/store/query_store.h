// The read side of the store, as the query service uses it. Plain structs,
// no backend types (open one with QueryStoreFactory in open_store.h: a
// SQLite file or a PostgreSQL primary or hot standby). What a read costs:
// everything a query needs comes from the rollups (hs_month,
// partner_month), read through their keys, so the work of a read grows
// with the months and partners it returns, not with the records in the
// store; ListRecords walks record_id from the keyset and stops at `limit`.
#ifndef EVTRADE_COMMON_STORE_QUERY_STORE_H_
#define EVTRADE_COMMON_STORE_QUERY_STORE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/domain/month.h"
#include "common/domain/powertrain.h"
#include "evtrade/v1/common.pb.h"

namespace evtrade::store {

// Whole dollars and vehicles, summed exactly.
struct Figures {
  int64_t value_usd = 0;
  int64_t quantity = 0;

  Figures& operator+=(const Figures& other) {
    value_usd += other.value_usd;
    quantity += other.quantity;
    return *this;
  }
  friend bool operator==(const Figures&, const Figures&) = default;
};

// Which monthly figures of one reporter and flow a read sums.
struct SeriesFilter {
  std::string reporter;
  v1::Flow flow = v1::FLOW_EXPORT;
  // "" = the total (per hs_code and month: the World row where one was
  // ingested, else the partner sum); "W00" = World rows only; else one
  // partner.
  std::string partner;
  // "" = official figures; else that manufacturer's breakdown rows.
  std::string manufacturer;
  // The powertrain classes summed (never empty).
  std::vector<PowertrainClass> classes;
  Month first;  // inclusive
  Month last;   // inclusive
};

// One (month, powertrain class) cell with data.
struct ClassMonthFigures {
  Month month;
  PowertrainClass cls = PowertrainClass::kNotVehicle;
  Figures figures;
  // How many (hs_code) rows of the cell took their figures from a World row
  // and how many from a partner sum (only filled for totals, partner "").
  int64_t world_rows = 0;
  int64_t partner_sum_rows = 0;
};

// A group's figures over a range: a partner, a manufacturer or a reporter.
struct NamedFigures {
  std::string name;
  Figures figures;
};

// ListRecords filters; empty / unspecified / nullopt = any.
struct RecordFilter {
  std::string reporter;
  std::string partner;
  v1::Flow flow = v1::FLOW_UNSPECIFIED;
  std::string hs_code;
  std::optional<Month> first;  // both or neither
  std::optional<Month> last;
  std::string manufacturer;
};

struct StoredRecord {
  int64_t record_id = 0;
  v1::TradeRecord record;
};

struct StoreInfo {
  int64_t data_version = 0;
  int64_t record_count = 0;
  std::optional<Month> first_period;
  std::optional<Month> last_period;
  std::vector<std::string> reporters;  // ascending
  std::optional<absl::Time> last_ingest_time;
  // Distinct source labels of the committed batches, ascending (byte
  // order). Costs a walk over the batches (one row per ingest stream, not
  // per record), once per data_version: Info is cached.
  std::vector<std::string> sources;
};

struct ReportFactsRequest;  // report_facts.h
struct ReportFacts;

// Reads of one consistent snapshot of the store: every call sees the same
// whole set of committed batches (never part of one), and data_version()
// names that set: equal data_versions mean equal answers. A snapshot never
// waits for a writer and a writer never waits for it. On a replica the set
// may lag the primary by the replay delay (docs/storage.md); it is still
// whole batches. Ends when destroyed. Not thread-safe; must not outlive
// the QueryStore that made it, and only one may be alive per QueryStore.
class QuerySnapshot {
 public:
  virtual ~QuerySnapshot() = default;

  virtual int64_t data_version() const = 0;

  // Whether the store holds any record reported by `reporter`.
  virtual absl::StatusOr<bool> HasReporter(std::string_view reporter) = 0;

  // The cells with data of the filter's months, ascending by (month, class).
  virtual absl::StatusOr<std::vector<ClassMonthFigures>> MonthlyByClass(
      const SeriesFilter& filter) = 0;

  // Official figures by partner (never W00; countries and special areas)
  // over [first, last]; `partner` and `manufacturer` of the filter unused.
  // Unordered.
  virtual absl::StatusOr<std::vector<NamedFigures>> PartnerTotals(
      const SeriesFilter& filter) = 0;

  // Manufacturer breakdown rows by manufacturer over [first, last] (totals
  // rule per hs_code and month); `partner`, `manufacturer` unused.
  // Unordered.
  virtual absl::StatusOr<std::vector<NamedFigures>> ManufacturerTotals(
      const SeriesFilter& filter) = 0;

  // Every reporter's official exports over [first, last] of `classes`: to
  // the world (its total) when `partner` is empty, else to that partner.
  // Unordered.
  virtual absl::StatusOr<std::vector<NamedFigures>> ExporterTotals(
      std::string_view partner, const std::vector<PowertrainClass>& classes,
      Month first, Month last) = 0;

  // Up to `limit` current records matching `filter` with record_id >
  // `after_record_id`, ascending by record_id. record_id only grows, so a
  // record added later never comes before one already paged.
  virtual absl::StatusOr<std::vector<StoredRecord>> ListRecords(
      const RecordFilter& filter, int64_t after_record_id, int limit) = 0;

  virtual absl::StatusOr<StoreInfo> Info() = 0;

  // One report's figures from the facts kept at ingest (report_facts.h): a
  // few keyed rows and index ranges, whatever the history's length.
  // UNIMPLEMENTED when the store does not keep them (the default).
  virtual absl::StatusOr<ReportFacts> ReadReportFacts(
      const ReportFactsRequest& request);
};

// One reader connection to the store. Not thread-safe: use one per thread
// (QueryStoreFactory opens them). Stores from one factory never return a
// snapshot older than one any of them returned before.
class QueryStore {
 public:
  virtual ~QueryStore() = default;

  // Starts a read snapshot; it never waits for a writer. UNAVAILABLE when
  // the store cannot be reached, or is a replica that stayed behind a
  // data_version already served (retry); FAILED_PRECONDITION while the
  // schema is missing.
  virtual absl::StatusOr<std::unique_ptr<QuerySnapshot>> BeginSnapshot() = 0;
};

}  // namespace evtrade::store

#endif  // EVTRADE_COMMON_STORE_QUERY_STORE_H_

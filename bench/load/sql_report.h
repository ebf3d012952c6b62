// The "without us" baseline: the figures of a market report computed the
// way a user with only the raw `records` table would, with plain SQL over
// it (no rollups) and a little code on top. Also checks that the service's
// report agrees with these figures.
#ifndef EVTRADE_BENCH_LOAD_SQL_REPORT_H_
#define EVTRADE_BENCH_LOAD_SQL_REPORT_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/domain/month.h"
#include "evtrade/v1/gateway_service.pb.h"

namespace evtrade::bench {

// The figures of an export report on the electric segment.
struct SqlReportFigures {
  int64_t segment_value = 0;
  int64_t segment_quantity = 0;
  int64_t all_value = 0;
  int64_t all_quantity = 0;
  bool segment_record_high = false;
  bool all_record_high = false;
  int segment_majority_streak = 0;
  int64_t ytd_segment_value = 0;
  int64_t ytd_all_value = 0;
  std::vector<std::string> top_partners;       // by value, at most 5
  std::vector<std::string> top_manufacturers;  // by quantity, at most 5
  int exporter_rank = 0;                       // all vehicles, YTD, by value
};

// Reads the store file directly (read-only, as another process; WAL lets it
// read while the services run). Not thread-safe.
class SqlReport {
 public:
  static absl::StatusOr<std::unique_ptr<SqlReport>> Open(
      const std::string& db_path);
  ~SqlReport();

  absl::StatusOr<SqlReportFigures> Compute(const std::string& reporter,
                                           Month month);

 private:
  struct Db;
  explicit SqlReport(std::unique_ptr<Db> db);
  std::unique_ptr<Db> db_;
};

// The differences between a service report (ELECTRIC, export) and the SQL
// figures, one "field: service X, sql Y" each; empty when they agree.
std::vector<std::string> CompareReport(const v1::MarketReport& report,
                                       const SqlReportFigures& sql);

}  // namespace evtrade::bench

#endif  // EVTRADE_BENCH_LOAD_SQL_REPORT_H_

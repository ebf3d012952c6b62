// One benchmark run at one store size, against running services: the
// baselines (store limit, gRPC echo, plain SQL) and the service
// measurements, each appended to the results file as it completes.
#ifndef EVTRADE_BENCH_LOAD_RUNNER_H_
#define EVTRADE_BENCH_LOAD_RUNNER_H_

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace evtrade::bench {

struct BenchConfig {
  std::string label;             // the size's name in the results ("1m")
  std::string store = "sqlite";  // the services' store kind, in the results
  int64_t records = 0;           // synthetic records loaded before the queries
  std::string results_path;
  std::string ingest_addr;
  std::string gateway_addr;
  std::string echo_addr;
  std::string token;           // the ingest service's bearer token
  std::string db_path;         // the services' store, read by the plain SQL
  std::string store_limit_db;  // a fresh store for the store-limit baseline
  // A fresh store for the raw upsert baseline (raw_insert.h).
  std::string raw_db;
  // Where the sql phase writes the service's reports (JSON lines); "" = no.
  std::string reports_out;
  std::vector<int> callers = {1, 8, 32};
  int channels = 4;
  absl::Duration duration = absl::Seconds(2);   // of each load measurement
  absl::Duration deadline = absl::Seconds(30);  // of each query call
  int records_per_message = 1000;
  int64_t big_ingest_records = 1'000'000;
  int64_t during_ingest_records = 1'000'000;
  int during_callers = 8;
  int sql_reports = 5;
  // Phases to run, of: store, raw, ingest, echo, queries, sql, big_ingest,
  // during. Empty = all (raw only with a raw_db).
  std::set<std::string> phases;
};

// Runs the phases in the order above. Errors: a phase that cannot run at
// all (e.g. an ingest that fails); a measurement with failed calls is
// written with its error count, not an error.
absl::Status RunBench(const BenchConfig& config);

}  // namespace evtrade::bench

#endif  // EVTRADE_BENCH_LOAD_RUNNER_H_

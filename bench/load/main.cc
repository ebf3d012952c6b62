// evtrade_bench: the load tool. Runs the benchmark phases at one store size
// against running services and an echo server (bench/run.sh starts them)
// and appends one JSON line per measurement to --results.
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "bench/load/runner.h"

ABSL_FLAG(std::string, label, "", "Name of this store size in the results.");
ABSL_FLAG(std::string, store, "sqlite",
          "Kind of the services' store (sqlite or postgres), in the results.");
ABSL_FLAG(int64_t, records, 100'000, "Synthetic records loaded first.");
ABSL_FLAG(std::string, results, "bench-results.jsonl",
          "JSON lines file the measurements are appended to.");
ABSL_FLAG(std::string, ingest_addr, "127.0.0.1:50051", "Ingest service.");
ABSL_FLAG(std::string, gateway_addr, "127.0.0.1:50050", "Gateway.");
ABSL_FLAG(std::string, echo_addr, "127.0.0.1:50060", "evtrade_bench_echo.");
ABSL_FLAG(std::string, token_file, "var/ingest.token",
          "Bearer token of the ingest service.");
ABSL_FLAG(std::string, db, "var/evtrade.db",
          "The services' store, read directly by the plain SQL baseline.");
ABSL_FLAG(std::string, store_limit_db, "",
          "A fresh store (SQLite file or PostgreSQL URI, as --db) for the "
          "store-limit baseline.");
ABSL_FLAG(std::string, raw_db, "",
          "A fresh store (SQLite file or PostgreSQL URI) for the raw upsert "
          "baseline; empty = no raw phase.");
ABSL_FLAG(std::string, reports_out, "",
          "JSON lines file for the service's reports of the sql phase "
          "(reporter, month, the report in protobuf JSON), which the DuckDB "
          "baseline compares its figures with; empty = none.");
ABSL_FLAG(std::string, callers, "1,8,32", "Concurrent callers per run.");
ABSL_FLAG(int, channels, 4, "gRPC channels (connections) per target.");
ABSL_FLAG(double, duration_s, 2, "Seconds of each load measurement.");
ABSL_FLAG(int, records_per_message, 1000, "Records per ingest message.");
ABSL_FLAG(int64_t, big_ingest_records, 1'000'000,
          "Records ingested into the loaded store (0 = skip).");
ABSL_FLAG(int64_t, during_ingest_records, 1'000'000,
          "Records ingested while report queries run (0 = skip).");
ABSL_FLAG(int, sql_reports, 5, "Reports computed with plain SQL.");
ABSL_FLAG(std::string, phases, "",
          "Comma-separated subset of store,raw,ingest,echo,queries,sql,"
          "big_ingest,during; empty = all. report_cold (only the uncached "
          "reports, for profiling) runs only when named.");

namespace {

[[noreturn]] void Usage(const std::string& message) {
  std::fprintf(stderr, "evtrade_bench: %s\n", message.c_str());
  std::exit(2);
}

}  // namespace

int main(int argc, char* argv[]) {
  absl::SetProgramUsageMessage(
      "Benchmarks the evtrade services at one store size.");
  absl::ParseCommandLine(argc, argv);

  evtrade::bench::BenchConfig config;
  config.label = absl::GetFlag(FLAGS_label);
  config.store = absl::GetFlag(FLAGS_store);
  config.records = absl::GetFlag(FLAGS_records);
  if (config.label.empty()) config.label = std::to_string(config.records);
  config.results_path = absl::GetFlag(FLAGS_results);
  config.ingest_addr = absl::GetFlag(FLAGS_ingest_addr);
  config.gateway_addr = absl::GetFlag(FLAGS_gateway_addr);
  config.echo_addr = absl::GetFlag(FLAGS_echo_addr);
  config.db_path = absl::GetFlag(FLAGS_db);
  config.store_limit_db = absl::GetFlag(FLAGS_store_limit_db);
  config.raw_db = absl::GetFlag(FLAGS_raw_db);
  config.reports_out = absl::GetFlag(FLAGS_reports_out);
  config.channels = absl::GetFlag(FLAGS_channels);
  config.duration = absl::Seconds(absl::GetFlag(FLAGS_duration_s));
  config.records_per_message = absl::GetFlag(FLAGS_records_per_message);
  config.big_ingest_records = absl::GetFlag(FLAGS_big_ingest_records);
  config.during_ingest_records = absl::GetFlag(FLAGS_during_ingest_records);
  config.sql_reports = absl::GetFlag(FLAGS_sql_reports);

  std::ifstream token_file(absl::GetFlag(FLAGS_token_file));
  std::stringstream token;
  token << token_file.rdbuf();
  config.token = std::string(absl::StripAsciiWhitespace(token.str()));
  if (config.token.empty()) Usage("--token_file: no token read");

  config.callers.clear();
  for (absl::string_view part :
       absl::StrSplit(absl::GetFlag(FLAGS_callers), ',', absl::SkipEmpty())) {
    int callers = 0;
    if (!absl::SimpleAtoi(part, &callers) || callers < 1) {
      Usage("--callers: want positive integers, e.g. 1,8,32");
    }
    config.callers.push_back(callers);
  }
  for (absl::string_view part :
       absl::StrSplit(absl::GetFlag(FLAGS_phases), ',', absl::SkipEmpty())) {
    config.phases.insert(std::string(part));
  }
  if (config.records < 1) Usage("--records: must be >= 1");
  if (config.store != "sqlite" && config.store != "postgres") {
    Usage("--store: want sqlite or postgres");
  }
  if (config.phases.contains("raw") && config.raw_db.empty()) {
    Usage("--raw_db: required by the raw phase");
  }
  if (config.channels < 1) Usage("--channels: must be >= 1");
  if (config.phases.contains("store") && config.store_limit_db.empty()) {
    Usage("--store_limit_db: required by the store phase");
  }
  if (config.phases.empty() && config.store_limit_db.empty()) {
    Usage("--store_limit_db: required by the store phase");
  }

  if (absl::Status status = evtrade::bench::RunBench(config); !status.ok()) {
    std::fprintf(stderr, "evtrade_bench: %s\n", status.ToString().c_str());
    return 1;
  }
  return 0;
}

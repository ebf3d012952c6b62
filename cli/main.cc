// evtrade: the command-line client. Subcommands:
//   import FILE...   stream native / Comtrade CSV or TSV (.gz too) to ingest
//   batches          list ingested batches
//   report R YYYY-MM the gateway's market report
//   fetch            download from the UN Comtrade API and ingest
// Flags are absl flags, also settable as EVTRADE_<FLAG IN UPPER CASE>;
// dashes and underscores in flag names are the same (--dry-run, --dry_run).
#include <unistd.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/marshalling.h"
#include "absl/flags/reflection.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "cli/batches_command.h"
#include "cli/fetch_command.h"
#include "cli/import_command.h"
#include "cli/report_command.h"
#include "common/formats/record_reader.h"
#include "common/server/env_flags.h"
#include "common/tls/tls_config.h"

ABSL_FLAG(std::string, ingest_addr, "127.0.0.1:50051",
          "address (host:port) of the ingest service");
ABSL_FLAG(std::string, gateway_addr, "127.0.0.1:50050",
          "address (host:port) of the gateway");
ABSL_FLAG(std::string, token_file, "var/ingest.token",
          "file holding the ingest service's bearer token");
ABSL_FLAG(std::string, format, "auto",
          "input format: auto (from the header), native or comtrade");
ABSL_FLAG(std::string, request_id, "",
          "idempotency key: importing again with the same id writes nothing "
          "and prints the first import's result, so a retry is safe");
ABSL_FLAG(std::string, source, "",
          "provenance label stored with the batch and with every record "
          "that has no source column; empty = \"evtrade import\" and the "
          "files' names");
ABSL_FLAG(bool, all_or_nothing, false,
          "write nothing if any row is unreadable or any record is invalid");
ABSL_FLAG(bool, dry_run, false,
          "read and validate the files locally; no connection, nothing "
          "written");
ABSL_FLAG(int, batch_size, 1000,
          "records per gRPC message, 1..10000 (the whole import is still one "
          "batch)");
ABSL_FLAG(int64_t, timeout_seconds, 3600,
          "deadline of the whole import stream (report: of the call, capped "
          "at 60 s); past it the import is rolled back");
ABSL_FLAG(std::string, tls_cert_file, "",
          "PEM client certificate (chain) to present to the services (mTLS); "
          "setting it or --tls_ca_file makes every call use TLS");
ABSL_FLAG(std::string, tls_key_file, "", "PEM private key of --tls_cert_file");
ABSL_FLAG(std::string, tls_ca_file, "",
          "PEM CA certificate(s) that verify the services' certificates "
          "(default with TLS: the system's roots)");
ABSL_FLAG(int, limit, 20, "batches: how many batches to list, newest first");
ABSL_FLAG(std::string, powertrain, "",
          "report: segment (all, electric, bev, phev, hev, ice, other); "
          "empty = the gateway's default, electric");
ABSL_FLAG(std::vector<std::string>, reporters, {},
          "fetch: reporters, ISO alpha-3 (CHN,DEU); sent as Comtrade codes");
ABSL_FLAG(std::vector<std::string>, partners, {},
          "fetch: partners, ISO alpha-3 (W00 = World); empty = all, World "
          "included");
ABSL_FLAG(std::string, periods, "",
          "fetch: months YYYY-MM..YYYY-MM (or one YYYY-MM); at most 12 per "
          "call, more are split over calls");
ABSL_FLAG(std::vector<std::string>, hs_codes, {},
          "fetch: 6-digit HS codes; empty = every HS 8703 code of the "
          "powertrain table");
ABSL_FLAG(std::vector<std::string>, flows, std::vector<std::string>({"X", "M"}),
          "fetch: flows (X, M, RX, RM)");
ABSL_FLAG(std::string, api_base_url, "https://comtradeapi.un.org",
          "fetch: the Comtrade API's address");
ABSL_FLAG(std::string, api_key_file, "",
          "fetch: file holding the Comtrade subscription key (sent as "
          "Ocp-Apim-Subscription-Key); empty = the public preview, at most "
          "500 records per call");
ABSL_FLAG(int64_t, max_records, 250000,
          "fetch: maxRecords of every call; a response that reaches it may be "
          "cut, so that call is split (fewer periods, then fewer reporters or "
          "partners) until none does");
ABSL_FLAG(int64_t, retry_base_ms, 2000,
          "fetch: first wait before retrying HTTP 429/5xx or a broken "
          "connection (doubling, at most 5 retries, each wait at most 120 s; "
          "a Retry-After from the API is used instead)");

namespace {

using evtrade::cli::kExitUsage;

constexpr absl::string_view kOverview =
    "evtrade: command-line client of the evtrade services\n"
    "\n"
    "usage: evtrade <command> [flags] [args]\n"
    "\n"
    "commands:\n"
    "  import FILE...        stream trade records from CSV/TSV files (plain "
    "or\n"
    "                        .gz; native or UN Comtrade format) to the ingest\n"
    "                        service, as one batch\n"
    "  fetch --reporters=CHN --periods=2022-01..2022-12 [--api_key_file=F]\n"
    "                        download from the UN Comtrade API and ingest,\n"
    "                        one batch per call (safe to run again)\n"
    "  batches               list ingested batches, newest first\n"
    "  report REPORTER YYYY-MM\n"
    "                        print the gateway's market report (headline and\n"
    "                        key figures), e.g. evtrade report CHN 2022-11\n"
    "  help [COMMAND]        this text, or a command's flags\n"
    "\n"
    "'evtrade COMMAND --help' explains a command's flags. Every flag can also\n"
    "be set as an environment variable EVTRADE_<FLAG IN UPPER CASE>; dashes\n"
    "and underscores in flag names are interchangeable.\n"
    "\n"
    "exit codes: 0 ok; 1 rows or records rejected; 2 bad usage; 3 failure\n"
    "(unreadable file, service unreachable or refusing): nothing written\n";

constexpr absl::string_view kImportUsage =
    "usage: evtrade import [flags] FILE...\n"
    "\n"
    "Reads each FILE (- = standard input; .gz read directly) and streams its\n"
    "records to the ingest service; all files together become one batch,\n"
    "committed only when everything was sent. Read by content: UN Comtrade\n"
    "API JSON responses ({\"count\", \"data\": [...], \"error\"}); native CSV\n"
    "with a header of TradeRecord field names (reporter,partner,flow,hs_code,\n"
    "period,value_usd,...; period YYYY-MM); UN Comtrade CSV/TSV as the API\n"
    "and bulk downloads give them (refYear, refMonth or period, reporterISO "
    "or\n"
    "reporterCode, partnerISO or partnerCode, flowCode, cmdCode, qty, netWgt,\n"
    "primaryValue; names case-insensitive, other columns ignored). Every\n"
    "header is checked before anything is sent. See docs/data.md.\n"
    "\n"
    "Annual rows, flows other than X/M/RX/RM and breakdowns of a total are\n"
    "skipped and counted per reason. Invalid records are skipped and listed\n"
    "as FILE:LINE: column: reason (FILE:data[I] for JSON); the exit code is\n"
    "then 1. On a terminal a progress bar (rows, rows/s, percent, ETA) is\n"
    "drawn on stderr; otherwise only the summary is printed.\n"
    "\n"
    "flags:\n";

constexpr absl::string_view kFetchUsage =
    "usage: evtrade fetch --reporters=CHN[,DEU...] --periods=YYYY-MM..YYYY-MM "
    "[flags]\n"
    "\n"
    "Downloads monthly trade records from the UN Comtrade v1 API (GET\n"
    "{api_base_url}/data/v1/get/C/M/HS with a key, the public preview\n"
    "/public/v1/preview/C/M/HS without one) and ingests each call's answer\n"
    "as one batch, read exactly like `evtrade import` reads a Comtrade JSON\n"
    "file. A call whose answer reaches --max_records is split (fewer periods,\n"
    "then fewer reporters or partners) until none does. HTTP 429 and 5xx are\n"
    "retried with backoff, honouring Retry-After; 401/403 and an answer with\n"
    "its error set stop the fetch. Each call's request id is derived from its\n"
    "query and its records, so running the same fetch again writes nothing\n"
    "twice, and a fetch that stopped half way completes when run again.\n"
    "\n"
    "flags:\n";

constexpr absl::string_view kBatchesUsage =
    "usage: evtrade batches [flags]\n"
    "\n"
    "Lists ingested batches, newest first: id, commit time, counts, data\n"
    "version, request id, source.\n"
    "\n"
    "flags:\n";

constexpr absl::string_view kReportUsage =
    "usage: evtrade report [flags] REPORTER YYYY-MM\n"
    "\n"
    "Asks the gateway for the market report of REPORTER (ISO alpha-3, e.g.\n"
    "CHN) in month YYYY-MM and prints its headline and key figures.\n"
    "\n"
    "flags:\n";

// "  --name=<default>  help" for each flag, from the flag definitions.
std::string DescribeFlags(const std::vector<absl::string_view>& names) {
  std::string out;
  for (absl::string_view name : names) {
    const absl::CommandLineFlag* flag = absl::FindCommandLineFlag(name);
    if (flag == nullptr) continue;
    absl::StrAppendFormat(&out, "  --%s (default \"%s\")\n      %s\n", name,
                          flag->DefaultValue(), flag->Help());
  }
  return out;
}

std::string UsageOf(std::string_view command) {
  if (command == "import") {
    return absl::StrCat(
        kImportUsage,
        DescribeFlags({"ingest_addr", "token_file", "format", "request_id",
                       "source", "all_or_nothing", "dry_run", "batch_size",
                       "timeout_seconds", "tls_cert_file", "tls_key_file",
                       "tls_ca_file"}),
        "  (--request-id, --all-or-nothing, --dry-run, --batch-size and\n"
        "   --timeout-seconds are the same flags spelled with dashes)\n");
  }
  if (command == "fetch") {
    return absl::StrCat(
        kFetchUsage,
        DescribeFlags({"reporters", "periods", "hs_codes", "flows", "partners",
                       "api_base_url", "api_key_file", "max_records",
                       "retry_base_ms", "ingest_addr", "token_file",
                       "all_or_nothing", "dry_run", "batch_size",
                       "timeout_seconds"}));
  }
  if (command == "batches") {
    return absl::StrCat(
        kBatchesUsage,
        DescribeFlags({"ingest_addr", "token_file", "limit", "tls_cert_file",
                       "tls_key_file", "tls_ca_file"}));
  }
  if (command == "report") {
    return absl::StrCat(
        kReportUsage,
        DescribeFlags({"gateway_addr", "powertrain", "timeout_seconds",
                       "tls_cert_file", "tls_key_file", "tls_ca_file"}));
  }
  return std::string(kOverview);
}

bool IsHelp(std::string_view arg) {
  return arg == "--help" || arg == "-h" || arg == "-help" ||
         arg == "--helpfull" || arg == "help";
}

// --request-id=x -> --request_id=x: absl flag names cannot hold dashes, the
// brief's spelling uses them.
std::string NormalizeFlagName(std::string arg) {
  if (arg.size() < 3 || arg.rfind("--", 0) != 0) return arg;
  const size_t end = std::min(arg.find('='), arg.size());
  for (size_t i = 2; i < end; ++i) {
    if (arg[i] == '-') arg[i] = '_';
  }
  return arg;
}

}  // namespace

int main(int argc, char* argv[]) {
  absl::SetProgramUsageMessage(std::string(kOverview));
  std::vector<std::string> args(argv, argv + argc);
  // The command is the first argument that is not a flag.
  std::string command;
  for (size_t i = 1; i < args.size(); ++i) {
    if (args[i].empty() || args[i][0] != '-') {
      command = args[i];
      break;
    }
  }
  for (size_t i = 1; i < args.size(); ++i) {
    if (args[i] == "--") break;
    if (IsHelp(args[i]) && args[i] != command) {
      absl::PrintF("%s", UsageOf(command));
      return 0;
    }
    args[i] = NormalizeFlagName(std::move(args[i]));
  }
  if (command == "help") {
    // "evtrade help import"
    std::string topic;
    for (size_t i = 1; i + 1 < args.size(); ++i) {
      if (args[i] == "help") topic = args[i + 1];
    }
    absl::PrintF("%s", UsageOf(topic));
    return 0;
  }
  std::vector<char*> raw;
  for (std::string& arg : args) raw.push_back(arg.data());
  std::vector<char*> positional =
      evtrade::ParseFlagsWithEnv(static_cast<int>(raw.size()), raw.data());
  // positional[0] is the program, [1] the command.
  if (positional.size() < 2) {
    absl::FPrintF(stderr, "%s", kOverview);
    return kExitUsage;
  }
  std::vector<std::string> operands(positional.begin() + 2, positional.end());
  const absl::Duration timeout =
      absl::Seconds(absl::GetFlag(FLAGS_timeout_seconds));
  if (absl::GetFlag(FLAGS_timeout_seconds) <= 0) {
    absl::FPrintF(stderr, "evtrade: --timeout_seconds: must be > 0\n");
    return kExitUsage;
  }

  absl::StatusOr<evtrade::TlsConfig> tls =
      evtrade::LoadTlsConfig({.cert_file = absl::GetFlag(FLAGS_tls_cert_file),
                              .key_file = absl::GetFlag(FLAGS_tls_key_file),
                              .ca_file = absl::GetFlag(FLAGS_tls_ca_file)},
                             evtrade::TlsRole::kClient);
  if (!tls.ok()) {
    absl::FPrintF(stderr, "evtrade: %s\n", tls.status().message());
    return kExitUsage;
  }

  if (command == "import") {
    auto format =
        evtrade::formats::ParseInputFormat(absl::GetFlag(FLAGS_format));
    if (!format.has_value()) {
      absl::FPrintF(stderr,
                    "evtrade import: --format: expected auto, native or "
                    "comtrade, got \"%s\"\n",
                    absl::GetFlag(FLAGS_format));
      return kExitUsage;
    }
    return evtrade::cli::RunImport(
        {.files = operands,
         .format = *format,
         .ingest_addr = absl::GetFlag(FLAGS_ingest_addr),
         .token_file = absl::GetFlag(FLAGS_token_file),
         .request_id = absl::GetFlag(FLAGS_request_id),
         .source = absl::GetFlag(FLAGS_source),
         .all_or_nothing = absl::GetFlag(FLAGS_all_or_nothing),
         .dry_run = absl::GetFlag(FLAGS_dry_run),
         .batch_size = absl::GetFlag(FLAGS_batch_size),
         .timeout = timeout,
         .progress = isatty(STDERR_FILENO) == 1,
         .tls = *tls});
  }
  if (command == "fetch") {
    if (!operands.empty()) {
      absl::FPrintF(stderr, "evtrade fetch: unexpected argument \"%s\"\n",
                    operands[0]);
      return kExitUsage;
    }
    if (absl::GetFlag(FLAGS_retry_base_ms) < 0) {
      absl::FPrintF(stderr, "evtrade fetch: --retry_base_ms: must be >= 0\n");
      return kExitUsage;
    }
    evtrade::cli::FetchConfig config{
        .ingest = {.ingest_addr = absl::GetFlag(FLAGS_ingest_addr),
                   .token_file = absl::GetFlag(FLAGS_token_file),
                   .all_or_nothing = absl::GetFlag(FLAGS_all_or_nothing),
                   .dry_run = absl::GetFlag(FLAGS_dry_run),
                   .batch_size = absl::GetFlag(FLAGS_batch_size),
                   .timeout = timeout,
                   .progress = isatty(STDERR_FILENO) == 1,
                   .tls = *tls},
        .reporters = absl::GetFlag(FLAGS_reporters),
        .partners = absl::GetFlag(FLAGS_partners),
        .periods = absl::GetFlag(FLAGS_periods),
        .hs_codes = absl::GetFlag(FLAGS_hs_codes),
        .flows = absl::GetFlag(FLAGS_flows),
        .api = {.base_url = absl::GetFlag(FLAGS_api_base_url),
                .retry_base =
                    absl::Milliseconds(absl::GetFlag(FLAGS_retry_base_ms))},
        .api_key_file = absl::GetFlag(FLAGS_api_key_file),
        .max_records = absl::GetFlag(FLAGS_max_records)};
    return evtrade::cli::RunFetch(config);
  }
  if (command == "batches") {
    if (!operands.empty()) {
      absl::FPrintF(stderr, "evtrade batches: unexpected argument \"%s\"\n",
                    operands[0]);
      return kExitUsage;
    }
    return evtrade::cli::RunBatches(
        {.ingest_addr = absl::GetFlag(FLAGS_ingest_addr),
         .token_file = absl::GetFlag(FLAGS_token_file),
         .limit = absl::GetFlag(FLAGS_limit),
         .tls = *tls});
  }
  if (command == "report") {
    if (operands.size() != 2) {
      absl::FPrintF(stderr, "%s", UsageOf("report"));
      return kExitUsage;
    }
    return evtrade::cli::RunReport(
        {.gateway_addr = absl::GetFlag(FLAGS_gateway_addr),
         .reporter = operands[0],
         .period = operands[1],
         .powertrain = absl::GetFlag(FLAGS_powertrain),
         .timeout = std::min(timeout, absl::Seconds(60)),
         .tls = *tls});
  }
  absl::FPrintF(stderr, "evtrade: unknown command \"%s\"\n\n%s", command,
                kOverview);
  return kExitUsage;
}

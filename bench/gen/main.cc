// evtrade_gen: writes synthetic vehicle export records (bench/gen) as a
// native-format CSV, streaming, for loading with the CLI or other tools.
//
//   evtrade_gen --records=1000000 --out=/tmp/synthetic.csv
#include <cstdio>
#include <memory>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "bench/gen/synthetic_trade.h"
#include "common/domain/flow.h"
#include "common/domain/month.h"
#include "common/util/strings.h"

ABSL_FLAG(int64_t, records, 100'000, "Records to write (revisions included).");
ABSL_FLAG(uint64_t, seed, 1, "Seed of the figures.");
ABSL_FLAG(std::string, last_month, "2022-12",
          "Last month of the data (YYYY-MM), unless --first_month is set.");
ABSL_FLAG(std::string, first_month, "",
          "First month of the data (YYYY-MM); overrides --last_month.");
ABSL_FLAG(std::string, source, "synthetic", "Provenance label of the records.");
ABSL_FLAG(std::string, out, "-", "Output file; - = standard output.");

namespace {

int Fail(const absl::Status& status) {
  std::fprintf(stderr, "evtrade_gen: %s\n", status.ToString().c_str());
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Writes synthetic Comtrade-like vehicle export records as native CSV.");
  absl::ParseCommandLine(argc, argv);

  evtrade::bench::SyntheticConfig config;
  config.records = absl::GetFlag(FLAGS_records);
  config.seed = absl::GetFlag(FLAGS_seed);
  config.source = absl::GetFlag(FLAGS_source);
  auto last =
      evtrade::Month::Parse(absl::GetFlag(FLAGS_last_month), "--last_month");
  if (!last.ok()) return Fail(last.status());
  config.last_month = *last;
  if (!absl::GetFlag(FLAGS_first_month).empty()) {
    auto first = evtrade::Month::Parse(absl::GetFlag(FLAGS_first_month),
                                       "--first_month");
    if (!first.ok()) return Fail(first.status());
    config.first_month = *first;
  }
  auto gen = evtrade::bench::SyntheticTrade::Create(config);
  if (!gen.ok()) return Fail(gen.status());

  const std::string path = absl::GetFlag(FLAGS_out);
  std::FILE* out = path == "-" ? stdout : std::fopen(path.c_str(), "w");
  if (out == nullptr) {
    return Fail(
        absl::InvalidArgumentError(absl::StrCat("--out: cannot open ", path)));
  }
  // Codes, names and labels hold no commas or quotes, so no field needs
  // CSV quoting.
  std::fputs(
      "reporter,partner,flow,hs_code,period,value_usd,quantity,"
      "net_weight_kg,manufacturer,source\n",
      out);
  evtrade::v1::TradeRecord record;
  while ((*gen)->Next(record)) {
    const evtrade::Month month{record.period().year(), record.period().month()};
    absl::FPrintF(out, "%s,%s,%s,%s,%s,%d,%d,%d,%s,%s\n", record.reporter(),
                  record.partner(),
                  evtrade::ToAbsl(evtrade::ComtradeFlowCode(record.flow())),
                  record.hs_code(), month.ToString(), record.value_usd(),
                  record.quantity(), record.net_weight_kg(),
                  record.manufacturer(), record.source());
  }
  const bool ok = std::ferror(out) == 0;
  if (out != stdout) {
    if (std::fclose(out) != 0 || !ok) {
      return Fail(absl::DataLossError(absl::StrCat("writing ", path)));
    }
  } else if (std::fflush(out) != 0 || !ok) {
    return Fail(absl::DataLossError("writing standard output"));
  }
  std::fprintf(stderr, "evtrade_gen: %lld records, %s..%s\n",
               static_cast<long long>((*gen)->produced()),
               (*gen)->first_month().ToString().c_str(),
               (*gen)->last_month().ToString().c_str());
  return 0;
}

#include "cli/batches_command.h"

#include <algorithm>
#include <string>

#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "cli/import_command.h"
#include "common/client/ingest_client.h"
#include "common/domain/paging.h"
#include "common/util/token.h"

namespace evtrade::cli {

int RunBatches(const BatchesConfig& config) {
  if (config.limit < 1) {
    absl::FPrintF(stderr, "evtrade batches: --limit: must be >= 1, got %d\n",
                  config.limit);
    return kExitUsage;
  }
  auto token = ReadTokenFile(config.token_file);
  if (!token.ok()) {
    absl::FPrintF(stderr, "evtrade batches: --token_file: %s\n",
                  token.status().message());
    return kExitUsage;
  }
  IngestClient client({.address = config.ingest_addr,
                       .token = *std::move(token),
                       .tls = config.tls});
  absl::PrintF("%8s  %-20s  %9s  %9s  %9s  %9s  %9s  %8s  %-20s  %s\n", "batch",
               "ingested (UTC)", "received", "inserted", "updated", "unchanged",
               "rejected", "version", "request id", "source");
  int printed = 0;
  std::string page_token;
  do {
    auto page = client.ListBatches(
        std::min(config.limit - printed, kMaxPageSize), page_token);
    if (!page.ok()) {
      absl::FPrintF(stderr, "evtrade batches: ListBatches failed (%s): %s\n",
                    absl::StatusCodeToString(page.status().code()),
                    page.status().message());
      return kExitFailed;
    }
    for (const v1::Batch& b : page->batches()) {
      const absl::Time time = absl::FromUnixSeconds(b.ingest_time().seconds());
      absl::PrintF(
          "%8d  %-20s  %9d  %9d  %9d  %9d  %9d  %8d  %-20s  %s\n", b.batch_id(),
          absl::FormatTime("%Y-%m-%d %H:%M:%S", time, absl::UTCTimeZone()),
          b.received(), b.inserted(), b.updated(), b.unchanged(), b.rejected(),
          b.data_version(), b.request_id().empty() ? "-" : b.request_id(),
          b.source());
      ++printed;
    }
    page_token = page->next_page_token();
  } while (!page_token.empty() && printed < config.limit);
  return kExitOk;
}

}  // namespace evtrade::cli

// `evtrade batches`: what was ingested when, by whom, with which counts.
#ifndef EVTRADE_CLI_BATCHES_COMMAND_H_
#define EVTRADE_CLI_BATCHES_COMMAND_H_

#include <string>

#include "common/tls/tls_config.h"

namespace evtrade::cli {

struct BatchesConfig {
  std::string ingest_addr{};
  std::string token_file{};
  int limit = 20;   // batches to print, newest first
  TlsConfig tls{};  // to the ingest service
};

// Prints one line per batch on stdout; returns the exit code.
int RunBatches(const BatchesConfig& config);

}  // namespace evtrade::cli

#endif  // EVTRADE_CLI_BATCHES_COMMAND_H_

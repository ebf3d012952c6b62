// A client of the UN Comtrade v1 API: one GET per call, retried on 429,
// 5xx and broken connections with backoff that honours Retry-After, the
// response body written to a file (a response can be hundreds of MB).
#ifndef EVTRADE_CLI_COMTRADE_API_H_
#define EVTRADE_CLI_COMTRADE_API_H_

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace evtrade::cli {

struct ComtradeApiConfig {
  // scheme://host[:port][/prefix], e.g. https://comtradeapi.un.org.
  std::string base_url{};
  // The subscription key (sent as Ocp-Apim-Subscription-Key); empty = the
  // public preview endpoint.
  std::string api_key{};
  int max_attempts = 6;                          // per call, the first included
  absl::Duration retry_base = absl::Seconds(2);  // first backoff; doubles
  absl::Duration max_retry_wait = absl::Seconds(120);  // cap on one wait
  absl::Duration connect_timeout = absl::Seconds(15);
  absl::Duration read_timeout = absl::Seconds(300);
};

// The endpoint path of a query: /data/v1/get/C/M/HS with a key,
// /public/v1/preview/C/M/HS without.
std::string ComtradeDataPath(const ComtradeApiConfig& config);

// GETs base_url + ComtradeDataPath(config) with `params` (already
// query-encoded values) and writes the 200 response's body to `out_path`.
// Errors: PERMISSION_DENIED on 401/403 (a wrong or missing key),
// UNAVAILABLE when retries are exhausted, INVALID_ARGUMENT for other 4xx;
// each message names the HTTP status and the start of the API's answer.
// `note` receives one line per retry ("HTTP 429: retrying in 1 s").
// Thread-compatible; blocks while it waits.
absl::Status FetchToFile(
    const ComtradeApiConfig& config,
    const std::vector<std::pair<std::string, std::string>>& params,
    const std::string& out_path,
    const std::function<void(const std::string&)>& note);

// The first bytes of a downloaded answer, on one line, for messages.
std::string ResponseStart(const std::string& path);

}  // namespace evtrade::cli

#endif  // EVTRADE_CLI_COMTRADE_API_H_

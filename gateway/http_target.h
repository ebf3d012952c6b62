// An HTTP request target ("/path?query") -> the path and query parameters
// the handler sees (gateway/http_types.h), percent-decoded. Apart from the
// server so that it can be fuzzed (fuzz/http_target_fuzzer.cc).
#ifndef EVTRADE_GATEWAY_HTTP_TARGET_H_
#define EVTRADE_GATEWAY_HTTP_TARGET_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace evtrade::gateway {

// %XX -> that byte (any byte, NUL and non-UTF-8 included: the routes check
// what they use); a '%' without two hex digits after it stays as it is;
// with `plus_is_space`, '+' is a space (query parameters, not paths).
std::string PercentDecode(absl::string_view text, bool plus_is_space);

struct DecodedTarget {
  std::string path;  // up to the first '?', decoded
  // "name=value" pairs split on '&' (empty ones skipped) and the first
  // '='; a pair without '=' has an empty value. In order, duplicates kept.
  std::vector<std::pair<std::string, std::string>> params;
};

DecodedTarget DecodeTarget(absl::string_view target);

}  // namespace evtrade::gateway

#endif  // EVTRADE_GATEWAY_HTTP_TARGET_H_

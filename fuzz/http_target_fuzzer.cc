// The HTTP server's request-target decoding (gateway/http_target.h) on any
// bytes. Decoding never grows text; a target with neither '%' nor '+' nor
// '?' is its own path; and any bytes, each written as %XX, decode back to
// themselves, in the path and in a parameter alike.
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/str_format.h"
#include "fuzz/fuzz_input.h"
#include "gateway/http_target.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input = evtrade::fuzz::AsText(data, size);
  const absl::string_view target(input.data(), input.size());
  const evtrade::gateway::DecodedTarget decoded =
      evtrade::gateway::DecodeTarget(target);
  FUZZ_CHECK(decoded.path.size() <= target.size());
  size_t decoded_bytes = decoded.path.size();
  for (const auto& [name, value] : decoded.params) {
    FUZZ_CHECK(!name.empty() || !value.empty() ||
               target.find('=') != absl::string_view::npos);
    decoded_bytes += name.size() + value.size();
  }
  FUZZ_CHECK(decoded_bytes <= target.size());
  if (target.find_first_of("%+?") == absl::string_view::npos) {
    FUZZ_CHECK(decoded.path == target && decoded.params.empty());
  }

  std::string encoded;
  for (const char c : target) {
    absl::StrAppendFormat(&encoded, "%%%02X", static_cast<unsigned char>(c));
  }
  FUZZ_CHECK(evtrade::gateway::PercentDecode(encoded, true) == target);
  const evtrade::gateway::DecodedTarget round_trip =
      evtrade::gateway::DecodeTarget(encoded + "?p=" + encoded);
  FUZZ_CHECK(round_trip.path == target);
  FUZZ_CHECK(round_trip.params.size() == 1);
  FUZZ_CHECK(round_trip.params[0].first == "p");
  FUZZ_CHECK(round_trip.params[0].second == target);
  return 0;
}

// ParseRoundedInt64 on any text, against two oracles: a plain integer
// parses as absl::SimpleAtoi says, and every value it returns parses back
// from its own decimal string, also with a fraction and an exponent.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "absl/strings/numbers.h"
#include "common/formats/decimal.h"
#include "fuzz/fuzz_input.h"

namespace {

using evtrade::formats::ParseRoundedInt64;

bool IsPlainInteger(std::string_view text) {
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) {
    text.remove_prefix(1);
  }
  if (text.empty()) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

int64_t ValueOf(std::string_view text) {
  auto parsed = ParseRoundedInt64(text);
  FUZZ_CHECK(std::holds_alternative<int64_t>(parsed));
  return std::get<int64_t>(parsed);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = evtrade::fuzz::AsText(data, size);
  const std::variant<int64_t, std::string> parsed = ParseRoundedInt64(text);
  if (IsPlainInteger(text)) {
    int64_t expected = 0;
    const bool fits = absl::SimpleAtoi(
        absl::string_view(text.data(), text.size()), &expected);
    FUZZ_CHECK(fits == std::holds_alternative<int64_t>(parsed));
    if (fits) FUZZ_CHECK(std::get<int64_t>(parsed) == expected);
  }
  if (const int64_t* value = std::get_if<int64_t>(&parsed)) {
    const std::string digits = std::to_string(*value);
    FUZZ_CHECK(ValueOf(digits) == *value);
    FUZZ_CHECK(ValueOf(" " + digits + ".4999 ") == *value);
    FUZZ_CHECK(ValueOf(digits + "0e-1") == *value);
  } else {
    FUZZ_CHECK(!std::get<std::string>(parsed).empty());
  }
  return 0;
}

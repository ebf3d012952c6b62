// Exact decimal-to-integer rounding for money and quantities in input files.
#ifndef EVTRADE_COMMON_FORMATS_DECIMAL_H_
#define EVTRADE_COMMON_FORMATS_DECIMAL_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

namespace evtrade::formats {

// Parses a decimal number ("1234", "-1234.5", "1.2E+9", ".5", "7.") and
// rounds it to the nearest integer, halves away from zero, computed on the
// digits themselves: no binary floating point, so "0.5" -> 1 and
// "2.675" -> 3 exactly as written, and "1.23456789012345678E+17" keeps all
// its digits. Surrounding ASCII whitespace is ignored. Returns the value, or
// an English reason ("not a number: \"12a\"", "out of range: ...").
// Stateless and thread-safe.
std::variant<int64_t, std::string> ParseRoundedInt64(std::string_view text);

}  // namespace evtrade::formats

#endif  // EVTRADE_COMMON_FORMATS_DECIMAL_H_

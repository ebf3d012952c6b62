#include "common/formats/decimal.h"

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "absl/strings/str_cat.h"

namespace evtrade::formats {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' ||
         c == '\v';
}

// Exponents beyond this are out of range for any int64 with a nonzero digit
// (and all-zero mantissas are handled before the exponent matters).
constexpr int64_t kMaxExponent = 1'000'000;

}  // namespace

std::variant<int64_t, std::string> ParseRoundedInt64(std::string_view text) {
  const std::string_view original = text;
  while (!text.empty() && IsSpace(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsSpace(text.back())) text.remove_suffix(1);
  // Reasons are built only on failure: this runs for every cell of a file.
  auto quoted = [original] {
    return absl::StrCat("\"", std::string(original.data(), original.size()),
                        "\"");
  };
  if (text.empty()) return std::string("empty, expected a number");
  auto not_a_number = [&] { return absl::StrCat("not a number: ", quoted()); };

  size_t i = 0;
  bool negative = false;
  if (text[i] == '+' || text[i] == '-') {
    negative = text[i] == '-';
    ++i;
  }
  // The significant digits (integer and fraction part together) and the
  // power of ten that scales them: value = digits * 10^scale.
  std::string digits;
  int64_t scale = 0;
  size_t integer_digits = 0;
  size_t fraction_digits = 0;
  for (; i < text.size() && IsDigit(text[i]); ++i, ++integer_digits) {
    digits.push_back(text[i]);
  }
  if (i < text.size() && text[i] == '.') {
    for (++i; i < text.size() && IsDigit(text[i]); ++i, ++fraction_digits) {
      digits.push_back(text[i]);
      --scale;
    }
  }
  if (integer_digits + fraction_digits == 0) return not_a_number();
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    bool exp_negative = false;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) {
      exp_negative = text[i] == '-';
      ++i;
    }
    if (i == text.size() || !IsDigit(text[i])) return not_a_number();
    int64_t exponent = 0;
    for (; i < text.size() && IsDigit(text[i]); ++i) {
      if (exponent < kMaxExponent) exponent = exponent * 10 + (text[i] - '0');
    }
    scale += exp_negative ? -exponent : exponent;
  }
  if (i != text.size()) return not_a_number();

  // Leading zeros carry no information.
  const size_t first = digits.find_first_not_of('0');
  if (first == std::string::npos) return int64_t{0};
  digits.erase(0, first);

  // Split into the integer part and the first dropped digit, which alone
  // decides rounding (half away from zero: a 5 rounds up whatever follows).
  std::string_view whole = digits;
  bool round_up = false;
  if (scale < 0) {
    const uint64_t drop = static_cast<uint64_t>(-scale);
    if (drop > whole.size()) {
      whole = {};  // |value| < 0.1: rounds to 0
    } else {
      round_up = whole[whole.size() - drop] >= '5';
      whole.remove_suffix(drop);
    }
    scale = 0;
  }
  auto out_of_range = [&] { return absl::StrCat("out of range: ", quoted()); };
  if (static_cast<int64_t>(whole.size()) + scale > 19) return out_of_range();
  // Accumulate the magnitude as unsigned so that INT64_MIN fits.
  uint64_t magnitude = 0;
  constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
  auto push_digit = [&](unsigned d) {
    if (magnitude > (kMax - d) / 10) return false;
    magnitude = magnitude * 10 + d;
    return true;
  };
  for (char c : whole) {
    if (!push_digit(c - '0')) return out_of_range();
  }
  for (int64_t k = 0; k < scale; ++k) {
    if (!push_digit(0)) return out_of_range();
  }
  if (round_up) {
    if (magnitude == kMax) return out_of_range();
    ++magnitude;
  }
  const uint64_t limit = negative ? uint64_t{1} << 63 : (uint64_t{1} << 63) - 1;
  if (magnitude > limit) return out_of_range();
  if (negative) {
    // -(2^63) has no positive counterpart; go through the unsigned wrap.
    return static_cast<int64_t>(~magnitude + 1);
  }
  return static_cast<int64_t>(magnitude);
}

}  // namespace evtrade::formats

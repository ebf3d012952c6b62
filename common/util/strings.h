// Small string helpers for std::string_view.
//
// Debian's Abseil 20220623 is built with ABSL_OPTION_USE_STD_STRING_VIEW=0:
// absl::string_view is its own class, and std::string_view does not convert
// to it (so absl::StrCat(std::string_view) and absl::StripAsciiWhitespace
// (std::string_view) do not compile). Our headers use std::string_view; these
// helpers bridge the two. Stateless and thread-safe.
#ifndef EVTRADE_COMMON_UTIL_STRINGS_H_
#define EVTRADE_COMMON_UTIL_STRINGS_H_

#include <string>
#include <string_view>

#include "absl/strings/string_view.h"

namespace evtrade {

// The same characters as an absl::string_view (for absl::StrCat and such).
inline absl::string_view ToAbsl(std::string_view text) {
  return absl::string_view(text.data(), text.size());
}

// The same characters as a std::string_view (e.g. from Status::message()).
inline std::string_view FromAbsl(absl::string_view text) {
  return std::string_view(text.data(), text.size());
}

// `text` without leading and trailing ASCII whitespace.
std::string_view StripAscii(std::string_view text);

// `text` with ASCII letters upper-cased.
std::string AsciiUpper(std::string_view text);

// True when `text` is non-empty and all ASCII digits.
bool AllAsciiDigits(std::string_view text);

// True when `text` is UTF-8 as protobuf checks it for string fields (the
// same function), so text that passes can always be sent.
bool IsValidUtf8(std::string_view text);

}  // namespace evtrade

#endif  // EVTRADE_COMMON_UTIL_STRINGS_H_

#include "gateway/http_target.h"

#include "absl/strings/str_split.h"

namespace evtrade::gateway {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string PercentDecode(absl::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%' && i + 2 < text.size()) {
      const int high = HexValue(text[i + 1]);
      const int low = HexValue(text[i + 2]);
      if (high >= 0 && low >= 0) {
        out.push_back(static_cast<char>(high * 16 + low));
        i += 2;
        continue;
      }
    }
    out.push_back(plus_is_space && c == '+' ? ' ' : c);
  }
  return out;
}

DecodedTarget DecodeTarget(absl::string_view target) {
  DecodedTarget out;
  const size_t question = target.find('?');
  out.path = PercentDecode(target.substr(0, question), false);
  if (question == absl::string_view::npos) return out;
  for (absl::string_view pair :
       absl::StrSplit(target.substr(question + 1), '&', absl::SkipEmpty())) {
    const size_t equals = pair.find('=');
    out.params.emplace_back(PercentDecode(pair.substr(0, equals), true),
                            equals == absl::string_view::npos
                                ? std::string()
                                : PercentDecode(pair.substr(equals + 1), true));
  }
  return out;
}

}  // namespace evtrade::gateway

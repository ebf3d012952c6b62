#include "common/util/strings.h"

#include <string>
#include <string_view>

#include "absl/strings/ascii.h"
#include "google/protobuf/stubs/common.h"

namespace evtrade {

std::string_view StripAscii(std::string_view text) {
  return FromAbsl(absl::StripAsciiWhitespace(ToAbsl(text)));
}

std::string AsciiUpper(std::string_view text) {
  return absl::AsciiStrToUpper(ToAbsl(text));
}

bool AllAsciiDigits(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

bool IsValidUtf8(std::string_view text) {
  return google::protobuf::internal::IsStructurallyValidUTF8(
      text.data(), static_cast<int>(text.size()));
}

}  // namespace evtrade

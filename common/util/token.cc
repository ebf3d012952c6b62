#include "common/util/token.h"

#include <cstdlib>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/util/file.h"

namespace evtrade {
namespace {

// absl::string_view: Debian's Abseil does not alias std::string_view.
absl::StatusOr<std::string> CheckToken(absl::string_view raw,
                                       absl::string_view origin) {
  std::string token(absl::StripAsciiWhitespace(raw));
  if (token.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(origin, " is empty"));
  }
  for (char c : token) {
    if (absl::ascii_isspace(static_cast<unsigned char>(c)) ||
        absl::ascii_iscntrl(static_cast<unsigned char>(c))) {
      return absl::InvalidArgumentError(
          absl::StrCat(origin,
                       ": token contains whitespace or control "
                       "characters"));
    }
  }
  return token;
}

}  // namespace

absl::StatusOr<std::string> ReadTokenFile(const std::string& path) {
  absl::StatusOr<std::string> content = ReadFileContents(path);
  if (!content.ok()) return content.status();
  return CheckToken(*content, path);
}

absl::StatusOr<std::string> ReadTokenEnv(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  if (value == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("environment variable ", name, " is not set"));
  }
  return CheckToken(value, absl::StrCat("environment variable ", name));
}

bool ConstantTimeEquals(std::string_view expected, std::string_view actual) {
  unsigned char diff = expected.size() == actual.size() ? 0 : 1;
  for (size_t i = 0; i < expected.size(); ++i) {
    const unsigned char a = i < actual.size() ? actual[i] : 0;
    diff |= static_cast<unsigned char>(expected[i]) ^ a;
  }
  return diff == 0;
}

}  // namespace evtrade

#include "bench/load/results.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/util/strings.h"

namespace evtrade::bench {
namespace {

std::string Quote(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += absl::StrFormat("\\u%04x", c);
    } else {
      out += c;
    }
  }
  return out + "\"";
}

}  // namespace

Result::Result(std::string_view name) { Add("name", name); }

Result& Result::Add(std::string_view key, std::string_view value) {
  fields_.emplace_back(std::string(key), Quote(value));
  return *this;
}

Result& Result::Add(std::string_view key, int64_t value) {
  fields_.emplace_back(std::string(key), absl::StrCat(value));
  return *this;
}

Result& Result::Add(std::string_view key, double value) {
  // JSON has no NaN or infinity.
  fields_.emplace_back(std::string(key), std::isfinite(value)
                                             ? absl::StrFormat("%.6g", value)
                                             : std::string("null"));
  return *this;
}

Result& Result::Add(const LatencySummary& s) {
  Add("calls", s.calls);
  Add("errors", s.errors);
  Add("first_error", s.first_error);
  Add("seconds", s.seconds);
  Add("p50_ms", s.p50_ms);
  Add("p90_ms", s.p90_ms);
  Add("p99_ms", s.p99_ms);
  Add("max_ms", s.max_ms);
  Add("mean_ms", s.mean_ms);
  Add("per_second", s.per_second);
  return *this;
}

std::string Result::ToJson() const {
  std::vector<std::string> parts;
  for (const auto& [key, value] : fields_) {
    parts.push_back(absl::StrCat(Quote(key), ": ", value));
  }
  return absl::StrCat("{", absl::StrJoin(parts, ", "), "}");
}

absl::Status ResultsFile::Append(const Result& result) {
  const std::string line = result.ToJson() + "\n";
  std::fputs(line.c_str(), stderr);
  std::FILE* file = std::fopen(path_.c_str(), "a");
  if (file == nullptr) {
    return absl::UnavailableError(absl::StrCat("cannot open ", path_));
  }
  const bool written = std::fputs(line.c_str(), file) >= 0;
  if (std::fclose(file) != 0 || !written) {
    return absl::DataLossError(absl::StrCat("cannot write ", path_));
  }
  return absl::OkStatus();
}

}  // namespace evtrade::bench

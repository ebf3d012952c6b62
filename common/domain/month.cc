#include "common/domain/month.h"

#include <charconv>
#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/domain/field_violation.h"
#include "common/util/strings.h"

namespace evtrade {
namespace {

absl::Status Invalid(std::string_view field, std::string_view reason) {
  return FieldViolationError(field, reason);
}

// Parses a run of ASCII digits (no sign, no spaces) into an int.
bool ParseDigits(std::string_view digits, int& out) {
  if (!AllAsciiDigits(digits)) return false;
  auto [ptr, ec] =
      std::from_chars(digits.data(), digits.data() + digits.size(), out);
  return ec == std::errc() && ptr == digits.data() + digits.size();
}

}  // namespace

std::optional<MonthProblem> CheckYearMonth(int year, int month) {
  if (year < kMinYear || year > kMaxYear) {
    return MonthProblem{"year", absl::StrFormat("must be %d..%d, got %d",
                                                kMinYear, kMaxYear, year)};
  }
  if (month < 1 || month > 12) {
    return MonthProblem{"month",
                        absl::StrFormat("must be 1..12, got %d", month)};
  }
  return std::nullopt;
}

absl::StatusOr<Month> Month::FromProto(const v1::Period& period,
                                       std::string_view field) {
  if (std::optional<MonthProblem> problem =
          CheckYearMonth(period.year(), period.month())) {
    return Invalid(absl::StrCat(ToAbsl(field), ".", ToAbsl(problem->part)),
                   problem->reason);
  }
  return Month{period.year(), period.month()};
}

absl::StatusOr<Month> Month::Parse(std::string_view text,
                                   std::string_view field) {
  const std::string_view trimmed = StripAscii(text);
  std::string_view year_part;
  std::string_view month_part;
  if (trimmed.size() == 7 && trimmed[4] == '-') {
    year_part = trimmed.substr(0, 4);
    month_part = trimmed.substr(5, 2);
  } else if (trimmed.size() == 6) {
    year_part = trimmed.substr(0, 4);
    month_part = trimmed.substr(4, 2);
  } else {
    return Invalid(field, absl::StrCat("expected YYYY-MM or YYYYMM, got \"",
                                       ToAbsl(text), "\""));
  }
  int year = 0;
  int month = 0;
  if (!ParseDigits(year_part, year) || !ParseDigits(month_part, month)) {
    return Invalid(field, absl::StrCat("expected YYYY-MM or YYYYMM, got \"",
                                       ToAbsl(text), "\""));
  }
  if (std::optional<MonthProblem> problem = CheckYearMonth(year, month)) {
    return Invalid(field,
                   absl::StrCat(ToAbsl(problem->part), " ", problem->reason));
  }
  return Month{year, month};
}

Month Month::FromKey(int key) { return Month{key / 100, key % 100}; }

Month Month::FromIndex(int index) {
  // Floor division so that negative indexes still land on months 1..12.
  int year = index / 12;
  int rem = index % 12;
  if (rem < 0) {
    rem += 12;
    --year;
  }
  return Month{year, rem + 1};
}

v1::Period Month::ToProto() const {
  v1::Period period;
  period.set_year(year);
  period.set_month(month);
  return period;
}

std::string Month::ToString() const {
  return absl::StrFormat("%04d-%02d", year, month);
}

int MonthsInRange(Month start, Month end) {
  const int n = end.Index() - start.Index() + 1;
  return n > 0 ? n : 0;
}

}  // namespace evtrade

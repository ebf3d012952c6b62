#include "common/domain/record_validation.h"

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/domain/areas.h"
#include "common/domain/month.h"
#include "common/util/strings.h"

namespace evtrade {
namespace {

FieldError Error(std::string_view field, std::string reason) {
  return FieldError{std::string(field), std::move(reason)};
}

std::optional<FieldError> CheckReporter(const std::string& code) {
  if (code.empty()) return Error("reporter", "is required");
  const std::optional<AreaKind> kind = LookupArea(code);
  if (!kind.has_value()) {
    return Error("reporter", absl::StrCat("unknown country code \"", code,
                                          "\" (ISO 3166-1 alpha-3)"));
  }
  if (*kind == AreaKind::kWorld) {
    return Error("reporter", "must be a country, not the World total W00");
  }
  if (*kind == AreaKind::kSpecialArea) {
    return Error("reporter", absl::StrCat("must be a country, not the "
                                          "special area \"",
                                          code, "\""));
  }
  return std::nullopt;
}

std::optional<FieldError> CheckPartner(const std::string& code) {
  if (code.empty()) return Error("partner", "is required");
  if (!LookupArea(code).has_value()) {
    return Error("partner",
                 absl::StrCat("unknown country or area code \"", code, "\""));
  }
  return std::nullopt;
}

std::optional<FieldError> CheckHsCode(const std::string& hs_code) {
  if (hs_code.size() != 6 || !AllAsciiDigits(hs_code)) {
    return Error("hs_code", absl::StrCat("must be exactly 6 digits, got \"",
                                         hs_code, "\""));
  }
  return std::nullopt;
}

std::optional<FieldError> CheckNonNegative(std::string_view field,
                                           int64_t value) {
  if (value < 0) {
    return Error(field, absl::StrCat("must be >= 0, got ", value));
  }
  return std::nullopt;
}

}  // namespace

std::optional<FieldError> NormalizeAndValidate(v1::TradeRecord& record) {
  record.set_reporter(NormalizeAreaCode(record.reporter()));
  record.set_partner(NormalizeAreaCode(record.partner()));
  record.set_hs_code(std::string(StripAscii(record.hs_code())));
  record.set_manufacturer(std::string(StripAscii(record.manufacturer())));
  record.set_source(std::string(StripAscii(record.source())));

  if (auto error = CheckReporter(record.reporter())) return error;
  if (auto error = CheckPartner(record.partner())) return error;
  if (record.flow() == v1::FLOW_UNSPECIFIED) {
    return Error("flow",
                 "must be specified (export, import, re-export or "
                 "re-import)");
  }
  if (!v1::Flow_IsValid(record.flow())) {
    return Error(
        "flow", absl::StrCat("unknown flow ", static_cast<int>(record.flow())));
  }
  if (auto error = CheckHsCode(record.hs_code())) return error;
  if (!record.has_period()) return Error("period", "is required");
  if (std::optional<MonthProblem> problem =
          CheckYearMonth(record.period().year(), record.period().month())) {
    return Error(absl::StrCat("period.", ToAbsl(problem->part)),
                 std::move(problem->reason));
  }
  if (auto error = CheckNonNegative("value_usd", record.value_usd())) {
    return error;
  }
  if (auto error = CheckNonNegative("quantity", record.quantity())) {
    return error;
  }
  if (auto error = CheckNonNegative("net_weight_kg", record.net_weight_kg())) {
    return error;
  }
  return std::nullopt;
}

absl::Status ToInvalidArgument(const FieldError& error) {
  return absl::InvalidArgumentError(
      absl::StrCat(error.field, ": ", error.reason));
}

}  // namespace evtrade

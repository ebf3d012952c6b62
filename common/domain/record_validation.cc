#include "common/domain/record_validation.h"

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/domain/areas.h"
#include "common/domain/bounds.h"
#include "common/domain/field_violation.h"
#include "common/domain/month.h"
#include "common/util/strings.h"

namespace evtrade {
namespace {

FieldError Error(std::string_view field, std::string reason) {
  return FieldError{std::string(field), std::move(reason)};
}

// Input echoed back in a reason: quoted, cut to a few dozen bytes (at a
// UTF-8 boundary) and hex-escaped when it is not UTF-8, so that an error
// never grows with the input that caused it and can always be sent.
std::string Quoted(std::string_view text) {
  constexpr size_t kMaxEchoBytes = 40;
  size_t cut = text.size();
  if (cut > kMaxEchoBytes) {
    cut = kMaxEchoBytes;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) {
      --cut;
    }
  }
  const absl::string_view shown = ToAbsl(text.substr(0, cut));
  std::string quoted =
      absl::StrCat("\"",
                   IsValidUtf8(FromAbsl(shown)) ? std::string(shown)
                                                : absl::CHexEscape(shown),
                   "\"");
  if (cut < text.size()) {
    absl::StrAppend(&quoted, "... (", text.size(), " bytes)");
  }
  return quoted;
}

std::optional<FieldError> CheckPartner(const std::string& code) {
  if (code.empty()) return Error("partner", "is required");
  if (!LookupArea(code).has_value()) {
    return Error("partner",
                 absl::StrCat("unknown country or area code ", Quoted(code)));
  }
  return std::nullopt;
}

std::optional<FieldError> CheckHsCode(const std::string& hs_code) {
  if (hs_code.size() != 6 || !AllAsciiDigits(hs_code)) {
    return Error("hs_code", absl::StrCat("must be exactly 6 digits, got ",
                                         Quoted(hs_code)));
  }
  return std::nullopt;
}

std::optional<FieldError> CheckInRange(std::string_view field, int64_t value,
                                       int64_t max) {
  if (value < 0 || value > max) {
    return Error(field, absl::StrCat("must be 0..", max, ", got ", value));
  }
  return std::nullopt;
}

// Protobuf refuses to send a string field that is not UTF-8, so such text
// must be caught here, where it can be named, not in the transport.
std::optional<FieldError> CheckText(std::string_view field,
                                    const std::string& text, int max_bytes) {
  if (!IsValidUtf8(text)) return Error(field, "is not valid UTF-8");
  if (static_cast<int64_t>(text.size()) > max_bytes) {
    return Error(field, absl::StrCat("must be at most ", max_bytes,
                                     " bytes, got ", text.size()));
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

  // Codes are checked against tables, which hold only ASCII, so only the
  // free-text fields need their own UTF-8 check.
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
  if (auto error =
          CheckInRange("value_usd", record.value_usd(), kMaxRecordValueUsd)) {
    return error;
  }
  if (auto error =
          CheckInRange("quantity", record.quantity(), kMaxRecordQuantity)) {
    return error;
  }
  if (auto error = CheckInRange("net_weight_kg", record.net_weight_kg(),
                                kMaxRecordNetWeightKg)) {
    return error;
  }
  if (auto error = CheckText("manufacturer", record.manufacturer(),
                             kMaxManufacturerBytes)) {
    return error;
  }
  if (auto error = CheckText("source", record.source(), kMaxSourceBytes)) {
    return error;
  }
  return std::nullopt;
}

std::optional<FieldError> CheckReporter(const std::string& code,
                                        std::string_view field) {
  if (code.empty()) return Error(field, "is required");
  const std::optional<AreaKind> kind = LookupArea(code);
  if (!kind.has_value()) {
    return Error(field, absl::StrCat("unknown country code ", Quoted(code),
                                     " (ISO 3166-1 alpha-3)"));
  }
  if (*kind == AreaKind::kWorld) {
    return Error(field, "must be a country, not the World total W00");
  }
  if (*kind == AreaKind::kSpecialArea) {
    return Error(field, absl::StrCat("must be a country, not the special area ",
                                     Quoted(code)));
  }
  return std::nullopt;
}

absl::StatusOr<std::string> ParseReporter(std::string_view raw,
                                          std::string_view field) {
  std::string code = NormalizeAreaCode(raw);
  if (std::optional<FieldError> error = CheckReporter(code, field)) {
    return ToInvalidArgument(*error);
  }
  return code;
}

absl::Status ToInvalidArgument(const FieldError& error) {
  return FieldViolationError(error.field, error.reason);
}

}  // namespace evtrade

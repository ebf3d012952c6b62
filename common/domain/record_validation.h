// Validation of incoming TradeRecords.
#ifndef EVTRADE_COMMON_DOMAIN_RECORD_VALIDATION_H_
#define EVTRADE_COMMON_DOMAIN_RECORD_VALIDATION_H_

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "evtrade/v1/common.pb.h"

namespace evtrade {

// What is wrong with one field of a record.
struct FieldError {
  std::string field;   // as named in the proto, e.g. "period.month"
  std::string reason;  // English, e.g. "must be 1..12, got 13"
};

// Normalizes `record` in place (codes trimmed and upper-cased, WLD -> W00,
// manufacturer and source trimmed) and checks every domain rule: reporter a
// known country (not World, not a special area), partner a known code,
// flow specified, hs_code six digits, period within 1950..2100 and month
// 1..12, value/quantity/net weight within 0..the bounds of bounds.h,
// manufacturer and source valid UTF-8 within their byte limits. Returns the
// first error; its reason quotes at most a few dozen bytes of the input.
// This is the one validation of a record: the ingest service, the CLI and
// the readers all call it.
std::optional<FieldError> NormalizeAndValidate(v1::TradeRecord& record);

// The one reporter rule, for records and requests alike: `code`
// (normalized, see NormalizeAreaCode) is a known country -- not the World
// total, not a special area. The error names `field`.
std::optional<FieldError> CheckReporter(const std::string& code,
                                        std::string_view field = "reporter");

// A reporter given in a request: normalizes `raw` and applies
// CheckReporter; the code, or ToInvalidArgument of the error.
absl::StatusOr<std::string> ParseReporter(std::string_view raw,
                                          std::string_view field = "reporter");

// INVALID_ARGUMENT "<field>: <reason>" naming the field in a
// google.rpc.BadRequest (FieldViolationError).
absl::Status ToInvalidArgument(const FieldError& error);

}  // namespace evtrade

#endif  // EVTRADE_COMMON_DOMAIN_RECORD_VALIDATION_H_

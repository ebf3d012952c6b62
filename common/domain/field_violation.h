// Errors that name the request field at fault. Below the RPC layer an error
// is an absl::Status; the field travels with it as a payload, a serialized
// google.rpc.BadRequest under its type URL, which the one absl -> gRPC
// mapping (common/server/grpc_status.h) sends as grpc-status-details-bin and
// the HTTP API renders as the "details" of its google.rpc.Status body.
#ifndef EVTRADE_COMMON_DOMAIN_FIELD_VIOLATION_H_
#define EVTRADE_COMMON_DOMAIN_FIELD_VIOLATION_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"

namespace evtrade {

inline constexpr char kBadRequestTypeUrl[] =
    "type.googleapis.com/google.rpc.BadRequest";

// INVALID_ARGUMENT "<field>: <description>", with a BadRequest payload
// holding one field violation {field, description}. `field` is the request
// field as the proto names it ("reporter", "period.month", "reporters[2]").
// The one way to make such an error.
absl::Status FieldViolationError(std::string_view field,
                                 std::string_view description);

struct FieldViolation {
  std::string field;
  std::string description;
  bool operator==(const FieldViolation&) const = default;
};

// The field violations `status` carries, in order; empty when none.
std::vector<FieldViolation> FieldViolationsOf(const absl::Status& status);

}  // namespace evtrade

#endif  // EVTRADE_COMMON_DOMAIN_FIELD_VIOLATION_H_

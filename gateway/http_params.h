// URL query parameters -> protobuf request fields, for the HTTP/JSON API:
// a parameter is named as the request's field (its proto name, top_partners,
// or its lowerCamelCase JSON name, topPartners, as grpc-gateway clients
// send it), enums go by name (with or
// without their prefix: powertrain=POWERTRAIN_ELECTRIC or electric), and
// Period fields as "YYYY-MM" (start=2022-01).
#ifndef EVTRADE_GATEWAY_HTTP_PARAMS_H_
#define EVTRADE_GATEWAY_HTTP_PARAMS_H_

#include <google/protobuf/message.h>

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace evtrade::gateway {

// The field a parameter names (proto name or lowerCamelCase); null when
// none.
const google::protobuf::FieldDescriptor* FindParamField(
    const google::protobuf::Descriptor& message, absl::string_view name);

// Sets the field `name` of `message` from its text `value`; repeated fields
// get the value appended. INVALID_ARGUMENT "<name>: <reason>" (a field
// violation; <name> the proto field name once the field is known) for an
// unknown
// name, a nested message other than Period, a value that does not parse, or
// a name or value that is not UTF-8 (never echoed).
absl::Status SetFieldFromParam(absl::string_view name, absl::string_view value,
                               google::protobuf::Message& message);

// Every parameter in turn; a singular field given twice is an error.
absl::Status SetFieldsFromParams(
    const std::vector<std::pair<std::string, std::string>>& params,
    google::protobuf::Message& message);

}  // namespace evtrade::gateway

#endif  // EVTRADE_GATEWAY_HTTP_PARAMS_H_

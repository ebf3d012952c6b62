// URL query parameters -> protobuf request fields, for the HTTP/JSON API:
// a parameter is named as the request's field, enums go by name (with or
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

// Sets the field `name` of `message` from its text `value`; repeated fields
// get the value appended. INVALID_ARGUMENT "<name>: <reason>" for an unknown
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

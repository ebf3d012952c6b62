// Trade flows and their Comtrade codes.
#ifndef EVTRADE_COMMON_DOMAIN_FLOW_H_
#define EVTRADE_COMMON_DOMAIN_FLOW_H_

#include <optional>
#include <string_view>

#include "evtrade/v1/common.pb.h"

namespace evtrade {

// "X", "M", "RX", "RM" (case-insensitive, trimmed); also the enum names
// without prefix ("export", "re_export", ...). nullopt when unknown.
std::optional<v1::Flow> ParseFlow(std::string_view text);

// Comtrade code of a flow ("X", ...); "" for UNSPECIFIED.
std::string_view ComtradeFlowCode(v1::Flow flow);

// In requests an unspecified flow means export.
inline v1::Flow FlowOrExport(v1::Flow flow) {
  return flow == v1::FLOW_UNSPECIFIED ? v1::FLOW_EXPORT : flow;
}

}  // namespace evtrade

#endif  // EVTRADE_COMMON_DOMAIN_FLOW_H_

#include "common/domain/flow.h"

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "common/util/strings.h"

namespace evtrade {
namespace {

struct FlowName {
  v1::Flow flow;
  std::string_view comtrade;  // upper case
  std::string_view word;      // enum name without FLOW_, upper case
};

constexpr std::array<FlowName, 4> kFlows = {{
    {v1::FLOW_EXPORT, "X", "EXPORT"},
    {v1::FLOW_IMPORT, "M", "IMPORT"},
    {v1::FLOW_RE_EXPORT, "RX", "RE_EXPORT"},
    {v1::FLOW_RE_IMPORT, "RM", "RE_IMPORT"},
}};

}  // namespace

std::optional<v1::Flow> ParseFlow(std::string_view text) {
  const std::string upper = AsciiUpper(StripAscii(text));
  for (const FlowName& name : kFlows) {
    if (upper == name.comtrade || upper == name.word) return name.flow;
  }
  return std::nullopt;
}

std::string_view ComtradeFlowCode(v1::Flow flow) {
  for (const FlowName& name : kFlows) {
    if (name.flow == flow) return name.comtrade;
  }
  return "";
}

}  // namespace evtrade

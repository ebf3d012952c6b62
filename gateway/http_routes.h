// The HTTP routes of the API, read from the contract: every RPC of the
// gateway's services that carries a google.api.http annotation
// (protos/evtrade/v1/*.proto) is one route. The router (HttpApi) and
// /openapi.json (gateway/openapi.h) both read this list, so the two cannot
// drift apart, and neither can drift from the proto.
#ifndef EVTRADE_GATEWAY_HTTP_ROUTES_H_
#define EVTRADE_GATEWAY_HTTP_ROUTES_H_

#include <google/protobuf/descriptor.h>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace evtrade::gateway {

// Path variables in template order: {"reporter", "CHN"}, {"period", ...}.
using PathVariables = std::vector<std::pair<std::string, std::string>>;

struct HttpRoute {
  const google::protobuf::MethodDescriptor* method = nullptr;
  std::string http_method;  // "GET"
  std::string path;         // "/v1/reports/{reporter}/{period}"
  // Path segments after each '/': literals, or "{field}" for a variable
  // that fills the request field of that name.
  std::vector<std::string> segments;

  // The names of the request fields given in the path.
  std::vector<std::string> VariableNames() const;
  // The path variables when `path` matches this template (a variable
  // matches one non-empty segment); nullopt otherwise.
  std::optional<PathVariables> Match(std::string_view path) const;
};

// The annotated RPCs of evtrade.v1.GatewayService and
// evtrade.v1.QueryService, in the order the protos declare them.
const std::vector<HttpRoute>& ContractRoutes();

}  // namespace evtrade::gateway

#endif  // EVTRADE_GATEWAY_HTTP_ROUTES_H_

#include "gateway/http_routes.h"

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "evtrade/v1/gateway_service.grpc.pb.h"
#include "evtrade/v1/query_service.grpc.pb.h"
#include "google/api/annotations.pb.h"

namespace evtrade::gateway {
namespace {

bool IsVariable(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

std::vector<std::string> SplitPath(std::string_view path) {
  std::string_view rest = path;
  if (!rest.empty() && rest.front() == '/') rest.remove_prefix(1);
  return absl::StrSplit(absl::string_view(rest.data(), rest.size()), '/');
}

std::vector<HttpRoute> ReadRoutes() {
  std::vector<HttpRoute> routes;
  // The generated code registers each service's descriptor in the
  // generated pool; linking the .grpc.pb.h keeps it there.
  for (const char* name : {v1::GatewayService::service_full_name(),
                           v1::QueryService::service_full_name()}) {
    const google::protobuf::ServiceDescriptor* service =
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
            name);
    if (service == nullptr) continue;
    for (int i = 0; i < service->method_count(); ++i) {
      const google::protobuf::MethodDescriptor* method = service->method(i);
      if (!method->options().HasExtension(google::api::http)) continue;
      const google::api::HttpRule& rule =
          method->options().GetExtension(google::api::http);
      // The contract has GET routes only (every RPC here is a read); other
      // verbs would need a body mapping this router does not implement.
      if (rule.pattern_case() != google::api::HttpRule::kGet) continue;
      HttpRoute route;
      route.method = method;
      route.http_method = "GET";
      route.path = rule.get();
      route.segments = SplitPath(route.path);
      routes.push_back(std::move(route));
    }
  }
  return routes;
}

}  // namespace

std::vector<std::string> HttpRoute::VariableNames() const {
  std::vector<std::string> names;
  for (const std::string& segment : segments) {
    if (IsVariable(segment)) {
      names.push_back(segment.substr(1, segment.size() - 2));
    }
  }
  return names;
}

std::optional<PathVariables> HttpRoute::Match(std::string_view path) const {
  const std::vector<std::string> parts = SplitPath(path);
  if (parts.size() != segments.size()) return std::nullopt;
  PathVariables variables;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (IsVariable(segments[i])) {
      if (parts[i].empty()) return std::nullopt;
      variables.emplace_back(segments[i].substr(1, segments[i].size() - 2),
                             parts[i]);
    } else if (parts[i] != segments[i]) {
      return std::nullopt;
    }
  }
  return variables;
}

const std::vector<HttpRoute>& ContractRoutes() {
  static const auto* const kRoutes = new std::vector<HttpRoute>(ReadRoutes());
  return *kRoutes;
}

}  // namespace evtrade::gateway

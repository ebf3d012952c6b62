#include "gateway/http_gateway.h"

#include <string>
#include <utility>

namespace evtrade::gateway {
HttpGateway::HttpGateway(const HttpGatewayConfig& config, HttpHandler handler)
    : config_(config), server_(config, std::move(handler)) {}

HttpGateway::~HttpGateway() { Stop(); }

absl::Status HttpGateway::Start() { return server_.Start(); }

void HttpGateway::Stop() { server_.Stop(); }

}  // namespace evtrade::gateway

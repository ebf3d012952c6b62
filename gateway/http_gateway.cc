#include "gateway/http_gateway.h"

#include <string>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace evtrade::gateway {
namespace {

// "host:port" or "[v6]:port" -> host and port.
absl::Status SplitHostPort(const std::string& address, std::string& host,
                           int& port) {
  const size_t colon = address.rfind(':');
  if (colon == std::string::npos || colon == 0 ||
      !absl::SimpleAtoi(address.substr(colon + 1), &port) || port < 0 ||
      port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat(
        "HTTP listen address \"", address, "\": expected host:port"));
  }
  host = address.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  return absl::OkStatus();
}

}  // namespace

HttpGateway::HttpGateway(const HttpGatewayConfig& config, HttpHandler handler)
    : config_(config), server_(config, std::move(handler)) {}

HttpGateway::~HttpGateway() { Stop(); }

absl::Status HttpGateway::Start() {
  std::string host;
  int port = 0;
  if (absl::Status s = SplitHostPort(config_.listen_address, host, port);
      !s.ok()) {
    return s;
  }
  return server_.Start();
}

void HttpGateway::Stop() { server_.Stop(); }

}  // namespace evtrade::gateway

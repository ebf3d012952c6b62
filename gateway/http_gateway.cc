#include "gateway/http_gateway.h"

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
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

HttpRequest FromHttplib(const httplib::Request& in) {
  HttpRequest out;
  out.method = in.method;
  out.path = in.path;  // httplib has percent-decoded it
  out.params.assign(in.params.begin(), in.params.end());
  for (const auto& [name, value] : in.headers) {
    out.headers.emplace_back(absl::AsciiStrToLower(name), value);
  }
  out.body = in.body;
  return out;
}

}  // namespace

HttpGateway::HttpGateway(const HttpGatewayConfig& config, HttpHandler handler)
    : config_(config), handler_(std::move(handler)) {
  if (config_.tls.has_identity()) {
    // The context is set up from the PEM read at start-up: no file is read
    // here.
    server_ = std::make_unique<httplib::SSLServer>(
        [tls = config_.tls](SSL_CTX& context) {
          return ConfigureServerContext(tls, context);
        });
  } else {
    server_ = std::make_unique<httplib::Server>();
  }
  const int threads = std::max(1, config_.threads);
  server_->new_task_queue = [threads] {
    return new httplib::ThreadPool(threads);
  };
  // One catch-all per method: every route is the handler's.
  auto serve = [this](const httplib::Request& request,
                      httplib::Response& response) {
    Serve(request, response);
  };
  constexpr char kAnyPath[] = ".*";
  server_->Get(kAnyPath, serve);  // and HEAD
  server_->Post(kAnyPath, serve);
  server_->Put(kAnyPath, serve);
  server_->Patch(kAnyPath, serve);
  server_->Delete(kAnyPath, serve);
  server_->Options(kAnyPath, serve);
}

HttpGateway::~HttpGateway() { Stop(); }

void HttpGateway::Serve(const httplib::Request& request,
                        httplib::Response& response) const {
  HttpResponse answer = handler_(FromHttplib(request));
  response.status = answer.status;
  for (auto& [name, value] : answer.headers) {
    response.set_header(name, value);
  }
  response.set_content(answer.body, answer.content_type);
}

absl::Status HttpGateway::Start() {
  std::string host;
  int port = 0;
  if (absl::Status s = SplitHostPort(config_.listen_address, host, port);
      !s.ok()) {
    return s;
  }
  if (!server_->is_valid()) {
    return absl::InvalidArgumentError(
        "TLS: OpenSSL refused the certificate, key or CA");
  }
  if (port == 0) {
    port = server_->bind_to_any_port(host);
    if (port < 0) port = 0;
  } else if (!server_->bind_to_port(host, port)) {
    port = 0;
  }
  if (port == 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", config_.listen_address));
  }
  port_ = port;
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  return absl::OkStatus();
}

void HttpGateway::Stop() {
  server_->stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace evtrade::gateway

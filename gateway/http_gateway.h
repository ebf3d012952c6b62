// The gateway's HTTP transport (cpp-httplib): it turns every request into an
// HttpRequest, hands it to one HttpHandler (the routes are HttpApi's,
// gateway/http_api.h) and sends back the HttpResponse. It knows no route.
#ifndef EVTRADE_GATEWAY_HTTP_GATEWAY_H_
#define EVTRADE_GATEWAY_HTTP_GATEWAY_H_

#include <httplib.h>

#include <memory>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "common/tls/tls_config.h"
#include "gateway/http_types.h"

namespace evtrade::gateway {

struct HttpGatewayConfig {
  // host:port; port 0 picks a free port (see HttpGateway::port()).
  std::string listen_address = "127.0.0.1:8080";
  // Worker threads; each request holds one while the handler runs.
  int threads = 8;
  // HTTPS when it holds an identity, and with a CA, client certificates
  // required and verified (see common/tls/tls_config.h); plain HTTP
  // otherwise.
  TlsConfig tls{};
};

// Thread-safe. `handler` is called on the worker threads, several at once.
class HttpGateway {
 public:
  HttpGateway(const HttpGatewayConfig& config, HttpHandler handler);
  HttpGateway(const HttpGateway&) = delete;
  HttpGateway& operator=(const HttpGateway&) = delete;
  ~HttpGateway();

  // Binds and starts serving on a thread of its own. INVALID_ARGUMENT for a
  // bad address or TLS material OpenSSL refuses, UNAVAILABLE when it cannot
  // bind.
  absl::Status Start();
  // Stops accepting, finishes the requests in progress and joins. Idempotent.
  void Stop();

  // The bound port (after Start).
  int port() const { return port_; }

 private:
  void Serve(const httplib::Request& request,
             httplib::Response& response) const;

  const HttpGatewayConfig config_;
  const HttpHandler handler_;
  std::unique_ptr<httplib::Server> server_;  // an SSLServer with TLS
  std::thread thread_;
  int port_ = 0;
};

}  // namespace evtrade::gateway

#endif  // EVTRADE_GATEWAY_HTTP_GATEWAY_H_

// The gateway's HTTP listener: an HttpServer (gateway/http_server.h, the
// event-driven transport with its deadlines and limits) that hands every
// request to one HttpHandler (the routes are HttpApi's, gateway/http_api.h).
// It knows no route.
#ifndef EVTRADE_GATEWAY_HTTP_GATEWAY_H_
#define EVTRADE_GATEWAY_HTTP_GATEWAY_H_

#include <memory>

#include "absl/status/status.h"
#include "gateway/http_server.h"
#include "gateway/http_types.h"

namespace evtrade::gateway {

// The listen address, the threads, the deadlines and limits and TLS: see
// HttpServerConfig.
using HttpGatewayConfig = HttpServerConfig;

// Thread-safe. `handler` is called on the worker threads, several at once.
class HttpGateway {
 public:
  HttpGateway(const HttpGatewayConfig& config, HttpHandler handler);
  HttpGateway(const HttpGateway&) = delete;
  HttpGateway& operator=(const HttpGateway&) = delete;
  ~HttpGateway();

  // Binds and starts serving on threads of its own. INVALID_ARGUMENT for a
  // bad address, a bad limit or TLS material OpenSSL refuses, UNAVAILABLE
  // when it cannot bind.
  absl::Status Start();
  // Stops accepting, finishes the requests in progress and joins. Idempotent.
  void Stop();

  // The bound port (after Start).
  int port() const { return server_.port(); }

 private:
  const HttpGatewayConfig config_;
  HttpServer server_;
};

}  // namespace evtrade::gateway

#endif  // EVTRADE_GATEWAY_HTTP_GATEWAY_H_

// An HTTP/1.1 server that slow or hostile clients cannot starve: an
// event-driven transport (Boost.Beast on Boost.Asio) in front of a bounded
// pool of worker threads that run the handler.
//
// A connection costs a socket and a small buffer, not a thread: reading
// request heads and bodies, writing responses and waiting on idle
// keep-alive connections all happen on `io_threads` event-loop threads;
// only a complete request goes to a worker. Every phase of a connection has
// a deadline for the whole phase, not per read, so a client that trickles a
// byte at a time is cut off when its phase's time is up:
//
//   TLS handshake + request head   header_timeout  -> 408 and close
//   request body                   body_timeout    -> 408 and close
//   writing the response           body_timeout    -> close
//   idle between keep-alive requests  idle_timeout -> close
//
// Limits: a head over max_header_bytes -> 431, a body over max_body_bytes
// -> 413 (from Content-Length, before the body is read), requests beyond
// max_queued_requests waiting for a worker -> 503 with Retry-After, and
// connections beyond max_connections are closed as soon as they are
// accepted (and counted). A response that closes the connection (errors,
// "Connection: close", HTTP/1.0) shuts down sending and then discards what
// the client still sends for a short while, so that the client reads the
// response instead of a reset.
//
// Requests: HEAD is answered as GET without the body; keep-alive as
// HTTP/1.1 says (HTTP/1.0 only with "Connection: keep-alive"); the path and
// query parameters are percent-decoded ('+' is a space in parameters) and
// header names lower-cased (gateway/http_types.h). Content-Type,
// Content-Length and Connection are set by the server.
#ifndef EVTRADE_GATEWAY_HTTP_SERVER_H_
#define EVTRADE_GATEWAY_HTTP_SERVER_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/tls/tls_config.h"
#include "gateway/http_types.h"

namespace evtrade::gateway {
namespace internal {
class HttpServerImpl;
}  // namespace internal

struct HttpServerConfig {
  // host:port; port 0 picks a free port (see HttpServer::port()).
  std::string listen_address = "127.0.0.1:8080";
  // Event-loop threads: they read and write every connection.
  int io_threads = 1;
  // Threads that run the handler (which may block on backend calls).
  int worker_threads = 8;
  // Open connections at most; a connection over it is closed at once.
  int max_connections = 4096;
  // Complete requests waiting for a free worker at most; over it -> 503.
  int max_queued_requests = 256;
  // The TLS handshake and the whole request head (from the connection's
  // start, or from the first byte of a later keep-alive request).
  absl::Duration header_timeout = absl::Seconds(10);
  // The whole request body; also the time allowed to write a response.
  absl::Duration body_timeout = absl::Seconds(30);
  // A keep-alive connection waiting for its next request.
  absl::Duration idle_timeout = absl::Seconds(60);
  // Request line and headers together.
  int64_t max_header_bytes = 16 * 1024;
  int64_t max_body_bytes = 1024 * 1024;
  // HTTPS when it holds an identity, and with a CA, client certificates
  // required and verified (common/tls/tls_config.h); plain HTTP otherwise.
  TlsConfig tls{};
};

// Thread-safe. The handler is called on the worker threads, several at
// once; it must not call Stop().
class HttpServer {
 public:
  HttpServer(const HttpServerConfig& config, HttpHandler handler);
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;
  ~HttpServer();  // Stop()s

  // Binds and starts serving on threads of its own. INVALID_ARGUMENT for a
  // bad address, a bad limit or TLS material OpenSSL refuses, UNAVAILABLE
  // when it cannot bind. Once only.
  absl::Status Start();
  // Stops accepting, lets the requests already with a worker finish and
  // their responses go out (up to body_timeout), closes every connection
  // and joins. Idempotent.
  void Stop();

  // The bound port (after Start).
  int port() const;
  // Connections open now (accepted and not yet closed).
  int64_t open_connections() const;
  // Connections closed at once because max_connections were open.
  int64_t rejected_connections() const;

 private:
  std::unique_ptr<internal::HttpServerImpl> impl_;
};

}  // namespace evtrade::gateway

#endif  // EVTRADE_GATEWAY_HTTP_SERVER_H_

// Builds, starts and stops the gRPC server of a service binary: listen
// address with port 0 support, message size limits, keepalive, the standard
// grpc.health.v1 service, server reflection, the metrics interceptor, and the
// SIGTERM sequence (NOT_SERVING, drain delay, Shutdown(deadline)).
#ifndef EVTRADE_COMMON_SERVER_SERVER_RUNNER_H_
#define EVTRADE_COMMON_SERVER_SERVER_RUNNER_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/server/metrics.h"
#include "common/tls/tls_config.h"
#include "grpcpp/server.h"

namespace evtrade {

struct ServerConfig {
  // Program name for log lines, e.g. "query_service".
  std::string name;
  // host:port; port 0 picks a free port (see GrpcServer::address()).
  std::string listen_address;
  int max_receive_message_bytes = 16 * 1024 * 1024;
  int max_send_message_bytes = 16 * 1024 * 1024;
  // Server-side pings find dead clients (e.g. a vanished node) and keep NAT
  // and load-balancer idle timers from dropping quiet connections.
  absl::Duration keepalive_time = absl::Seconds(60);
  absl::Duration keepalive_timeout = absl::Seconds(20);
  // Clients (the gateway) may ping this often, even without calls in flight.
  absl::Duration min_client_ping_interval = absl::Seconds(10);
  // Between NOT_SERVING and Shutdown: long enough for load balancers and
  // k8s endpoints to stop sending new calls.
  absl::Duration drain_delay = absl::Seconds(1);
  // In-flight calls get this long to finish once shutdown starts; then they
  // are cancelled.
  absl::Duration shutdown_timeout = absl::Seconds(10);
  // Called when shutdown starts (after the drain delay), before the wait
  // for in-flight calls: long-lived streams (WatchDataVersion) end
  // themselves here, or that wait would last shutdown_timeout. May be empty.
  std::function<void()> end_streams;
  // Start with every health status NOT_SERVING (SetServing(true) later).
  bool start_not_serving = false;
  // TLS (mTLS with a CA) when it holds an identity; plaintext otherwise.
  TlsConfig tls{};
};

// One service to serve. health_name is the name under which grpc.health.v1
// reports it, normally its full proto name, e.g.
//   {&impl, evtrade::v1::QueryService::service_full_name()}
// ("" = served, but only the server-wide health status covers it).
struct ServiceRegistration {
  grpc::Service* service;
  std::string health_name;
};

// A started server. Thread-safe: Shutdown() may be called from any thread,
// more than once (the later calls wait for the first to finish).
class GrpcServer {
 public:
  // Services and `metrics` (nullable) must outlive the server.
  // INVALID_ARGUMENT for a bad address, UNAVAILABLE when it cannot bind.
  static absl::StatusOr<std::unique_ptr<GrpcServer>> Start(
      const ServerConfig& config,
      const std::vector<ServiceRegistration>& services, Metrics* metrics);

  GrpcServer(const GrpcServer&) = delete;
  GrpcServer& operator=(const GrpcServer&) = delete;
  // Shuts down (without the drain delay) if Shutdown() was not called.
  ~GrpcServer();

  // "host:port" with the real port.
  const std::string& address() const { return address_; }
  int port() const { return port_; }

  // Sets every health status (server-wide and each service's).
  void SetServing(bool serving);

  // The SIGTERM sequence: NOT_SERVING, sleep drain_delay (new calls are
  // still accepted and served meanwhile), Shutdown(now + shutdown_timeout),
  // wait until every call is done.
  void Shutdown();

 private:
  GrpcServer(ServerConfig config, std::unique_ptr<grpc::Server> server,
             std::string address, int port)
      : config_(std::move(config)),
        server_(std::move(server)),
        address_(std::move(address)),
        port_(port) {}

  const ServerConfig config_;
  std::unique_ptr<grpc::Server> server_;
  const std::string address_;
  const int port_;
  absl::Mutex shutdown_mu_;
  bool shut_down_ ABSL_GUARDED_BY(shutdown_mu_) = false;
};

// Blocks SIGTERM and SIGINT in the calling thread. Threads created later
// inherit the mask, so the signals reach only WaitForTerminationSignal().
// Call at the top of main, before any thread (gRPC's, civetweb's) starts.
absl::Status BlockTerminationSignals();

// Waits (sigwait) for SIGTERM or SIGINT; returns the signal number.
// BlockTerminationSignals() must have been called first.
int WaitForTerminationSignal();

// What a service main does after building its config and services:
// BlockTerminationSignals() must already have been called. Starts the server,
// logs its address, waits for SIGTERM/SIGINT, runs GrpcServer::Shutdown() and
// returns OK (the main then exits 0). An error if it cannot start.
//
// With `ready`, the server starts NOT_SERVING and a thread calls `ready`
// with backoff (0.1 s doubling to 5 s, each new reason logged) until it
// returns OK, then reports SERVING: e.g. the query service waits for the
// store's schema rather than exiting.
absl::Status RunServerUntilSignal(
    const ServerConfig& config,
    const std::vector<ServiceRegistration>& services, Metrics* metrics,
    std::function<absl::Status()> ready = nullptr);

}  // namespace evtrade

#endif  // EVTRADE_COMMON_SERVER_SERVER_RUNNER_H_

#include "common/server/server_runner.h"

#include <signal.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <functional>
#include <string>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "common/util/host_port.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"
#include "spdlog/spdlog.h"

namespace evtrade {
namespace {

sigset_t TerminationSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  return set;
}

int ToMillis(absl::Duration d) {
  return static_cast<int>(absl::ToInt64Milliseconds(d));
}

}  // namespace

absl::StatusOr<std::unique_ptr<GrpcServer>> GrpcServer::Start(
    const ServerConfig& config,
    const std::vector<ServiceRegistration>& services, Metrics* metrics) {
  absl::StatusOr<HostPort> listen = ParseHostPort(config.listen_address);
  if (!listen.ok()) return listen.status();
  // Both are process-wide switches read by every ServerBuilder made later.
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();

  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(config.listen_address,
                           MakeServerCredentials(config.tls), &port);
  // gRPC binds with SO_REUSEPORT by default: a second instance on the same
  // port would silently share it instead of failing.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.SetMaxReceiveMessageSize(config.max_receive_message_bytes);
  builder.SetMaxSendMessageSize(config.max_send_message_bytes);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS,
                             ToMillis(config.keepalive_time));
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS,
                             ToMillis(config.keepalive_timeout));
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  builder.AddChannelArgument(
      GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS,
      ToMillis(config.min_client_ping_interval));
  for (const ServiceRegistration& registration : services) {
    builder.RegisterService(registration.service);
  }
  if (metrics != nullptr) {
    std::vector<
        std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
        factories;
    factories.push_back(metrics->NewServerInterceptorFactory());
    builder.experimental().SetInterceptorCreators(std::move(factories));
  }

  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || port == 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", config.listen_address,
                     " (address in use or not local?)"));
  }
  grpc::HealthCheckServiceInterface* health = server->GetHealthCheckService();
  for (const ServiceRegistration& registration : services) {
    if (!registration.health_name.empty()) {
      health->SetServingStatus(registration.health_name,
                               !config.start_not_serving);
    }
  }
  health->SetServingStatus(!config.start_not_serving);

  return std::unique_ptr<GrpcServer>(new GrpcServer(
      config, std::move(server), listen->WithPort(port).ToString(), port));
}

GrpcServer::~GrpcServer() {
  absl::MutexLock lock(&shutdown_mu_);
  if (!shut_down_) {
    if (config_.end_streams) config_.end_streams();
    server_->Shutdown(
        absl::ToChronoTime(absl::Now() + config_.shutdown_timeout));
    server_->Wait();
  }
}

void GrpcServer::SetServing(bool serving) {
  server_->GetHealthCheckService()->SetServingStatus(serving);
}

void GrpcServer::Shutdown() {
  absl::MutexLock lock(&shutdown_mu_);
  if (shut_down_) return;
  SetServing(false);
  spdlog::info("NOT_SERVING; draining for {}",
               absl::FormatDuration(config_.drain_delay));
  absl::SleepFor(config_.drain_delay);
  spdlog::info("shutting down (in-flight calls get {})",
               absl::FormatDuration(config_.shutdown_timeout));
  if (config_.end_streams) config_.end_streams();
  server_->Shutdown(absl::ToChronoTime(absl::Now() + config_.shutdown_timeout));
  server_->Wait();
  shut_down_ = true;
}

absl::Status BlockTerminationSignals() {
  // A shell starts background jobs with SIGINT ignored; an ignored signal is
  // discarded, not queued for sigwait. Restore the default first.
  signal(SIGINT, SIG_DFL);
  signal(SIGTERM, SIG_DFL);
  sigset_t set = TerminationSignals();
  if (int err = pthread_sigmask(SIG_BLOCK, &set, nullptr); err != 0) {
    return absl::InternalError(
        absl::StrCat("pthread_sigmask: ", std::strerror(err)));
  }
  return absl::OkStatus();
}

int WaitForTerminationSignal() {
  sigset_t set = TerminationSignals();
  int signal = 0;
  while (sigwait(&set, &signal) != 0) {
  }
  return signal;
}

absl::Status RunServerUntilSignal(
    const ServerConfig& config,
    const std::vector<ServiceRegistration>& services, Metrics* metrics,
    std::function<absl::Status()> ready) {
  ServerConfig start_config = config;
  start_config.start_not_serving = ready != nullptr;
  absl::StatusOr<std::unique_ptr<GrpcServer>> server =
      GrpcServer::Start(start_config, services, metrics);
  if (!server.ok()) return server.status();
  // Polls `ready` with backoff until it is OK, then reports SERVING.
  absl::Notification stop;
  std::thread poller;
  if (ready != nullptr) {
    poller = std::thread([&stop, &ready, server = server->get()] {
      absl::Duration pause = absl::Milliseconds(100);
      std::string last_error;
      while (!stop.HasBeenNotified()) {
        absl::Status status = ready();
        if (status.ok()) {
          server->SetServing(true);
          spdlog::info("ready: SERVING");
          return;
        }
        if (std::string(status.message()) != last_error) {
          last_error = std::string(status.message());
          spdlog::warn("not ready (NOT_SERVING): {}", last_error);
        }
        stop.WaitForNotificationWithTimeout(pause);
        pause = std::min(pause * 2, absl::Seconds(5));
      }
    });
  }
  spdlog::info("serving gRPC on {}", (*server)->address());
  if (metrics != nullptr && !metrics->exposer_address().empty()) {
    spdlog::info("serving metrics on http://{}/metrics",
                 metrics->exposer_address());
  }
  const int signal = WaitForTerminationSignal();
  spdlog::info("received {}", signal == SIGTERM ? "SIGTERM" : "SIGINT");
  stop.Notify();
  if (poller.joinable()) poller.join();
  (*server)->Shutdown();
  spdlog::info("stopped");
  return absl::OkStatus();
}

}  // namespace evtrade

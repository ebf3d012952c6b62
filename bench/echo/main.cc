// evtrade_bench_echo: the gRPC baseline server of the benchmarks (a unary
// Echo that does no work). Runs until SIGTERM or SIGINT.
//
//   evtrade_bench_echo --listen=127.0.0.1:50060
#include <csignal>
#include <cstdio>
#include <memory>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "bench/echo/echo_service.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:50060", "gRPC address (host:port).");

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage("The gRPC echo baseline of the benchmarks.");
  absl::ParseCommandLine(argc, argv);

  // Only the main thread takes the termination signals (threads started
  // later inherit the mask).
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  evtrade::bench::EchoServiceImpl service;
  grpc::ServerBuilder builder;
  int port = 0;
  const std::string listen = absl::GetFlag(FLAGS_listen);
  builder.AddListeningPort(listen, grpc::InsecureServerCredentials(), &port);
  // The services' message limits (common/server), so calls compare alike.
  builder.SetMaxReceiveMessageSize(16 * 1024 * 1024);
  builder.SetMaxSendMessageSize(16 * 1024 * 1024);
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || port == 0) {
    std::fprintf(stderr, "evtrade_bench_echo: cannot listen on %s\n",
                 listen.c_str());
    return 1;
  }
  std::fprintf(stderr, "evtrade_bench_echo: listening on port %d\n", port);
  int signal = 0;
  sigwait(&signals, &signal);
  server->Shutdown();
  return 0;
}

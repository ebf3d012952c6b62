#include "tests/support/ingest_server.h"

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/store/open_store.h"

namespace evtrade::testing {

absl::StatusOr<std::unique_ptr<InProcessIngestServer>>
InProcessIngestServer::Start(const std::string& db,
                             IngestServiceConfig config) {
  std::unique_ptr<InProcessIngestServer> server(new InProcessIngestServer());
  store::StoreConfig store_config;
  store_config.db = db;
  auto store = store::OpenIngestStore(store_config);
  if (!store.ok()) return store.status();
  server->store_ = *std::move(store);
  const int receive_limit = IngestTransportReceiveLimit(config.message_limits);
  server->service_ = std::make_unique<IngestServiceImpl>(
      std::move(config), server->store_.get(), server->registry_);
  grpc::ServerBuilder builder;
  int port = 0;
  // No SO_REUSEPORT (gRPC's default): with it, port 0 may be given to this
  // server and to another test's at once, and connections split between them.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(),
                           &port);
  // As the ingest_service binary: the service refuses messages over its
  // limit itself; gRPC's limit is set above it.
  builder.SetMaxReceiveMessageSize(receive_limit);
  builder.RegisterService(server->service_.get());
  server->server_ = builder.BuildAndStart();
  if (server->server_ == nullptr || port == 0) {
    return absl::UnavailableError("cannot start a server on 127.0.0.1:0");
  }
  server->address_ = absl::StrCat("127.0.0.1:", port);
  return server;
}

InProcessIngestServer::~InProcessIngestServer() {
  if (server_ != nullptr) {
    server_->Shutdown(std::chrono::system_clock::now() +
                      std::chrono::seconds(5));
  }
  server_.reset();
  service_.reset();
  store_.reset();
}

}  // namespace evtrade::testing

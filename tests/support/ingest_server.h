// An IngestService running in the test process on 127.0.0.1 (port 0) over
// a real store (SQLite file or PostgreSQL URI), for service and CLI tests.
#ifndef EVTRADE_TESTS_SUPPORT_INGEST_SERVER_H_
#define EVTRADE_TESTS_SUPPORT_INGEST_SERVER_H_

#include <grpcpp/server.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/store/ingest_store.h"
#include "ingest_service/ingest_service.h"

namespace evtrade::testing {

// Not thread-safe; the service it runs is.
class InProcessIngestServer {
 public:
  // Opens (creating if needed) the store `db` (as --db) and serves it.
  static absl::StatusOr<std::unique_ptr<InProcessIngestServer>> Start(
      const std::string& db, IngestServiceConfig config);

  // Shuts the server down (in-flight calls get 5 s), then closes the store.
  ~InProcessIngestServer();

  // "127.0.0.1:<port>".
  const std::string& address() const { return address_; }
  IngestServiceImpl& service() { return *service_; }
  // The registry the service's metrics are in.
  prometheus::Registry& registry() { return *registry_; }

 private:
  InProcessIngestServer() = default;

  std::shared_ptr<prometheus::Registry> registry_ =
      std::make_shared<prometheus::Registry>();
  std::unique_ptr<store::IngestStore> store_;
  std::unique_ptr<IngestServiceImpl> service_;
  std::unique_ptr<grpc::Server> server_;
  std::string address_;
};

}  // namespace evtrade::testing

#endif  // EVTRADE_TESTS_SUPPORT_INGEST_SERVER_H_

// An in-process gateway (GatewayService + QueryService forwarding) in front
// of a fake QueryService, both on 127.0.0.1, for gateway tests.
#ifndef EVTRADE_TESTS_SUPPORT_GATEWAY_HARNESS_H_
#define EVTRADE_TESTS_SUPPORT_GATEWAY_HARNESS_H_

#include <google/protobuf/message.h>

#include <atomic>
#include <cstdint>
#include <memory>

#include "evtrade/v1/gateway_service.grpc.pb.h"
#include "evtrade/v1/query_service.grpc.pb.h"
#include "gateway/gateway_service.h"
#include "gateway/market_reports.h"
#include "gateway/query_client.h"
#include "tests/support/fake_query_service.h"

namespace evtrade::testing {

// EXPECTs that two messages are equal, printing the differences.
void ExpectSameMessage(const google::protobuf::Message& expected,
                       const google::protobuf::Message& actual);

// Quick reconnects so that restart tests take little time.
gateway::QueryClientConfig FastTestClientConfig();

class GatewayHarness {
 public:
  // A fake backend with the canned China answers, on a free port.
  GatewayHarness();
  ~GatewayHarness();

  // Starts the gateway (after the backend, or with it stopped), pointing at
  // the backend's port.
  void StartGateway(gateway::QueryClientConfig client_config,
                    gateway::MarketReportsConfig reports_config = {});

  // Makes the fake backend (now and after restarts) serve WatchDataVersion,
  // telling data_version().
  void EnableWatch();
  // An ingest told by the watch: data_version() becomes `version` and every
  // open watch stream is told.
  void PublishDataVersion(int64_t version);

  // Stops the fake backend (its port stays remembered) / starts a fresh one
  // on the same port. Restart returns false when the port cannot be bound.
  void StopBackend();
  bool RestartBackend();

  FakeQueryService& fake() { return *fake_; }
  std::atomic<int64_t>& data_version() { return *data_version_; }
  int backend_port() const { return backend_port_; }
  gateway::QueryClient& client() { return *client_; }
  gateway::MarketReports& reports() { return *reports_; }
  v1::GatewayService::Stub& gateway() { return *gateway_stub_; }
  v1::QueryService::Stub& forwarded_query() { return *query_stub_; }

 private:
  std::shared_ptr<std::atomic<int64_t>> data_version_;
  std::unique_ptr<FakeQueryService> fake_;
  std::unique_ptr<InProcessServer> backend_;
  int backend_port_ = 0;
  bool watch_ = false;

  std::unique_ptr<gateway::QueryClient> client_;
  std::unique_ptr<gateway::MarketReports> reports_;
  std::unique_ptr<gateway::GatewayServiceImpl> gateway_service_;
  std::unique_ptr<gateway::QueryForwarder> forwarder_;
  std::unique_ptr<InProcessServer> gateway_server_;
  std::unique_ptr<v1::GatewayService::Stub> gateway_stub_;
  std::unique_ptr<v1::QueryService::Stub> query_stub_;
};

}  // namespace evtrade::testing

#endif  // EVTRADE_TESTS_SUPPORT_GATEWAY_HARNESS_H_

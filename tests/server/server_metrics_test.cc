#include <map>
#include <string>

#include "common/server/metrics.h"
#include "common/server/server_runner.h"
#include "evtrade/v1/query_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "httplib.h"
#include "tests/support/process.h"

namespace evtrade {
namespace {

using ::grpc::health::v1::HealthCheckResponse;
using ::testing::HasSubstr;

// The value of the sample of `family` whose labels are exactly `labels`;
// -1 if there is none. Histograms give their sample count.
double Sample(const Metrics& metrics, const std::string& family,
              const std::map<std::string, std::string>& labels) {
  for (const prometheus::MetricFamily& f : metrics.registry()->Collect()) {
    if (f.name != family) continue;
    for (const prometheus::ClientMetric& m : f.metric) {
      std::map<std::string, std::string> got;
      for (const prometheus::ClientMetric::Label& l : m.label) {
        got[l.name] = l.value;
      }
      if (got != labels) continue;
      return f.type == prometheus::MetricType::Histogram
                 ? static_cast<double>(m.histogram.sample_count)
                 : m.counter.value;
    }
  }
  return -1;
}

class ServerMetricsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto metrics = Metrics::Create({});
    ASSERT_TRUE(metrics.ok()) << metrics.status();
    metrics_ = *std::move(metrics);
    ServerConfig config;
    config.listen_address = "127.0.0.1:0";
    config.drain_delay = absl::ZeroDuration();
    auto server = GrpcServer::Start(
        config, {{&query_, evtrade::v1::QueryService::service_full_name()}},
        metrics_.get());
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
  }

  void TearDown() override {
    if (server_ != nullptr) server_->Shutdown();
  }

  evtrade::v1::QueryService::Service query_;  // every method UNIMPLEMENTED
  std::unique_ptr<Metrics> metrics_;
  std::unique_ptr<GrpcServer> server_;
};

TEST_F(ServerMetricsTest, CountsOneOkCall) {
  ASSERT_EQ(*testing::CheckHealth(server_->address(), "", absl::Seconds(5)),
            HealthCheckResponse::SERVING);
  // Counted once the status is sent; the client may see it a moment before
  // the interceptor's hook returns, so shut down to let the call finish.
  server_->Shutdown();

  const std::map<std::string, std::string> call = {
      {"grpc_service", "grpc.health.v1.Health"},
      {"grpc_method", "Check"},
      {"grpc_type", "unary"}};
  auto with_code = [&](const std::string& code) {
    auto labels = call;
    labels["grpc_code"] = code;
    return labels;
  };
  EXPECT_EQ(Sample(*metrics_, "grpc_server_started_total", call), 1);
  EXPECT_EQ(Sample(*metrics_, "grpc_server_handled_total", with_code("OK")), 1);
  EXPECT_EQ(Sample(*metrics_, "grpc_server_handled_total",
                   with_code("UNIMPLEMENTED")),
            -1);
  EXPECT_EQ(Sample(*metrics_, "grpc_server_handling_seconds", call), 1);
}

TEST_F(ServerMetricsTest, CountsErrorCodesPerMethod) {
  auto stub = evtrade::v1::QueryService::NewStub(grpc::CreateChannel(
      server_->address(), grpc::InsecureChannelCredentials()));
  for (int i = 0; i < 2; ++i) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
    evtrade::v1::GetStoreInfoRequest request;
    evtrade::v1::GetStoreInfoResponse response;
    EXPECT_EQ(stub->GetStoreInfo(&context, request, &response).error_code(),
              grpc::StatusCode::UNIMPLEMENTED);
  }
  server_->Shutdown();

  const std::map<std::string, std::string> call = {
      {"grpc_service", "evtrade.v1.QueryService"},
      {"grpc_method", "GetStoreInfo"},
      {"grpc_type", "unary"}};
  auto handled = call;
  handled["grpc_code"] = "UNIMPLEMENTED";
  EXPECT_EQ(Sample(*metrics_, "grpc_server_started_total", call), 2);
  EXPECT_EQ(Sample(*metrics_, "grpc_server_handled_total", handled), 2);
  EXPECT_EQ(Sample(*metrics_, "grpc_server_handling_seconds", call), 2);

  const std::string text = metrics_->RenderText();
  EXPECT_THAT(text, HasSubstr("# TYPE grpc_server_handled_total counter"));
  EXPECT_THAT(text, HasSubstr("grpc_server_handled_total{grpc_code="
                              "\"UNIMPLEMENTED\",grpc_method=\"GetStoreInfo\","
                              "grpc_service=\"evtrade.v1.QueryService\","
                              "grpc_type=\"unary\"} 2"));
}

TEST(MetricsExposerTest, ServesRegistryOverHttp) {
  auto metrics = Metrics::Create({.listen_address = "127.0.0.1:0"});
  ASSERT_TRUE(metrics.ok()) << metrics.status();
  const std::string address = (*metrics)->exposer_address();
  ASSERT_THAT(address, ::testing::StartsWith("127.0.0.1:"));
  EXPECT_NE(address, "127.0.0.1:0");
  // Families show up in the text once they have a sample: make one call.
  ServerConfig config;
  config.listen_address = "127.0.0.1:0";
  config.drain_delay = absl::ZeroDuration();
  auto server = GrpcServer::Start(config, {}, metrics->get());
  ASSERT_TRUE(server.ok()) << server.status();
  ASSERT_EQ(*testing::CheckHealth((*server)->address(), "", absl::Seconds(5)),
            HealthCheckResponse::SERVING);
  (*server)->Shutdown();

  httplib::Client client("http://" + address);
  auto response = client.Get("/metrics");
  ASSERT_TRUE(response) << httplib::to_string(response.error());
  EXPECT_EQ(response->status, 200);
  EXPECT_THAT(
      response->body,
      HasSubstr("grpc_server_handling_seconds_count{grpc_method=\"Check\","
                "grpc_service=\"grpc.health.v1.Health\","
                "grpc_type=\"unary\"} 1\n"));
}

TEST(MetricsExposerTest, BusyPortIsAnError) {
  auto first = Metrics::Create({.listen_address = "127.0.0.1:0"});
  ASSERT_TRUE(first.ok()) << first.status();
  auto second =
      Metrics::Create({.listen_address = (*first)->exposer_address()});
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace evtrade

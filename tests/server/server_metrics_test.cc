#include <map>
#include <string>
#include <utility>
#include <vector>

#include "common/server/metrics.h"
#include "common/server/server_runner.h"
#include "evtrade/v1/query_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/support/channel_arguments.h"
#include "gtest/gtest.h"
#include "httplib.h"
#include "tests/support/metric_sample.h"
#include "tests/support/process.h"

namespace evtrade {
namespace {

using ::grpc::health::v1::HealthCheckResponse;
using ::testing::HasSubstr;

double Sample(const Metrics& metrics, const std::string& family,
              const std::map<std::string, std::string>& labels) {
  return testing::MetricSample(*metrics.registry(), family, labels);
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

TEST_F(ServerMetricsTest, CountsClientCallsByMethodAndCode) {
  std::vector<
      std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>>
      interceptors;
  interceptors.push_back(metrics_->NewClientInterceptorFactory());
  auto channel = grpc::experimental::CreateCustomChannelWithInterceptors(
      server_->address(), grpc::InsecureChannelCredentials(),
      grpc::ChannelArguments(), std::move(interceptors));
  auto query = evtrade::v1::QueryService::NewStub(channel);
  for (int i = 0; i < 2; ++i) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
    evtrade::v1::GetStoreInfoRequest request;
    evtrade::v1::GetStoreInfoResponse response;
    EXPECT_EQ(query->GetStoreInfo(&context, request, &response).error_code(),
              grpc::StatusCode::UNIMPLEMENTED);
  }
  auto health = grpc::health::v1::Health::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
  grpc::health::v1::HealthCheckRequest request;
  grpc::health::v1::HealthCheckResponse response;
  EXPECT_TRUE(health->Check(&context, request, &response).ok());

  const std::string store_info = "evtrade.v1.QueryService/GetStoreInfo";
  const std::string check = "grpc.health.v1.Health/Check";
  EXPECT_EQ(Sample(*metrics_, "evtrade_grpc_client_requests_total",
                   {{"method", store_info}, {"code", "UNIMPLEMENTED"}}),
            2);
  EXPECT_EQ(Sample(*metrics_, "evtrade_grpc_client_requests_total",
                   {{"method", store_info}, {"code", "OK"}}),
            -1);
  EXPECT_EQ(Sample(*metrics_, "evtrade_grpc_client_request_duration_seconds",
                   {{"method", store_info}}),
            2);
  EXPECT_EQ(Sample(*metrics_, "evtrade_grpc_client_requests_total",
                   {{"method", check}, {"code", "OK"}}),
            1);
  EXPECT_EQ(Sample(*metrics_, "evtrade_grpc_client_request_duration_seconds",
                   {{"method", check}}),
            1);
}

TEST(ClientMetricsTest, CountsACallThatFindsNoServer) {
  auto metrics = Metrics::Create({});
  ASSERT_TRUE(metrics.ok()) << metrics.status();
  std::vector<
      std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>>
      interceptors;
  interceptors.push_back((*metrics)->NewClientInterceptorFactory());
  // Port 1 on loopback: nothing listens, the connection is refused.
  auto stub = evtrade::v1::QueryService::NewStub(
      grpc::experimental::CreateCustomChannelWithInterceptors(
          "127.0.0.1:1", grpc::InsecureChannelCredentials(),
          grpc::ChannelArguments(), std::move(interceptors)));
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
  evtrade::v1::GetStoreInfoRequest request;
  evtrade::v1::GetStoreInfoResponse response;
  EXPECT_EQ(stub->GetStoreInfo(&context, request, &response).error_code(),
            grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(Sample(**metrics, "evtrade_grpc_client_requests_total",
                   {{"method", "evtrade.v1.QueryService/GetStoreInfo"},
                    {"code", "UNAVAILABLE"}}),
            1);
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
  EXPECT_EQ(response->get_header_value("Content-Type"), Metrics::kContentType);
  EXPECT_THAT(
      response->body,
      HasSubstr("grpc_server_handling_seconds_count{grpc_method=\"Check\","
                "grpc_service=\"grpc.health.v1.Health\","
                "grpc_type=\"unary\"} 1\n"));
  // The process series are served on the same path.
  EXPECT_THAT(response->body, HasSubstr("\n# TYPE process_open_fds gauge\n"));
  EXPECT_THAT(response->body,
              HasSubstr("\n# TYPE process_cpu_seconds_total counter\n"));
  EXPECT_THAT((*metrics)->RenderText(),
              HasSubstr("\n# TYPE process_start_time_seconds gauge\n"));
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

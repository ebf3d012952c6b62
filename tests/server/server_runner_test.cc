#include "common/server/server_runner.h"

#include <thread>

#include "absl/time/clock.h"
#include "evtrade/v1/query_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/process.h"

namespace evtrade {
namespace {

using ::grpc::health::v1::HealthCheckResponse;
using testing::CheckHealth;
using ::testing::HasSubstr;

ServerConfig LoopbackConfig() {
  ServerConfig config;
  config.name = "server_runner_test";
  config.listen_address = "127.0.0.1:0";
  config.drain_delay = absl::Milliseconds(600);
  config.shutdown_timeout = absl::Seconds(2);
  return config;
}

TEST(GrpcServerTest, ReportsRealPortAndServesHealth) {
  evtrade::v1::QueryService::Service query;  // every method UNIMPLEMENTED
  auto server = GrpcServer::Start(
      LoopbackConfig(),
      {{&query, evtrade::v1::QueryService::service_full_name()}}, nullptr);
  ASSERT_TRUE(server.ok()) << server.status();
  EXPECT_GT((*server)->port(), 0);
  EXPECT_EQ((*server)->address(),
            absl::StrCat("127.0.0.1:", (*server)->port()));

  EXPECT_EQ(*CheckHealth((*server)->address(), "", absl::Seconds(5)),
            HealthCheckResponse::SERVING);
  EXPECT_EQ(*CheckHealth((*server)->address(), "evtrade.v1.QueryService",
                         absl::Seconds(5)),
            HealthCheckResponse::SERVING);
  // A service that is not registered is unknown to the health service.
  EXPECT_EQ(CheckHealth((*server)->address(), "evtrade.v1.IngestService",
                        absl::Seconds(5))
                .status()
                .code(),
            absl::StatusCode::kNotFound);

  (*server)->SetServing(false);
  EXPECT_EQ(*CheckHealth((*server)->address(), "evtrade.v1.QueryService",
                         absl::Seconds(5)),
            HealthCheckResponse::NOT_SERVING);
  EXPECT_EQ(*CheckHealth((*server)->address(), "", absl::Seconds(5)),
            HealthCheckResponse::NOT_SERVING);
}

TEST(GrpcServerTest, ShutdownReportsNotServingWhileDraining) {
  auto server = GrpcServer::Start(LoopbackConfig(), {}, nullptr);
  ASSERT_TRUE(server.ok()) << server.status();
  const std::string address = (*server)->address();

  const absl::Time start = absl::Now();
  std::thread stopper([&] { (*server)->Shutdown(); });
  // During the 600 ms drain the server still answers, with NOT_SERVING.
  absl::StatusOr<HealthCheckResponse::ServingStatus> status;
  do {
    status = CheckHealth(address, "", absl::Seconds(1));
  } while (status.ok() && *status == HealthCheckResponse::SERVING &&
           absl::Now() - start < absl::Milliseconds(500));
  ASSERT_TRUE(status.ok()) << status.status();
  EXPECT_EQ(*status, HealthCheckResponse::NOT_SERVING);
  stopper.join();
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(600));

  // Afterwards nothing listens.
  EXPECT_EQ(CheckHealth(address, "", absl::Milliseconds(300)).status().code(),
            absl::StatusCode::kUnavailable);
  (*server)->Shutdown();  // a second call is harmless
}

TEST(GrpcServerTest, PortInUseIsUnavailable) {
  auto first = GrpcServer::Start(LoopbackConfig(), {}, nullptr);
  ASSERT_TRUE(first.ok()) << first.status();
  ServerConfig config = LoopbackConfig();
  config.listen_address = (*first)->address();
  auto second = GrpcServer::Start(config, {}, nullptr);
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(second.status().message(),
              HasSubstr("cannot listen on " + (*first)->address()));
}

TEST(GrpcServerTest, BadAddressIsInvalidArgument) {
  ServerConfig config = LoopbackConfig();
  config.listen_address = "nonsense";
  EXPECT_EQ(GrpcServer::Start(config, {}, nullptr).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace evtrade

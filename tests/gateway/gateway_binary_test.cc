// The real gateway binary (main.cc's wiring: flags, gRPC services, HTTP
// listener, SIGTERM) in front of an in-process fake QueryService.
#include <google/protobuf/util/json_util.h>
#include <grpcpp/client_context.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>

#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "evtrade/v1/gateway_service.grpc.pb.h"
#include "tests/support/canned_market.h"
#include "tests/support/fake_query_service.h"
#include "tests/support/gateway_harness.h"
#include "tests/support/paths.h"
#include "tests/support/process.h"

namespace evtrade::testing {
namespace {

ProcessOptions GatewayOptions(std::vector<std::string> args) {
  ProcessOptions options;
  options.binary = BinDir() + "/gateway";
  options.args = std::move(args);
  // A developer's shell must not change what the test runs.
  options.unset_env = {"EVTRADE_LISTEN", "EVTRADE_QUERY_ADDR",
                       "EVTRADE_HTTP_LISTEN", "EVTRADE_REPORT_CACHE_SIZE"};
  return options;
}

TEST(GatewayBinaryTest, ServesReportsOverGrpcAndHttpAndStopsOnSigterm) {
  auto version = std::make_shared<std::atomic<int64_t>>(7);
  FakeQueryService fake;
  InstallChinaNovember2022(fake, version);
  std::unique_ptr<InProcessServer> backend = InProcessServer::Start({&fake});
  ASSERT_NE(backend, nullptr);

  const std::string grpc_address = FreeLoopbackAddress();
  const int http_port = PickFreePort();
  absl::StatusOr<std::unique_ptr<Process>> gateway =
      Process::Start(GatewayOptions(
          {"--listen=" + grpc_address,
           absl::StrCat("--http_listen=127.0.0.1:", http_port),
           "--query_addr=" + backend->address(), "--drain_seconds=0.1"}));
  ASSERT_TRUE(gateway.ok()) << gateway.status();
  ASSERT_TRUE(WaitForHealthServing(grpc_address, absl::Seconds(20)).ok())
      << (*gateway)->Stderr();

  auto stub = v1::GatewayService::NewStub(
      grpc::CreateChannel(grpc_address, grpc::InsecureChannelCredentials()));
  v1::GetMarketReportRequest request;
  request.set_reporter("CHN");
  request.mutable_period()->set_year(2022);
  request.mutable_period()->set_month(11);
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
  v1::MarketReport from_grpc;
  grpc::Status status = stub->GetMarketReport(&context, request, &from_grpc);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ExpectSameMessage(ExpectedChinaReport(7), from_grpc);

  httplib::Client http("127.0.0.1", http_port);
  http.set_read_timeout(10, 0);
  httplib::Result report = http.Get("/v1/reports/CHN/2022-11");
  ASSERT_TRUE(report);
  ASSERT_EQ(report->status, 200) << report->body;
  v1::MarketReport from_http;
  ASSERT_TRUE(
      google::protobuf::util::JsonStringToMessage(report->body, &from_http)
          .ok());
  ExpectSameMessage(from_grpc, from_http);
  // Served from the cache: one round of part calls for both requests.
  EXPECT_EQ(fake.Calls("GetPartnerBreakdown"), 1);

  httplib::Result health = http.Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  httplib::Result metrics = http.Get("/metrics");
  ASSERT_TRUE(metrics);
  // The gRPC interceptor's series and the HTTP counter, on one page.
  EXPECT_TRUE(absl::StrContains(
      metrics->body,
      "grpc_server_handled_total{grpc_code=\"OK\",grpc_method="
      "\"GetMarketReport\",grpc_service=\"evtrade.v1.GatewayService\","
      "grpc_type=\"unary\"} 1"))
      << metrics->body;
  EXPECT_TRUE(absl::StrContains(metrics->body,
                                "evtrade_http_requests_total{code=\"200\","
                                "method=\"GET\",route=\"/healthz\"} 1"))
      << metrics->body;

  ASSERT_TRUE((*gateway)->Kill(SIGTERM).ok());
  absl::StatusOr<int> exit_code = (*gateway)->Wait(absl::Seconds(20));
  ASSERT_TRUE(exit_code.ok()) << exit_code.status();
  EXPECT_EQ(*exit_code, 0) << (*gateway)->Stderr();
  fake.ReleaseDelayed();
}

TEST(GatewayBinaryTest, BadFlagValuesExitWithAOneLineReason) {
  struct Case {
    std::string flag;
    std::string message;
  };
  for (const Case& c : {
           Case{"--report_cache_size=-1",
                "gateway: --report_cache_size: must be >= 0, got -1"},
           Case{"--query_timeout_seconds=0",
                "gateway: --query_timeout_seconds: must be in (0, 3600] "
                "seconds, got 0"},
           Case{"--http_timeout_seconds=-2",
                "gateway: --http_timeout_seconds: must be in (0, 3600] "
                "seconds, got -2"},
       }) {
    absl::StatusOr<std::unique_ptr<Process>> gateway =
        Process::Start(GatewayOptions(
            {"--listen=127.0.0.1:0", "--http_listen=127.0.0.1:0", c.flag}));
    ASSERT_TRUE(gateway.ok()) << gateway.status();
    absl::StatusOr<int> exit_code = (*gateway)->Wait(absl::Seconds(20));
    ASSERT_TRUE(exit_code.ok()) << exit_code.status();
    EXPECT_EQ(*exit_code, 2) << c.flag;
    EXPECT_EQ((*gateway)->Stderr(), c.message + "\n") << c.flag;
  }
}

}  // namespace
}  // namespace evtrade::testing

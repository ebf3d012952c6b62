// The real gateway binary (main.cc's wiring: flags, gRPC services, HTTP
// listener, SIGTERM) in front of an in-process fake QueryService.
#include <google/protobuf/util/json_util.h>
#include <grpcpp/client_context.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>
#include <string>
#include <vector>

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

// The gateway on `grpc_address` and HTTP port `http_port` in front of the
// backend, with `extra_args`, once its gRPC health says SERVING.
absl::StatusOr<std::unique_ptr<Process>> StartServingGateway(
    const std::string& grpc_address, int http_port,
    const std::string& backend_address, std::vector<std::string> extra_args) {
  std::vector<std::string> args = {
      "--listen=" + grpc_address,
      absl::StrCat("--http_listen=127.0.0.1:", http_port),
      "--query_addr=" + backend_address, "--drain_seconds=0.1"};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  absl::StatusOr<std::unique_ptr<Process>> gateway =
      Process::Start(GatewayOptions(std::move(args)));
  if (!gateway.ok()) return gateway.status();
  if (absl::Status s = WaitForHealthServing(grpc_address, absl::Seconds(20));
      !s.ok()) {
    return absl::Status(s.code(),
                        absl::StrCat(s.message(), "; ", (*gateway)->Stderr()));
  }
  return gateway;
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
      StartServingGateway(grpc_address, http_port, backend->address(), {});
  ASSERT_TRUE(gateway.ok()) << gateway.status();

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

// What a connection reads until the server closes it (at most 10 s).
std::string ReadUntilClosed(int fd) {
  timeval timeout{.tv_sec = 10, .tv_usec = 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  std::string out;
  char chunk[1024];
  ssize_t n;
  while ((n = recv(fd, chunk, sizeof chunk, 0)) > 0) {
    out.append(chunk, static_cast<size_t>(n));
  }
  return out;
}

// A plain TCP connection to 127.0.0.1:`port`.
int ConnectTo(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address),
            0);
  return fd;
}

TEST(GatewayBinaryTest, HttpLimitFlagsReachTheListener) {
  FakeQueryService fake;
  std::unique_ptr<InProcessServer> backend = InProcessServer::Start({&fake});
  ASSERT_NE(backend, nullptr);
  const std::string grpc_address = FreeLoopbackAddress();
  const int http_port = PickFreePort();
  absl::StatusOr<std::unique_ptr<Process>> gateway = StartServingGateway(
      grpc_address, http_port, backend->address(),
      {"--http_max_connections=1", "--http_header_timeout_seconds=1"});
  ASSERT_TRUE(gateway.ok()) << gateway.status();

  // The first connection holds the one slot; the second is closed at once;
  // the first, silent, gets 408 at the one-second header deadline.
  const int silent = ConnectTo(http_port);
  const int over = ConnectTo(http_port);
  const absl::Time start = absl::Now();
  EXPECT_EQ(ReadUntilClosed(over), "");
  const std::string timed_out = ReadUntilClosed(silent);
  EXPECT_TRUE(absl::StartsWith(timed_out, "HTTP/1.1 408 ")) << timed_out;
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(900));
  close(silent);
  close(over);

  ASSERT_TRUE((*gateway)->Kill(SIGTERM).ok());
  absl::StatusOr<int> exit_code = (*gateway)->Wait(absl::Seconds(20));
  ASSERT_TRUE(exit_code.ok()) << exit_code.status();
  EXPECT_EQ(*exit_code, 0) << (*gateway)->Stderr();
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
           Case{"--http_max_connections=0",
                "gateway: --http_max_connections: must be >= 1, got 0"},
           Case{"--http_header_timeout_seconds=0",
                "gateway: --http_header_timeout_seconds: must be in (0, 3600] "
                "seconds, got 0"},
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

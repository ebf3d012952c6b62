// The real service binaries as processes: they start on loopback, answer
// grpc.health.v1, report NOT_SERVING while draining after SIGTERM, exit 0,
// and refuse bad flag values with one line on stderr and exit code 2.
#include <signal.h>

#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "httplib.h"
#include "tests/support/paths.h"
#include "tests/support/process.h"

namespace evtrade::testing {
namespace {

using ::grpc::health::v1::HealthCheckResponse;
using ::testing::HasSubstr;

constexpr absl::Duration kStartTimeout = absl::Seconds(30);

// Every EVTRADE_* flag variable a developer's shell might have set.
const std::vector<std::string> kFlagVariables = {
    "EVTRADE_LISTEN",     "EVTRADE_DB",           "EVTRADE_TOKEN_FILE",
    "EVTRADE_QUERY_ADDR", "EVTRADE_HTTP_LISTEN",  "EVTRADE_METRICS_LISTEN",
    "EVTRADE_LOG_LEVEL",  "EVTRADE_DRAIN_SECONDS"};

// Flags for `binary` that keep everything inside `dir` and on free
// loopback ports, plus `extra`.
ProcessOptions OptionsFor(const std::string& binary, const std::string& dir,
                          std::vector<std::string> extra) {
  ProcessOptions options;
  options.binary = BinDir() + "/" + binary;
  options.log_dir = dir;
  options.unset_env = kFlagVariables;
  if (binary == "gateway") {
    options.args = {"--http_listen=" + FreeLoopbackAddress(),
                    "--query_addr=" + FreeLoopbackAddress()};
  } else {
    options.args = {"--db=" + dir + "/evtrade.db",
                    "--metrics_listen=127.0.0.1:0"};
  }
  if (binary == "ingest_service") {
    std::ofstream(dir + "/ingest.token") << "test-token\n";
    options.args.push_back("--token_file=" + dir + "/ingest.token");
  }
  options.args.insert(options.args.end(), extra.begin(), extra.end());
  return options;
}

// The address from the "serving gRPC on HOST:PORT" log line.
absl::StatusOr<std::string> ServingAddress(Process& process) {
  const std::string kMarker = "serving gRPC on ";
  absl::StatusOr<std::string> err =
      process.WaitForStderr(kMarker, kStartTimeout);
  if (!err.ok()) return err.status();
  size_t begin = err->find(kMarker) + kMarker.size();
  return err->substr(begin, err->find('\n', begin) - begin);
}

class ServiceProcessTest : public ::testing::TestWithParam<std::string> {};

TEST_P(ServiceProcessTest, PortZeroServingThenDrainsOnSigterm) {
  const std::string dir = MakeTempDir(GetParam());
  auto process = Process::Start(OptionsFor(
      GetParam(), dir, {"--listen=127.0.0.1:0", "--drain_seconds=1.5"}));
  ASSERT_TRUE(process.ok()) << process.status();
  absl::StatusOr<std::string> address = ServingAddress(**process);
  ASSERT_TRUE(address.ok()) << address.status();
  ASSERT_THAT(*address, ::testing::StartsWith("127.0.0.1:"));
  ASSERT_NE(*address, "127.0.0.1:0");
  ASSERT_TRUE(WaitForHealthServing(*address, kStartTimeout).ok());

  ASSERT_TRUE((*process)->Kill(SIGTERM).ok());
  const absl::Time sent = absl::Now();
  // Within the drain window the server still answers, with NOT_SERVING.
  absl::StatusOr<HealthCheckResponse::ServingStatus> status;
  do {
    status = CheckHealth(*address, "", absl::Seconds(1));
  } while (status.ok() && *status == HealthCheckResponse::SERVING &&
           absl::Now() - sent < absl::Seconds(1));
  ASSERT_TRUE(status.ok()) << status.status();
  EXPECT_EQ(*status, HealthCheckResponse::NOT_SERVING);

  absl::StatusOr<int> code = (*process)->Wait(absl::Seconds(20));
  ASSERT_TRUE(code.ok()) << code.status();
  EXPECT_EQ(*code, 0) << (*process)->Stderr();
  EXPECT_GE(absl::Now() - sent, absl::Seconds(1.5));
  EXPECT_THAT((*process)->Stderr(), HasSubstr("received SIGTERM"));
}

TEST_P(ServiceProcessTest, FixedPortFromEnvironment) {
  const std::string dir = MakeTempDir(GetParam());
  ProcessOptions options = OptionsFor(GetParam(), dir, {"--drain_seconds=0"});
  const std::string address = FreeLoopbackAddress();
  options.env = {{"EVTRADE_LISTEN", address}};
  auto process = Process::Start(options);
  ASSERT_TRUE(process.ok()) << process.status();
  ASSERT_TRUE(WaitForHealthServing(address, kStartTimeout).ok())
      << (*process)->Stderr();
  ASSERT_TRUE((*process)->Kill(SIGINT).ok());
  EXPECT_EQ(*(*process)->Wait(absl::Seconds(20)), 0);
}

TEST_P(ServiceProcessTest, BadListenFlagExitsTwoWithOneLine) {
  const std::string dir = MakeTempDir(GetParam());
  auto process =
      Process::Start(OptionsFor(GetParam(), dir, {"--listen=nonsense"}));
  ASSERT_TRUE(process.ok()) << process.status();
  EXPECT_EQ(*(*process)->Wait(absl::Seconds(20)), 2);
  EXPECT_EQ((*process)->Stderr(),
            GetParam() + ": --listen: \"nonsense\" is not host:port\n");
}

TEST_P(ServiceProcessTest, BadEnvironmentValueExitsTwoWithOneLine) {
  const std::string dir = MakeTempDir(GetParam());
  ProcessOptions options = OptionsFor(GetParam(), dir, {});
  options.env = {{"EVTRADE_DRAIN_SECONDS", "soon"}};
  auto process = Process::Start(options);
  ASSERT_TRUE(process.ok()) << process.status();
  EXPECT_EQ(*(*process)->Wait(absl::Seconds(20)), 2);
  EXPECT_EQ((*process)->Stderr(),
            GetParam() +
                ": EVTRADE_DRAIN_SECONDS: Illegal value 'soon' specified for "
                "flag 'drain_seconds'\n");
}

TEST_P(ServiceProcessTest, UnreadableTlsFileExitsTwoWithOneLine) {
  const std::string dir = MakeTempDir(GetParam());
  auto process = Process::Start(OptionsFor(
      GetParam(), dir,
      {"--listen=127.0.0.1:0", "--tls_cert_file=" + dir + "/none.pem",
       "--tls_key_file=" + dir + "/none.key"}));
  ASSERT_TRUE(process.ok()) << process.status();
  EXPECT_EQ(*(*process)->Wait(absl::Seconds(20)), 2);
  EXPECT_EQ((*process)->Stderr(), GetParam() +
                                      ": --tls_cert_file: cannot read " + dir +
                                      "/none.pem: No such file or directory\n");
}

INSTANTIATE_TEST_SUITE_P(Binaries, ServiceProcessTest,
                         ::testing::Values("ingest_service", "query_service",
                                           "gateway"));

TEST(IngestProcessTest, MissingTokenFileExitsTwo) {
  const std::string dir = MakeTempDir("ingest");
  auto process = Process::Start(
      OptionsFor("ingest_service", dir,
                 {"--listen=127.0.0.1:0", "--token_file=" + dir + "/none"}));
  ASSERT_TRUE(process.ok()) << process.status();
  EXPECT_EQ(*(*process)->Wait(absl::Seconds(20)), 2);
  EXPECT_EQ((*process)->Stderr(), "ingest_service: --token_file: cannot read " +
                                      dir +
                                      "/none: No such file or directory\n");
}

TEST(IngestProcessTest, ZeroStreamIdleTimeoutExitsTwo) {
  const std::string dir = MakeTempDir("ingest");
  auto process = Process::Start(
      OptionsFor("ingest_service", dir,
                 {"--listen=127.0.0.1:0", "--stream_idle_timeout_seconds=0"}));
  ASSERT_TRUE(process.ok()) << process.status();
  EXPECT_EQ(*(*process)->Wait(absl::Seconds(20)), 2);
  EXPECT_EQ((*process)->Stderr(),
            "ingest_service: --stream_idle_timeout_seconds: must be "
            "1..86400, got 0\n");
}

TEST(QueryProcessTest, MissingDbFolderExitsTwo) {
  const std::string dir = MakeTempDir("query");
  auto process = Process::Start(OptionsFor(
      "query_service", dir,
      {"--listen=127.0.0.1:0", "--db=" + dir + "/no/such/evtrade.db"}));
  ASSERT_TRUE(process.ok()) << process.status();
  EXPECT_EQ(*(*process)->Wait(absl::Seconds(20)), 2);
  EXPECT_EQ((*process)->Stderr(),
            "query_service: --db: folder " + dir + "/no/such does not exist\n");
}

TEST(QueryProcessTest, ExposesCallMetrics) {
  const std::string dir = MakeTempDir("query");
  auto process = Process::Start(OptionsFor(
      "query_service", dir, {"--listen=127.0.0.1:0", "--drain_seconds=0"}));
  ASSERT_TRUE(process.ok()) << process.status();
  absl::StatusOr<std::string> address = ServingAddress(**process);
  ASSERT_TRUE(address.ok()) << address.status();
  absl::StatusOr<std::string> err =
      (*process)->WaitForStderr("/metrics\n", kStartTimeout);
  ASSERT_TRUE(err.ok()) << err.status();
  const std::string kMarker = "serving metrics on http://";
  const size_t begin = err->find(kMarker) + kMarker.size();
  const std::string metrics_address =
      err->substr(begin, err->find("/metrics\n", begin) - begin);

  ASSERT_EQ(*CheckHealth(*address, "", absl::Seconds(5)),
            HealthCheckResponse::SERVING);
  // The interceptor counts after the status is sent; poll briefly.
  const std::string expected =
      "grpc_server_handled_total{grpc_code=\"OK\",grpc_method=\"Check\","
      "grpc_service=\"grpc.health.v1.Health\",grpc_type=\"unary\"} 1\n";
  httplib::Client client("http://" + metrics_address);
  std::string body;
  for (int i = 0; i < 100 && body.find(expected) == std::string::npos; ++i) {
    auto response = client.Get("/metrics");
    ASSERT_TRUE(response) << httplib::to_string(response.error());
    body = response->body;
    if (body.find(expected) == std::string::npos) {
      absl::SleepFor(absl::Milliseconds(20));
    }
  }
  EXPECT_THAT(body, HasSubstr(expected));
  ASSERT_TRUE((*process)->Kill(SIGTERM).ok());
  EXPECT_EQ(*(*process)->Wait(absl::Seconds(20)), 0);
}

TEST(HealthProbeTest, PrintsStatusAndExitsZeroOnlyWhenServing) {
  const std::string dir = MakeTempDir("probe");
  auto query = Process::Start(OptionsFor(
      "query_service", dir, {"--listen=127.0.0.1:0", "--drain_seconds=0"}));
  ASSERT_TRUE(query.ok()) << query.status();
  absl::StatusOr<std::string> address = ServingAddress(**query);
  ASSERT_TRUE(address.ok()) << address.status();

  auto probe = [&](std::vector<std::string> args) {
    ProcessOptions options;
    options.binary = BinDir() + "/health_probe";
    options.args = std::move(args);
    auto process = Process::Start(options);
    EXPECT_TRUE(process.ok()) << process.status();
    absl::StatusOr<int> code = (*process)->Wait(absl::Seconds(20));
    EXPECT_TRUE(code.ok()) << code.status();
    return std::make_pair(*code, (*process)->Stdout());
  };
  EXPECT_EQ(probe({"--addr=" + *address, "--wait_seconds=20"}),
            std::make_pair(0, std::string("SERVING\n")));
  EXPECT_EQ(
      probe({"--addr=" + *address, "--service=no.such.Service"}),
      std::make_pair(1, std::string("NOT_FOUND: service name unknown\n")));

  ASSERT_TRUE((*query)->Kill(SIGTERM).ok());
  EXPECT_EQ(*(*query)->Wait(absl::Seconds(20)), 0);
  auto [code, out] = probe({"--addr=" + *address, "--timeout_seconds=1"});
  EXPECT_EQ(code, 1);
  EXPECT_THAT(out, ::testing::StartsWith("UNAVAILABLE: "));
}

}  // namespace
}  // namespace evtrade::testing

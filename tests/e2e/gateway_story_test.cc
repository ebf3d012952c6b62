// End to end: the three real services on loopback, the sample data imported
// with the real CLI, and the CHN 2022-11 market report read through the
// gateway over gRPC and HTTP: every figure of the story. Once per store
// backend: a SQLite file, and a PostgreSQL database (--db a URI) of the
// test's throwaway server.
#include <google/protobuf/util/json_util.h>
#include <grpcpp/client_context.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>

#include <cmath>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "evtrade/v1/gateway_service.grpc.pb.h"
#include "gateway/headline.h"
#include "tests/support/gateway_harness.h"
#include "tests/support/paths.h"
#include "tests/support/process.h"
#include "tests/support/store_backends.h"
#include "tests/support/test_certs.h"

namespace evtrade::testing {
namespace {

constexpr absl::Duration kStartTimeout = absl::Seconds(30);

// The binary started with `args`; null (and a test failure) if it could not
// be.
std::unique_ptr<Process> StartOrFail(const std::string& binary,
                                     std::vector<std::string> args) {
  ProcessOptions options;
  options.binary = BinDir() + "/" + binary;
  options.args = std::move(args);
  options.log_dir = MakeTempDir(binary);
  options.unset_env = {"EVTRADE_LISTEN",      "EVTRADE_DB",
                       "EVTRADE_TOKEN_FILE",  "EVTRADE_QUERY_ADDR",
                       "EVTRADE_HTTP_LISTEN", "EVTRADE_METRICS_LISTEN",
                       "EVTRADE_INGEST_ADDR"};
  absl::StatusOr<std::unique_ptr<Process>> process = Process::Start(options);
  EXPECT_TRUE(process.ok()) << binary << ": " << process.status();
  return process.ok() ? *std::move(process) : nullptr;
}

class GatewayStoryTest : public ::testing::TestWithParam<Backend> {};

EVTRADE_INSTANTIATE_FOR_EACH_BACKEND(GatewayStoryTest);

TEST_P(GatewayStoryTest, ChinaNovember2022ReportStatesTheWholeStory) {
  const std::string dir = MakeTempDir("story");
  absl::StatusOr<std::string> fresh = FreshStore(GetParam());
  ASSERT_TRUE(fresh.ok()) << fresh.status();
  const std::string db = *fresh;
  const std::string token = dir + "/ingest.token";
  std::ofstream(token) << "story-token\n";
  const std::string ingest_addr = FreeLoopbackAddress();
  const std::string query_addr = FreeLoopbackAddress();
  const std::string gateway_addr = FreeLoopbackAddress();
  const int http_port = PickFreePort();

  // The query service first: on PostgreSQL it reports NOT_SERVING until
  // the ingest service has created the schema (SQLite readers create it).
  auto query = StartOrFail(
      "query_service", {"--listen=" + query_addr, "--db=" + db,
                        "--metrics_listen=127.0.0.1:0", "--drain_seconds=0.1"});
  ASSERT_NE(query, nullptr);
  if (GetParam() == Backend::kPostgres) {
    absl::StatusOr<grpc::health::v1::HealthCheckResponse::ServingStatus>
        health = absl::UnavailableError("not asked yet");
    for (int i = 0; i < 200 && !health.ok(); ++i) {
      health = CheckHealth(query_addr, "", absl::Seconds(1));
      if (!health.ok()) absl::SleepFor(absl::Milliseconds(50));
    }
    ASSERT_TRUE(health.ok()) << health.status() << query->Stderr();
    EXPECT_EQ(*health, grpc::health::v1::HealthCheckResponse::NOT_SERVING);
  }
  auto ingest = StartOrFail(
      "ingest_service",
      {"--listen=" + ingest_addr, "--db=" + db, "--token_file=" + token,
       "--metrics_listen=127.0.0.1:0", "--drain_seconds=0.1"});
  auto gateway = StartOrFail(
      "gateway", {"--listen=" + gateway_addr,
                  absl::StrCat("--http_listen=127.0.0.1:", http_port),
                  "--query_addr=" + query_addr, "--drain_seconds=0.1"});
  ASSERT_TRUE(ingest && query && gateway);
  ASSERT_TRUE(WaitForHealthServing(ingest_addr, kStartTimeout).ok())
      << ingest->Stderr();
  ASSERT_TRUE(WaitForHealthServing(query_addr, kStartTimeout).ok())
      << query->Stderr();
  ASSERT_TRUE(WaitForHealthServing(gateway_addr, kStartTimeout).ok())
      << gateway->Stderr();

  const std::string sample = SourceDir() + "/data/sample/";
  auto import =
      StartOrFail("evtrade", {"import", "--ingest_addr=" + ingest_addr,
                              "--token_file=" + token,
                              sample + "comtrade_chn_8703_2021_2022.csv",
                              sample + "comtrade_jpn_deu_8703_2021_2022.csv",
                              sample + "manufacturers.csv"});
  ASSERT_NE(import, nullptr);
  absl::StatusOr<int> imported = import->Wait(absl::Seconds(120));
  ASSERT_TRUE(imported.ok()) << imported.status();
  ASSERT_EQ(*imported, 0) << import->Stdout() << import->Stderr();

  auto stub = v1::GatewayService::NewStub(
      grpc::CreateChannel(gateway_addr, grpc::InsecureChannelCredentials()));
  v1::GetMarketReportRequest request;
  request.set_reporter("CHN");
  request.mutable_period()->set_year(2022);
  request.mutable_period()->set_month(11);
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
  v1::MarketReport report;
  grpc::Status status = stub->GetMarketReport(&context, request, &report);
  ASSERT_TRUE(status.ok()) << status.error_message() << gateway->Stderr();
  EXPECT_TRUE(report.warnings().empty()) << report.ShortDebugString();

  // "China's electric car exports hit a record $3.2 billion in November, up
  // 165% year on year, the highest monthly total on record."
  EXPECT_EQ(report.powertrain(), v1::POWERTRAIN_ELECTRIC);
  EXPECT_EQ(gateway::FormatUsdShort(report.segment().value_usd()),
            "$3.2 billion");
  ASSERT_TRUE(report.segment().has_value_yoy_pct());
  EXPECT_EQ(std::lround(report.segment().value_yoy_pct()), 165);
  EXPECT_TRUE(report.segment().record_high());
  // "Belgium and the United Kingdom took nearly 70% of them."
  ASSERT_GE(report.top_partners_size(), 2);
  EXPECT_EQ(report.top_partners(0).partner(), "BEL");
  EXPECT_EQ(report.top_partners(1).partner(), "GBR");
  EXPECT_GE(report.top_partners(1).cumulative_share_pct(), 65.0);
  EXPECT_LT(report.top_partners(1).cumulative_share_pct(), 70.0);
  // "Electric vehicles were more than half of China's vehicle exports for
  // two months in a row; total vehicle exports were a record $6 billion."
  EXPECT_GT(report.segment_share_of_all_pct(), 50.0);
  EXPECT_GE(report.segment_majority_streak_months(), 2);
  EXPECT_EQ(gateway::FormatUsdShort(report.all_vehicles().value_usd()),
            "$6 billion");
  EXPECT_TRUE(report.all_vehicles().record_high());
  // "Tesla's Shanghai plant exported 37,000 vehicles."
  bool tesla = false;
  for (const v1::ManufacturerShare& m : report.top_manufacturers()) {
    if (m.manufacturer() == "Tesla") {
      tesla = true;
      EXPECT_EQ(m.quantity(), 37'000);
    }
  }
  EXPECT_TRUE(tesla) << report.ShortDebugString();
  // "China's car exports from January to November were 3 million units,
  // and China overtook Germany as the world's second largest car exporter,
  // after Japan."
  EXPECT_EQ(std::lround(report.ytd_all().quantity() / 100'000.0), 30)
      << report.ytd_all().quantity();
  EXPECT_EQ(report.exporter_rank().rank(), 2);
  EXPECT_EQ(report.exporter_rank().behind(), "JPN");
  EXPECT_EQ(report.exporter_rank().ahead_of(), "DEU");
  EXPECT_TRUE(absl::StartsWith(
      report.headline(),
      "China's electric vehicle exports hit a record $3.2 billion in "
      "November 2022, up 165% year on year; Belgium and the United Kingdom "
      "took "))
      << report.headline();
  EXPECT_GT(report.data_version(), 0);

  // The same report over HTTP/JSON.
  httplib::Client http("127.0.0.1", http_port);
  http.set_read_timeout(30, 0);
  httplib::Result body = http.Get("/v1/reports/CHN/2022-11");
  ASSERT_TRUE(body);
  ASSERT_EQ(body->status, 200) << body->body;
  v1::MarketReport from_http;
  ASSERT_TRUE(
      google::protobuf::util::JsonStringToMessage(body->body, &from_http).ok());
  ExpectSameMessage(report, from_http);

  for (Process* p : {gateway.get(), query.get(), ingest.get()}) {
    ASSERT_TRUE(p->Kill(SIGTERM).ok());
    absl::StatusOr<int> code = p->Wait(absl::Seconds(20));
    ASSERT_TRUE(code.ok()) << code.status();
    EXPECT_EQ(*code, 0) << p->Stderr();
  }
}

// The process's exit code after at most `timeout`; -1 (and a test failure)
// when it did not exit.
int ExitCode(Process& process, absl::Duration timeout = absl::Seconds(60)) {
  absl::StatusOr<int> code = process.Wait(timeout);
  EXPECT_TRUE(code.ok()) << code.status();
  return code.ok() ? *code : -1;
}

// Every hop under mutual TLS: CLI -> ingest, CLI -> gateway -> query, HTTPS
// to the gateway, health_probe; and a plaintext or certificate-less client
// refused.
TEST(GatewayStoryTest, EveryHopSpeaksMutualTls) {
  // The refused HTTPS clients below write to sockets the server closed.
  signal(SIGPIPE, SIG_IGN);
  absl::StatusOr<TestCerts> certs = MakeTestCerts();
  ASSERT_TRUE(certs.ok()) << certs.status();
  const std::vector<std::string> server_tls = {
      "--tls_cert_file=" + certs->server_cert,
      "--tls_key_file=" + certs->server_key, "--tls_ca_file=" + certs->ca_cert};
  const std::vector<std::string> client_tls = {
      "--tls_cert_file=" + certs->client_cert,
      "--tls_key_file=" + certs->client_key, "--tls_ca_file=" + certs->ca_cert};
  auto with = [](std::vector<std::string> args,
                 const std::vector<std::string>& more) {
    args.insert(args.end(), more.begin(), more.end());
    return args;
  };
  const std::string dir = MakeTempDir("tls_story");
  const std::string db = dir + "/evtrade.db";
  const std::string token = dir + "/ingest.token";
  std::ofstream(token) << "story-token\n";
  const std::string ingest_addr = FreeLoopbackAddress();
  const std::string query_addr = FreeLoopbackAddress();
  const std::string gateway_addr = FreeLoopbackAddress();
  const int http_port = PickFreePort();

  auto ingest = StartOrFail(
      "ingest_service",
      with({"--listen=" + ingest_addr, "--db=" + db, "--token_file=" + token,
            "--metrics_listen=127.0.0.1:0", "--drain_seconds=0.1"},
           server_tls));
  auto query =
      StartOrFail("query_service",
                  with({"--listen=" + query_addr, "--db=" + db,
                        "--metrics_listen=127.0.0.1:0", "--drain_seconds=0.1"},
                       server_tls));
  // The gateway presents the same certificate to the query service.
  auto gateway = StartOrFail(
      "gateway", with({"--listen=" + gateway_addr,
                       absl::StrCat("--http_listen=127.0.0.1:", http_port),
                       "--query_addr=" + query_addr, "--drain_seconds=0.1"},
                      server_tls));
  ASSERT_TRUE(ingest && query && gateway);
  const TlsConfig client = LoadOrFail(certs->ClientFiles(), TlsRole::kClient);
  for (const auto& [address, process] : {std::pair{ingest_addr, ingest.get()},
                                         {query_addr, query.get()},
                                         {gateway_addr, gateway.get()}}) {
    ASSERT_TRUE(WaitForHealthServing(address, kStartTimeout, "", client).ok())
        << process->Stderr();
  }

  const std::string sample = SourceDir() + "/data/sample/";
  const std::vector<std::string> import_args = {
      "import", "--ingest_addr=" + ingest_addr, "--token_file=" + token,
      sample + "comtrade_chn_8703_2021_2022.csv", sample + "manufacturers.csv"};
  // Plaintext to a TLS server: nothing is written, the exit code says so.
  auto plain = StartOrFail("evtrade", import_args);
  ASSERT_NE(plain, nullptr);
  EXPECT_EQ(ExitCode(*plain), 3) << plain->Stderr();
  auto import = StartOrFail("evtrade", with(import_args, client_tls));
  ASSERT_NE(import, nullptr);
  ASSERT_EQ(ExitCode(*import, absl::Seconds(120)), 0)
      << import->Stdout() << import->Stderr();

  auto report = StartOrFail(
      "evtrade",
      with({"report", "--gateway_addr=" + gateway_addr, "CHN", "2022-11"},
           client_tls));
  ASSERT_NE(report, nullptr);
  ASSERT_EQ(ExitCode(*report), 0) << report->Stderr();
  EXPECT_TRUE(absl::StartsWith(report->Stdout(),
                               "China's electric vehicle exports hit a record "
                               "$3.2 billion in November 2022"))
      << report->Stdout();

  auto probe =
      StartOrFail("health_probe", with({"--addr=" + gateway_addr}, client_tls));
  ASSERT_NE(probe, nullptr);
  EXPECT_EQ(ExitCode(*probe), 0) << probe->Stdout();
  EXPECT_EQ(probe->Stdout(), "SERVING\n");

  // HTTPS with a client certificate; refused without one.
  httplib::SSLClient https("127.0.0.1", http_port, certs->client_cert,
                           certs->client_key);
  https.set_ca_cert_path(certs->ca_cert.c_str());
  https.enable_server_certificate_verification(true);
  https.set_read_timeout(30, 0);
  httplib::Result health = https.Get("/healthz");
  ASSERT_TRUE(health) << httplib::to_string(health.error());
  EXPECT_EQ(health->status, 200) << health->body;
  httplib::SSLClient anonymous("127.0.0.1", http_port);
  anonymous.set_ca_cert_path(certs->ca_cert.c_str());
  anonymous.enable_server_certificate_verification(true);
  EXPECT_FALSE(anonymous.Get("/healthz"));
  httplib::Client plain_http("127.0.0.1", http_port);
  httplib::Result plain_health = plain_http.Get("/healthz");
  EXPECT_TRUE(!plain_health || plain_health->status != 200);

  for (Process* p : {gateway.get(), query.get(), ingest.get()}) {
    ASSERT_TRUE(p->Kill(SIGTERM).ok());
    EXPECT_EQ(ExitCode(*p, absl::Seconds(20)), 0) << p->Stderr();
  }
}

}  // namespace
}  // namespace evtrade::testing

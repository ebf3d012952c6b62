// End to end, real processes: a report asked right after an ingest is
// acknowledged has the ingest's figures (the caller passes the ingest's
// data_version as min_data_version), and once the gateway's watch has told
// the version, repeated reports are served from its cache without one call
// to the query service (its GetStoreInfo count does not move). Once per
// store backend.
#include <grpcpp/client_context.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "evtrade/v1/gateway_service.grpc.pb.h"
#include "evtrade/v1/ingest_service.grpc.pb.h"
#include "tests/support/paths.h"
#include "tests/support/process.h"
#include "tests/support/store_backends.h"

namespace evtrade::testing {
namespace {

constexpr absl::Duration kStartTimeout = absl::Seconds(30);
constexpr char kToken[] = "watch-token";

std::unique_ptr<Process> StartOrFail(const std::string& binary,
                                     std::vector<std::string> args) {
  ProcessOptions options;
  options.binary = BinDir() + "/" + binary;
  options.args = std::move(args);
  options.log_dir = MakeTempDir(binary);
  options.unset_env = {"EVTRADE_LISTEN",      "EVTRADE_DB",
                       "EVTRADE_TOKEN_FILE",  "EVTRADE_QUERY_ADDR",
                       "EVTRADE_HTTP_LISTEN", "EVTRADE_METRICS_LISTEN"};
  absl::StatusOr<std::unique_ptr<Process>> process = Process::Start(options);
  EXPECT_TRUE(process.ok()) << binary << ": " << process.status();
  return process.ok() ? *std::move(process) : nullptr;
}

// One official CHN->BEL BEV export of 2022-11 worth `value_usd`.
v1::TradeRecord Bev(int64_t value_usd) {
  v1::TradeRecord r;
  r.set_reporter("CHN");
  r.set_partner("BEL");
  r.set_flow(v1::FLOW_EXPORT);
  r.set_hs_code("870380");
  r.mutable_period()->set_year(2022);
  r.mutable_period()->set_month(11);
  r.set_value_usd(value_usd);
  r.set_quantity(value_usd / 100);
  return r;
}

// The value of the Prometheus series `series` (name and labels exactly as
// rendered) in `text`; -1 when absent.
double SeriesValue(const std::string& text, const std::string& series) {
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (absl::StartsWith(line, series + " ")) {
      double value = -1;
      if (absl::SimpleAtod(line.substr(series.size() + 1), &value)) {
        return value;
      }
    }
  }
  return -1;
}

std::string Metrics(int port) {
  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(10, 0);
  httplib::Result result = client.Get("/metrics");
  EXPECT_TRUE(result) << "GET /metrics on port " << port;
  return result ? result->body : "";
}

class ReportAfterIngestTest : public ::testing::TestWithParam<Backend> {};

EVTRADE_INSTANTIATE_FOR_EACH_BACKEND(ReportAfterIngestTest);

TEST_P(ReportAfterIngestTest, ReportAfterAnAcknowledgedIngestHasItsFigures) {
  const std::string dir = MakeTempDir("watch");
  absl::StatusOr<std::string> db = FreshStore(GetParam());
  ASSERT_TRUE(db.ok()) << db.status();
  const std::string token = dir + "/ingest.token";
  std::ofstream(token) << kToken << "\n";
  const std::string ingest_addr = FreeLoopbackAddress();
  const std::string query_addr = FreeLoopbackAddress();
  const std::string gateway_addr = FreeLoopbackAddress();
  const int query_metrics_port = PickFreePort();
  const int http_port = PickFreePort();

  // The ingest service first: it creates the schema.
  auto ingest = StartOrFail(
      "ingest_service",
      {"--listen=" + ingest_addr, "--db=" + *db, "--token_file=" + token,
       "--metrics_listen=127.0.0.1:0", "--drain_seconds=0"});
  ASSERT_NE(ingest, nullptr);
  ASSERT_TRUE(WaitForHealthServing(ingest_addr, kStartTimeout).ok())
      << ingest->Stderr();
  auto query = StartOrFail(
      "query_service",
      {"--listen=" + query_addr, "--db=" + *db,
       absl::StrCat("--metrics_listen=127.0.0.1:", query_metrics_port),
       "--drain_seconds=0"});
  ASSERT_NE(query, nullptr);
  ASSERT_TRUE(WaitForHealthServing(query_addr, kStartTimeout).ok())
      << query->Stderr();
  // The gateway last: its first calls find the query service listening.
  auto gateway = StartOrFail(
      "gateway", {"--listen=" + gateway_addr,
                  absl::StrCat("--http_listen=127.0.0.1:", http_port),
                  "--query_addr=" + query_addr, "--drain_seconds=0"});
  ASSERT_NE(gateway, nullptr);
  ASSERT_TRUE(WaitForHealthServing(gateway_addr, kStartTimeout).ok())
      << gateway->Stderr();

  auto ingest_stub = v1::IngestService::NewStub(
      grpc::CreateChannel(ingest_addr, grpc::InsecureChannelCredentials()));
  auto gateway_stub = v1::GatewayService::NewStub(
      grpc::CreateChannel(gateway_addr, grpc::InsecureChannelCredentials()));

  auto ingest_one = [&](int64_t value_usd) -> int64_t {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
    context.AddMetadata("authorization", absl::StrCat("Bearer ", kToken));
    v1::IngestResponse response;
    auto writer = ingest_stub->Ingest(&context, &response);
    v1::IngestRequest request;
    *request.add_records() = Bev(value_usd);
    EXPECT_TRUE(writer->Write(request));
    writer->WritesDone();
    grpc::Status status = writer->Finish();
    EXPECT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(response.rejected(), 0);
    return response.data_version();
  };
  auto report_value = [&](int64_t min_data_version,
                          int64_t* data_version = nullptr) -> int64_t {
    v1::GetMarketReportRequest request;
    request.set_reporter("CHN");
    request.mutable_period()->set_year(2022);
    request.mutable_period()->set_month(11);
    request.set_min_data_version(min_data_version);
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
    v1::MarketReport report;
    grpc::Status status =
        gateway_stub->GetMarketReport(&context, request, &report);
    EXPECT_TRUE(status.ok()) << status.error_message() << gateway->Stderr();
    EXPECT_TRUE(report.warnings().empty()) << report.ShortDebugString();
    if (data_version != nullptr) *data_version = report.data_version();
    return report.segment().value_usd();
  };

  // Each report right after the acknowledgement: the new figures, every
  // time, whether or not the watch has told the new version yet.
  int64_t version = 0;
  for (int64_t value = 1000; value <= 10000; value += 1000) {
    version = ingest_one(value);
    int64_t report_version = 0;
    EXPECT_EQ(report_value(version, &report_version), value);
    EXPECT_GE(report_version, version);
    // Asked again: the same (from the cache, or computed again).
    EXPECT_EQ(report_value(version), value);
  }
  EXPECT_EQ(version, 10);

  // Once the watch has told the last version, reports come from the cache
  // without a call to the query service: its GetStoreInfo count stands
  // still. (The watch tells within its poll interval, 1 ms on SQLite and
  // 10 ms on PostgreSQL; this waits up to 10 s for it.)
  const std::string hit =
      R"(evtrade_report_cache_requests_total{result="hit",version="watched"})";
  const std::string store_info =
      R"(grpc_server_started_total{grpc_method="GetStoreInfo",)"
      R"(grpc_service="evtrade.v1.QueryService",grpc_type="unary"})";
  const absl::Time give_up = absl::Now() + absl::Seconds(10);
  // Asked with the last version as the floor until one more watched hit
  // comes (earlier versions' hits do not count): then the watch has told
  // the last version.
  const double hits_so_far = SeriesValue(Metrics(http_port), hit);
  while (SeriesValue(Metrics(http_port), hit) < hits_so_far + 1 &&
         absl::Now() < give_up) {
    EXPECT_EQ(report_value(version), 10000);
  }
  const double hits_before = SeriesValue(Metrics(http_port), hit);
  ASSERT_GE(hits_before, hits_so_far + 1) << gateway->Stderr();
  const double asked_before =
      std::max(0.0, SeriesValue(Metrics(query_metrics_port), store_info));
  for (int i = 0; i < 20; ++i) EXPECT_EQ(report_value(version), 10000);
  EXPECT_EQ(SeriesValue(Metrics(http_port), hit), hits_before + 20)
      << gateway->Stderr() << query->Stderr();
  EXPECT_EQ(std::max(0.0, SeriesValue(Metrics(query_metrics_port), store_info)),
            asked_before);

  for (Process* p : {gateway.get(), query.get(), ingest.get()}) {
    ASSERT_TRUE(p->Kill(SIGTERM).ok());
    absl::StatusOr<int> code = p->Wait(absl::Seconds(15));
    ASSERT_TRUE(code.ok()) << code.status();
    EXPECT_EQ(*code, 0) << p->Stderr();
  }
}

}  // namespace
}  // namespace evtrade::testing

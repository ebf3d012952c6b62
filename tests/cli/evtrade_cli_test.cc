// The `evtrade` binary against an in-process ingest service: native and
// Comtrade files (plain, .gz, mixed-case headers), malformed files, dry
// runs, request-id replays, help. Exact summaries, FILE:LINE errors and exit
// codes.
#include <grpcpp/grpcpp.h>
#include <zlib.h>

#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "evtrade/v1/gateway_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/ingest_server.h"
#include "tests/support/paths.h"
#include "tests/support/process.h"
#include "tests/support/store_backends.h"

namespace evtrade {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kToken[] = "cli-test-token";

struct CliResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

constexpr char kNative[] =
    "reporter,partner,flow,hs_code,period,value_usd,quantity,net_weight_kg,"
    "manufacturer,source\n"
    "CHN,BEL,X,870380,2022-11,1000.4,10,15000,,\n"
    "CHN,GBR,export,870380,2022-11,2000.5,20,,,\n"
    "CHN,W00,X,870380,2022-11,5000,50,0,Tesla,press\n";

// Mixed-case names, extra columns, ISO codes with trailing spaces, a
// quoted description with a comma.
constexpr char kComtrade[] =
    "RefYear,REFMONTH,reporterISO,PartnerISO,flowcode,CmdCode,cmdDesc,qty,"
    "NetWgt,primaryvalue,CIFValue\n"
    "2022,11,CHN ,BEL ,X,870380,\"Vehicles; electric, only\",100,,1234.5,\n"
    "2022,11,CHN,GBR,X,870360,PHEV,50,7000,99,\n"
    "2022,10,CHN,W00,X,870380,BEV,,,1000000,\n";

// Once per store backend behind the ingest service.
class EvtradeCliTest : public ::testing::TestWithParam<testing::Backend> {
 protected:
  void SetUp() override {
    dir_ = testing::MakeTempDir("evtrade_cli");
    absl::StatusOr<std::string> db = testing::FreshStore(GetParam());
    ASSERT_TRUE(db.ok()) << db.status();
    db_path_ = *db;
    token_path_ = Write("ingest.token", std::string(kToken) + "\n");
    auto server = testing::InProcessIngestServer::Start(
        db_path_, IngestServiceConfig{.token = kToken});
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
  }

  std::string Write(const std::string& name, const std::string& content) {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }

  std::string WriteGzip(const std::string& name, const std::string& content) {
    const std::string path = dir_ + "/" + name;
    gzFile gz = gzopen(path.c_str(), "wb");
    EXPECT_NE(gz, nullptr);
    EXPECT_EQ(
        gzwrite(gz, content.data(), static_cast<unsigned>(content.size())),
        static_cast<int>(content.size()));
    EXPECT_EQ(gzclose(gz), Z_OK);
    return path;
  }

  // Runs `evtrade` with the service's address and token added.
  CliResult Run(std::vector<std::string> args, bool connect = true) {
    if (connect) {
      args.push_back(absl::StrCat("--ingest_addr=", server_->address()));
      args.push_back(absl::StrCat("--token_file=", token_path_));
    }
    auto process = testing::Process::Start(
        {.binary = testing::BinDir() + "/evtrade",
         .args = std::move(args),
         .env = {},
         .unset_env = {"EVTRADE_INGEST_ADDR", "EVTRADE_TOKEN_FILE",
                       "EVTRADE_REQUEST_ID", "EVTRADE_FORMAT",
                       "EVTRADE_ALL_OR_NOTHING", "EVTRADE_DRY_RUN"},
         .log_dir = testing::MakeTempDir("evtrade_cli_run")});
    EXPECT_TRUE(process.ok()) << process.status();
    if (!process.ok()) return {};
    auto code = (*process)->Wait(absl::Seconds(60));
    EXPECT_TRUE(code.ok()) << code.status();
    return {code.ok() ? *code : -1, (*process)->Stdout(), (*process)->Stderr()};
  }

  int64_t Count(const std::string& sql) {
    return testing::StoreInt(db_path_, sql);
  }

  std::string dir_;
  std::string db_path_;
  std::string token_path_;
  std::unique_ptr<testing::InProcessIngestServer> server_;
};

EVTRADE_INSTANTIATE_FOR_EACH_BACKEND(EvtradeCliTest);

TEST_P(EvtradeCliTest, ImportsANativeFile) {
  const std::string file = Write("native.csv", kNative);
  CliResult r = Run({"import", file, "--source=test"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("received 3, inserted 3, updated 0, "
                               "unchanged 0, rejected 0, batch 1, data "
                               "version 1\n"));
  // Decimals round half away from zero; Tesla is a breakdown row.
  EXPECT_EQ(Count("SELECT SUM(value_usd) FROM records"), 1000 + 2001 + 5000);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM records WHERE manufacturer = "
                  "'Tesla' AND source = 'press'"),
            1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM records WHERE source = 'test'"), 2);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM batches WHERE source = 'test'"), 1);
}

TEST_P(EvtradeCliTest, ImportsAGzippedComtradeFileWithMixedCaseHeaders) {
  const std::string file = WriteGzip("comtrade.csv.gz", kComtrade);
  CliResult r = Run({"import", file, "--batch-size=2"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("received 3, inserted 3, updated 0, "
                               "unchanged 0, rejected 0, batch 1"));
  EXPECT_EQ(Count("SELECT value_usd FROM records WHERE partner = 'BEL'"), 1235);
  EXPECT_EQ(Count("SELECT quantity FROM records WHERE partner = 'BEL'"), 100);
  EXPECT_EQ(Count("SELECT net_weight_kg FROM records WHERE partner = 'GBR'"),
            7000);
  EXPECT_EQ(Count("SELECT period FROM records WHERE partner = 'W00'"), 202210);
  // Without --source the batch is labelled with the file's name.
  EXPECT_EQ(Count("SELECT COUNT(*) FROM records WHERE source = 'evtrade "
                  "import comtrade.csv.gz'"),
            3);
  // The same file forced as native: its header lacks native columns.
  CliResult forced = Run({"import", file, "--format=native"});
  EXPECT_EQ(forced.exit_code, 3);
  EXPECT_THAT(forced.err, HasSubstr("comtrade.csv.gz"));
}

TEST_P(EvtradeCliTest, ARequestIdMakesARetrySafe) {
  const std::string file = Write("native.csv", kNative);
  ASSERT_EQ(Run({"import", file, "--request-id=load-1"}).exit_code, 0);
  CliResult again = Run({"import", file, "--request-id=load-1"});
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_THAT(again.out,
              HasSubstr("request id load-1 was imported before: nothing "
                        "written"));
  EXPECT_THAT(again.out, HasSubstr("inserted 3, updated 0, unchanged 0, "
                                   "rejected 0, batch 1, data version 1"));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM batches"), 1);
  // Without the id the same rows are one more (unchanged) batch.
  CliResult third = Run({"import", file});
  EXPECT_THAT(third.out, HasSubstr("inserted 0, updated 0, unchanged 3, "
                                   "rejected 0, batch 2, data version 2"));
}

TEST_P(EvtradeCliTest, ReportsRejectedRecordsWithTheirFileLines) {
  // Line 3 spans two lines (quoted line break), so line numbers and stream
  // indexes drift apart; line 5 cannot be read at all.
  const std::string file = Write(
      "bad.csv",
      "reporter,partner,flow,hs_code,period,value_usd,quantity,net_weight_kg,"
      "manufacturer,source\n"
      "CHN,BEL,X,870380,2022-11,1,1,,,\n"
      "CHN,GBR,X,870380,2022-11,2,1,,,\"two\nlines\"\n"
      "XYZ,BEL,X,870380,2022-11,3,1,,,\n"
      "CHN,FRA,X,870380,2022-11,12a,1,,,\n"
      "CHN,DEU,X,8703,2022-11,5,1,,,\n"
      "CHN,ESP,X,870380,2022-11,6,1,,\n"
      "CHN,ITA,X,870380,2022-13,7,1,,,\n"
      "CHN,NLD,X,870380,2022-11,8,1,,,\n");
  CliResult r = Run({"import", file});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  // Every row is validated before it is sent: only the three valid ones go.
  EXPECT_THAT(r.out, HasSubstr("received 3, inserted 3, updated 0, "
                               "unchanged 0, rejected 0, batch 1"));
  EXPECT_THAT(r.out, HasSubstr("rows not sent (unreadable or invalid): 5"));
  EXPECT_THAT(r.out, HasSubstr(file + ":5: reporter: "));
  EXPECT_THAT(r.out, HasSubstr(file + ":7: hs_code: "));
  EXPECT_THAT(r.out, HasSubstr(file + ":6: value_usd: not a number"));
  EXPECT_THAT(r.out, HasSubstr(file + ":8: expected 10 fields, got 9"));
  EXPECT_THAT(r.out, HasSubstr(file + ":9: period"));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM records"), 3);
}

TEST_P(EvtradeCliTest, AnUnterminatedQuoteCancelsTheImport) {
  const std::string file =
      Write("open_quote.csv",
            "reporter,partner,flow,hs_code,period,value_usd\n"
            "CHN,BEL,X,870380,2022-11,1\n"
            "CHN,GBR,X,870380,2022-11,\"2\n"
            "CHN,FRA,X,870380,2022-11,3\n");
  CliResult r = Run({"import", file});
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("unterminated quoted field"));
  EXPECT_THAT(r.err, HasSubstr("line 3"));
  EXPECT_THAT(r.out, HasSubstr("nothing written"));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM records"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM batches"), 0);
}

TEST_P(EvtradeCliTest, AllOrNothingWritesNothingForOneBadRecord) {
  const std::string file =
      Write("one_bad.csv",
            "reporter,partner,flow,hs_code,period,value_usd\n"
            "CHN,BEL,X,870380,2022-11,1\n"
            "CHN,GBR,X,870380,2022-11,-2\n");
  CliResult r = Run({"import", file, "--all-or-nothing"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr(file + ":3: value_usd: must be 0..100000000000, "
                                      "got -2"));
  EXPECT_THAT(r.out, HasSubstr("all-or-nothing: a row is invalid; nothing "
                               "written"));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM records"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM batches"), 0);
}

// Text that is not UTF-8 cannot travel in a protobuf string. It is named
// by FILE:LINE before anything is sent, and it never leaves part of a
// batch behind, whatever the flags.
TEST_P(EvtradeCliTest, TextThatIsNotUtf8IsNamedAndNeverHalfCommitted) {
  const std::string header =
      "reporter,partner,flow,hs_code,period,value_usd,quantity,"
      "net_weight_kg,manufacturer,source\n";
  const std::string bad =
      Write("latin1.csv", header + "CHN,BEL,X,870380,2022-11,1,1,,,\n" +
                              "CHN,W00,X,870380,2022-11,2,1,,M\xfcller,\n" +
                              "CHN,GBR,X,870380,2022-11,3,1,,,\n");

  CliResult dry = Run({"import", "--dry-run", bad}, /*connect=*/false);
  EXPECT_EQ(dry.exit_code, 1) << dry.out << dry.err;
  EXPECT_THAT(dry.out, HasSubstr("rows 3, valid 2, rejected 1"));
  EXPECT_THAT(dry.out, HasSubstr(bad + ":3: manufacturer: is not valid UTF-8"));

  CliResult refused =
      Run({"import", bad, "--all-or-nothing", "--request-id=load-utf8"});
  EXPECT_EQ(refused.exit_code, 1) << refused.out << refused.err;
  EXPECT_THAT(refused.out,
              HasSubstr(bad + ":3: manufacturer: is not valid UTF-8"));
  EXPECT_THAT(refused.out, HasSubstr("nothing written"));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM records"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM batches"), 0);

  // The request id was not used up: the corrected file imports under it.
  const std::string fixed =
      Write("utf8.csv", header + "CHN,BEL,X,870380,2022-11,1,1,,,\n" +
                            "CHN,W00,X,870380,2022-11,2,1,,M\xc3\xbcller,\n" +
                            "CHN,GBR,X,870380,2022-11,3,1,,,\n");
  CliResult retried =
      Run({"import", fixed, "--all-or-nothing", "--request-id=load-utf8"});
  EXPECT_EQ(retried.exit_code, 0) << retried.out << retried.err;
  EXPECT_THAT(retried.out, HasSubstr("received 3, inserted 3"));
  EXPECT_THAT(retried.out, Not(HasSubstr("imported before")));

  // Without all-or-nothing the valid rows are stored, and the exit code
  // still says that one was not.
  CliResult partial = Run({"import", bad});
  EXPECT_EQ(partial.exit_code, 1) << partial.out << partial.err;
  EXPECT_THAT(partial.out, HasSubstr("received 2, inserted 0, updated 0, "
                                     "unchanged 2"));
  EXPECT_THAT(partial.out,
              HasSubstr(bad + ":3: manufacturer: is not valid UTF-8"));
}

TEST_P(EvtradeCliTest, DryRunValidatesWithoutAServer) {
  const std::string good = Write("native.csv", kNative);
  const std::string bad =
      Write("bad.csv",
            "reporter,partner,flow,hs_code,period,value_usd\n"
            "CHN,BEL,X,870380,2022-11,1\n"
            "CHN,ZZZ,X,870380,2022-11,1\n");
  // No --ingest_addr / --token_file: nothing is contacted.
  CliResult r = Run({"import", "--dry-run", good, bad}, /*connect=*/false);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("dry run (nothing sent): rows 5, valid 4, "
                               "rejected 1, skipped 0"));
  EXPECT_THAT(r.out, HasSubstr(bad + ":3: partner: "));
  CliResult ok = Run({"import", "--dry_run", good}, /*connect=*/false);
  EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
  EXPECT_EQ(Count("SELECT COUNT(*) FROM batches"), 0);
}

TEST_P(EvtradeCliTest, FailsClearlyOnUsageErrors) {
  const std::string file = Write("native.csv", kNative);
  CliResult missing = Run({"import", dir_ + "/nope.csv"});
  EXPECT_EQ(missing.exit_code, 3);
  EXPECT_THAT(missing.err, HasSubstr("nope.csv"));
  CliResult no_token = Run({"import", file, "--token_file=" + dir_ + "/none"},
                           /*connect=*/false);
  EXPECT_EQ(no_token.exit_code, 2);
  EXPECT_THAT(no_token.err, HasSubstr("--token_file"));
  CliResult wrong_token =
      Run({"import", file, "--token_file=" + Write("wrong.token", "nope"),
           "--ingest_addr=" + server_->address()},
          /*connect=*/false);
  EXPECT_EQ(wrong_token.exit_code, 3);
  EXPECT_THAT(wrong_token.err, HasSubstr("UNAUTHENTICATED"));
  EXPECT_EQ(Run({"import", file, "--batch-size=10001"}).exit_code, 2);
  EXPECT_EQ(Run({"frobnicate"}).exit_code, 2);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM batches"), 0);
}

TEST_P(EvtradeCliTest, HelpExplainsEveryFlag) {
  CliResult top = Run({"--help"}, /*connect=*/false);
  EXPECT_EQ(top.exit_code, 0);
  for (const char* text : {"import FILE", "batches", "report", "exit codes"}) {
    EXPECT_THAT(top.out, HasSubstr(text));
  }
  CliResult import = Run({"import", "--help"}, /*connect=*/false);
  EXPECT_EQ(import.exit_code, 0);
  for (const char* flag :
       {"--ingest_addr", "--token_file", "--format", "--request_id", "--source",
        "--all_or_nothing", "--dry_run", "--batch_size", "--timeout_seconds"}) {
    EXPECT_THAT(import.out, HasSubstr(flag));
  }
  EXPECT_THAT(import.out, Not(HasSubstr("--gateway_addr")));
}

TEST_P(EvtradeCliTest, ListsBatches) {
  const std::string file = Write("native.csv", kNative);
  ASSERT_EQ(
      Run({"import", file, "--request-id=first", "--source=s1"}).exit_code, 0);
  ASSERT_EQ(Run({"import", file}).exit_code, 0);
  CliResult r = Run({"batches"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  // Newest first.
  const size_t second = r.out.find("\n       2  ");
  const size_t first = r.out.find("\n       1  ");
  ASSERT_NE(second, std::string::npos) << r.out;
  ASSERT_NE(first, std::string::npos) << r.out;
  EXPECT_LT(second, first);
  EXPECT_THAT(r.out, HasSubstr("first"));
  EXPECT_THAT(r.out, HasSubstr("s1"));
}

// A gateway that answers GetMarketReport with a fixed report and records
// the request.
class FakeGateway final : public v1::GatewayService::Service {
 public:
  grpc::Status GetMarketReport(grpc::ServerContext*,
                               const v1::GetMarketReportRequest* request,
                               v1::MarketReport* report) override {
    last_request_ = *request;
    report->set_headline("China's electric car exports hit a record.");
    report->mutable_segment()->set_value_usd(3'210'000'000);
    report->mutable_segment()->set_quantity(120'000);
    report->mutable_segment()->set_value_yoy_pct(165.04);
    report->mutable_segment()->set_record_high(true);
    report->mutable_all_vehicles()->set_value_usd(6'010'000'000);
    report->set_segment_share_of_all_pct(53.41);
    report->set_segment_majority_streak_months(2);
    v1::PartnerShare* bel = report->add_top_partners();
    bel->set_rank(1);
    bel->set_partner("BEL");
    bel->set_value_usd(1'300'000'000);
    bel->set_value_share_pct(40.5);
    report->mutable_exporter_rank()->set_rank(2);
    report->add_warnings("manufacturers: query timed out");
    return grpc::Status::OK;
  }
  v1::GetMarketReportRequest last_request_;
};

TEST_P(EvtradeCliTest, PrintsTheGatewaysReport) {
  FakeGateway gateway;
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(),
                           &port);
  builder.RegisterService(&gateway);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  ASSERT_NE(port, 0);
  CliResult r = Run({"report", absl::StrCat("--gateway_addr=127.0.0.1:", port),
                     "--powertrain=bev", "CHN", "2022-11"},
                    /*connect=*/false);
  server->Shutdown();
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(gateway.last_request_.reporter(), "CHN");
  EXPECT_EQ(gateway.last_request_.period().year(), 2022);
  EXPECT_EQ(gateway.last_request_.period().month(), 11);
  EXPECT_EQ(gateway.last_request_.powertrain(), v1::POWERTRAIN_BEV);
  EXPECT_THAT(r.out, HasSubstr("China's electric car exports hit a record.\n"));
  EXPECT_THAT(r.out, HasSubstr("segment:      $3.21bn, 120000 vehicles, "
                               "YoY value +165.0%, record high\n"));
  EXPECT_THAT(r.out, HasSubstr("all vehicles: $6.01bn, 0 vehicles, YoY "
                               "value n/a\n"));
  EXPECT_THAT(r.out, HasSubstr("segment share of all: 53.4%, majority "
                               "streak 2 months\n"));
  EXPECT_THAT(r.out, HasSubstr("  #1 BEL $1.30bn (40.5%)\n"));
  EXPECT_THAT(r.out, HasSubstr("exporter rank (all vehicles, YTD value): #2"));
  EXPECT_THAT(r.out, HasSubstr("warning: manufacturers: query timed out"));
  // Bad arguments never reach the gateway.
  EXPECT_EQ(Run({"report", "CHN", "2022-13"}, false).exit_code, 2);
  EXPECT_EQ(
      Run({"report", "--powertrain=diesel", "CHN", "2022-11"}, false).exit_code,
      2);
}

}  // namespace
}  // namespace evtrade

// The `evtrade` binary against an in-process ingest service: native and
// Comtrade files (plain, .gz, mixed-case headers), malformed files, dry
// runs, request-id replays, help. Exact summaries, FILE:LINE errors and exit
// codes.
#include <grpcpp/grpcpp.h>
#include <zlib.h>

#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "evtrade/v1/gateway_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/fake_comtrade_api.h"
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
  CliResult Run(std::vector<std::string> args, bool connect = true,
                std::string stdin_path = "") {
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
                       "EVTRADE_ALL_OR_NOTHING", "EVTRADE_DRY_RUN",
                       "EVTRADE_API_KEY_FILE", "EVTRADE_API_BASE_URL",
                       "EVTRADE_MAX_RECORDS", "EVTRADE_PARTNERS",
                       "EVTRADE_FLOWS", "EVTRADE_HS_CODES"},
         .log_dir = testing::MakeTempDir("evtrade_cli_run"),
         .stdin_path = std::move(stdin_path)});
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

std::string Fixture(const std::string& name) {
  return testing::SourceDir() + "/tests/data/comtrade/" + name;
}

// The same eight Comtrade rows in every shape a user meets: the API's JSON,
// CSV with ISO columns, with numeric codes only, with trailing delimiters,
// and TSV with mixed-case headers. Five are monthly totals; an annual row,
// a breakdown by mode of transport and a DX flow are skipped and counted.
TEST_P(EvtradeCliTest, ImportsEveryShapeOfAComtradeResponse) {
  CliResult json = Run({"import", Fixture("chn_exports_2022-11.json")});
  EXPECT_EQ(json.exit_code, 0) << json.out << json.err;
  EXPECT_THAT(json.out, HasSubstr("received 5, inserted 5, updated 0, "
                                  "unchanged 0, rejected 0, batch 1"));
  EXPECT_THAT(json.out, HasSubstr("skipped 3 rows: annual rows 1, breakdowns "
                                  "by mode of transport 1, flow DX 1\n"));
  // Exact figures: decimals rounded half away from zero, null qty = 0.
  EXPECT_EQ(Count("SELECT SUM(value_usd) FROM records"), 5'860'456'780);
  EXPECT_EQ(Count("SELECT value_usd FROM records WHERE partner = 'BEL'"),
            1'234'567'891);
  EXPECT_EQ(Count("SELECT net_weight_kg FROM records WHERE partner = 'BEL'"),
            82'000'001);
  EXPECT_EQ(Count("SELECT value_usd FROM records WHERE partner = 'GBR'"),
            987'654'321);
  EXPECT_EQ(Count("SELECT quantity FROM records WHERE hs_code = '870360'"), 0);
  EXPECT_EQ(Count("SELECT value_usd FROM records WHERE hs_code = '870360'"),
            401'234'568);
  EXPECT_EQ(Count("SELECT quantity FROM records WHERE partner = 'USA' AND "
                  "flow = 3"),
            1500);
  // Every other shape gives the very same records: all unchanged.
  for (const char* name :
       {"chn_iso_columns.csv", "chn_m49_only.csv", "chn_trailing_delimiter.csv",
        "chn_mixed_case_headers.tsv"}) {
    CliResult r = Run({"import", Fixture(name)});
    EXPECT_EQ(r.exit_code, 0) << name << r.out << r.err;
    EXPECT_THAT(r.out, HasSubstr("received 5, inserted 0, updated 0, "
                                 "unchanged 5, rejected 0"))
        << name;
    EXPECT_THAT(r.out, HasSubstr("skipped 3 rows: annual rows 1, breakdowns "
                                 "by mode of transport 1, flow DX 1\n"))
        << name;
  }
  EXPECT_EQ(Count("SELECT COUNT(*) FROM records"), 5);
  EXPECT_EQ(Count("SELECT SUM(value_usd) FROM records"), 5'860'456'780);
}

TEST_P(EvtradeCliTest, ImportReadsStandardInput) {
  std::ifstream in(Fixture("chn_exports_2022-11.json"), std::ios::binary);
  const std::string json((std::istreambuf_iterator<char>(in)),
                         std::istreambuf_iterator<char>());
  const std::string gz = WriteGzip("response.gz", json);
  CliResult r = Run({"import", "-"}, /*connect=*/true, gz);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("received 5, inserted 5"));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM batches WHERE source = 'evtrade "
                  "import <stdin>'"),
            1);
  EXPECT_EQ(Count("SELECT SUM(value_usd) FROM records"), 5'860'456'780);
}

TEST_P(EvtradeCliTest, ErrorsNameTheUsersColumnAndLine) {
  const std::string csv =
      Write("codes.csv",
            "refYear,refMonth,reporterCode,ReporterISO,partnerCode,flowCode,"
            "cmdCode,primaryValue\n"
            "2022,11,842,FRA,0,X,870380,1\n"
            "2022,11,,XYZ,0,X,870380,2\n"
            "2022,11,156,,56,X,870380,3\n");
  CliResult r = Run({"import", csv});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("received 1, inserted 1, updated 0, "
                               "unchanged 0, rejected 0"));
  EXPECT_THAT(r.out, HasSubstr("rows not sent (unreadable or invalid): 2"));
  EXPECT_THAT(r.out, HasSubstr(csv + ":2: ReporterISO: ReporterISO \"FRA\" "
                                     "and reporterCode 842 (USA) disagree\n"));
  // The domain rules' rejection, checked before sending and named by the
  // file's column.
  EXPECT_THAT(r.out, HasSubstr(csv + ":3: ReporterISO: unknown country code "
                                     "\"XYZ\""));
  const std::string json =
      Write("bad.json",
            R"({"count":2,"data":[{"period":"202211","reporterCode":156,)"
            R"("partnerCode":56,"flowCode":"X","cmdCode":"870380",)"
            R"("primaryValue":"12a"},{"period":"202211","reporterCode":156,)"
            R"("partnerCode":56,"flowCode":"X","cmdCode":"870380",)"
            R"("primaryValue":-5}],"error":""})");
  CliResult j = Run({"import", json});
  EXPECT_EQ(j.exit_code, 1) << j.out << j.err;
  EXPECT_THAT(j.out, HasSubstr(json + ":data[0]: primaryValue: not a number"));
  EXPECT_THAT(j.out, HasSubstr(json + ":data[1]: primaryValue: "));
  // An API error in the file: nothing is written.
  const std::string refused = Write(
      "refused.json", R"({"count":0,"data":[],"error":"Invalid period"})");
  CliResult e = Run({"import", refused});
  EXPECT_EQ(e.exit_code, 3) << e.out << e.err;
  EXPECT_THAT(e.err, HasSubstr("the response reports an error: Invalid "
                               "period"));
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
  EXPECT_THAT(r.err,
              HasSubstr(file + ":3: unterminated quoted field (no closing "
                               "quote before the end of the file)"));
  EXPECT_THAT(r.out, HasSubstr("nothing written"));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM records"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM batches"), 0);
}

TEST_P(EvtradeCliTest, AnEndlessLineEndsTheImportAtItsLine) {
  // A small gzip that expands to one 64 MiB line after a good row.
  std::string content =
      "reporter,partner,flow,hs_code,period,value_usd\n"
      "CHN,BEL,X,870380,2022-11,1\n";
  content.append(64 << 20, 'a');
  const std::string file = WriteGzip("endless.csv.gz", content);
  content.clear();
  content.shrink_to_fit();
  CliResult r = Run({"import", file});
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("evtrade import: " + file +
                               ":3: row longer than 1048576 bytes"));
  EXPECT_THAT(r.out, HasSubstr("nothing written"));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM records"), 0);
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
  EXPECT_THAT(top.out, HasSubstr("fetch --reporters"));
  CliResult fetch = Run({"fetch", "--help"}, /*connect=*/false);
  EXPECT_EQ(fetch.exit_code, 0);
  for (const char* flag :
       {"--reporters", "--periods", "--hs_codes", "--flows", "--partners",
        "--api_base_url", "--api_key_file", "--max_records", "--retry_base_ms",
        "--ingest_addr", "--token_file", "--dry_run"}) {
    EXPECT_THAT(fetch.out, HasSubstr(flag));
  }
  EXPECT_THAT(fetch.out, HasSubstr("Ocp-Apim-Subscription-Key"));
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

// `evtrade fetch` against an API double on loopback and the in-process
// ingest service.
class EvtradeFetchTest : public EvtradeCliTest {
 protected:
  using Fault = testing::FakeComtradeApi::Fault;

  void SetUp() override {
    EvtradeCliTest::SetUp();
    api_ = testing::FakeComtradeApi::Start();
    ASSERT_NE(api_, nullptr);
    key_path_ = Write("comtrade.key",
                      std::string(testing::FakeComtradeApi::kKey) + "\n");
  }

  CliResult Fetch(std::vector<std::string> args, bool with_key = true) {
    args.insert(args.begin(), "fetch");
    args.push_back("--api_base_url=" + api_->base_url());
    args.push_back("--retry_base_ms=10");
    if (with_key) args.push_back("--api_key_file=" + key_path_);
    return Run(std::move(args));
  }

  // The sum of the fake API's rounded primaryValue over `reporters`, its
  // default partners, `months` (month numbers), `codes` HS codes and
  // `flows` flows: reporter * 1e6 + partner * 100 + month + 1 each.
  static int64_t ExpectedValue(const std::vector<int>& reporters,
                               const std::vector<int>& months, int codes,
                               int flows) {
    int64_t sum = 0;
    for (int reporter : reporters) {
      for (int partner : testing::FakeComtradeApi::kDefaultPartners) {
        for (int month : months) {
          sum += (int64_t{reporter} * 1'000'000 + partner * 100 + month + 1) *
                 codes * flows;
        }
      }
    }
    return sum;
  }

  std::unique_ptr<testing::FakeComtradeApi> api_;
  std::string key_path_;
};

EVTRADE_INSTANTIATE_FOR_EACH_BACKEND(EvtradeFetchTest);

// 2 reporters x 16 months x 2 HS codes x 2 flows x 3 partners = 384
// records. The first 12 months give 288 >= --max_records=100: split into
// 6 + 6 months (144 each, still full), then 3 + 3 (72 each); the last 4
// months give 96. So 8 calls, 3 splits, 5 batches; one 429 and one 500 on
// the way are retried.
TEST_P(EvtradeFetchTest, SplitsFullResponsesRetriesAndWritesNothingTwice) {
  api_->FailRequest(1, Fault::kTooManyRequests);
  api_->FailRequest(3, Fault::kServerError);
  const std::vector<std::string> args = {
      "--reporters=CHN,DEU", "--periods=2021-11..2023-02",
      "--hs_codes=870380,870360", "--max_records=100"};
  CliResult r = Fetch(args);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("HTTP 429: retry 1 of 5 in 1s\n"));
  EXPECT_THAT(r.out, HasSubstr("HTTP 500: retry 1 of 5 in 10ms\n"));
  EXPECT_THAT(r.out, HasSubstr("fetch: 8 calls (3 split), rows 384, skipped "
                               "0, unreadable 0; received 384, inserted 384, "
                               "updated 0, unchanged 0, rejected 0; 0 calls "
                               "loaded before"));
  const std::vector<std::string> requests = api_->requests();
  ASSERT_EQ(requests.size(), 10u);
  for (const std::string& request : requests) {
    EXPECT_THAT(request, HasSubstr("/data/v1/get/C/M/HS?"));
    EXPECT_THAT(request, HasSubstr("maxRecords=100"));
    EXPECT_THAT(request, HasSubstr("includeDesc=true"));
    EXPECT_THAT(request, HasSubstr("reporterCode=156,276"));
    EXPECT_THAT(request, HasSubstr("flowCode=X,M"));
    EXPECT_THAT(request, Not(HasSubstr("partnerCode")));
  }
  EXPECT_THAT(requests[0],
              HasSubstr("period=202111,202112,202201,202202,202203,202204,"
                        "202205,202206,202207,202208,202209,202210&"));
  EXPECT_THAT(requests.back(), HasSubstr("period=202211,202212,202301,"
                                         "202302&"));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM batches"), 5);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM records"), 384);
  // Rounded half away from zero: 1 + 2 + ... per month, exactly.
  const std::vector<int> months = {11, 12, 1, 2,  3,  4,  5, 6,
                                   7,  8,  9, 10, 11, 12, 1, 2};
  EXPECT_EQ(Count("SELECT SUM(value_usd) FROM records"),
            ExpectedValue({156, 276}, months, 2, 2));
  EXPECT_EQ(Count("SELECT SUM(quantity) FROM records WHERE reporter = 'DEU' "
                  "AND partner = 'GBR' AND flow = 1 AND hs_code = '870380'"),
            16 * 10 + (11 + 12 + 1 + 2 + 3 + 4 + 5 + 6 + 7 + 8 + 9 + 10 + 11 +
                       12 + 1 + 2));
  EXPECT_EQ(Count("SELECT net_weight_kg FROM records LIMIT 1"), 1501);

  // The same fetch again: every call is a replay, nothing is written.
  CliResult again = Fetch(args);
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_THAT(again.out, HasSubstr("received 0, inserted 0, updated 0, "
                                   "unchanged 0, rejected 0; 5 calls loaded "
                                   "before (nothing written)"));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM batches"), 5);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM records"), 384);
}

TEST_P(EvtradeFetchTest, AnInterruptedFetchCompletesWhenRunAgain) {
  // The second call's answer is cut off: the first call stays loaded.
  api_->FailRequest(2, Fault::kMalformedJson);
  const std::vector<std::string> args = {"--reporters=CHN",
                                         "--periods=2022-01..2023-03",
                                         "--hs_codes=870380", "--flows=X"};
  CliResult cut = Fetch(args);
  EXPECT_EQ(cut.exit_code, 3) << cut.out << cut.err;
  EXPECT_THAT(cut.err, HasSubstr("call 2: "));
  EXPECT_THAT(cut.err, HasSubstr("unexpected end of the document"));
  EXPECT_THAT(cut.out, HasSubstr("stopped at call 2"));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM batches"), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM records"), 36);

  CliResult rest = Fetch(args);
  EXPECT_EQ(rest.exit_code, 0) << rest.out << rest.err;
  EXPECT_THAT(rest.out, HasSubstr("fetch: 2 calls (0 split), rows 45, skipped "
                                  "0, unreadable 0; received 9, inserted 9, "
                                  "updated 0, unchanged 0, rejected 0; 1 "
                                  "calls loaded before"));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM batches"), 2);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM records"), 45);
  EXPECT_EQ(Count("SELECT SUM(value_usd) FROM records"),
            ExpectedValue(
                {156}, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3}, 1, 1));
}

TEST_P(EvtradeFetchTest, StopsOnAWrongKeyOrAnAnswerWithItsErrorSet) {
  const std::vector<std::string> args = {"--reporters=CHN", "--periods=2022-11",
                                         "--hs_codes=870380"};
  std::vector<std::string> wrong = args;
  wrong.push_back("--api_key_file=" + Write("wrong.key", "nope\n"));
  CliResult denied = Fetch(wrong, /*with_key=*/false);
  EXPECT_EQ(denied.exit_code, 3) << denied.out << denied.err;
  EXPECT_THAT(denied.err, HasSubstr("HTTP 401 from " + api_->base_url() +
                                    ": {\"statusCode\":401,\"message\":"
                                    "\"Access denied due to invalid "
                                    "subscription key.\"} (check the "
                                    "subscription key in --api_key_file)"));
  ASSERT_EQ(api_->requests().size(), 1u);  // no retry

  api_->FailRequest(2, Fault::kErrorSet);
  CliResult error = Fetch(args);
  EXPECT_EQ(error.exit_code, 3) << error.out << error.err;
  EXPECT_THAT(error.err, HasSubstr("the response reports an error: Too many "
                                   "requests for this subscription."));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM batches"), 0);

  // Bad flags never reach the API.
  EXPECT_EQ(Fetch({"--reporters=XYZ", "--periods=2022-11"}).exit_code, 2);
  EXPECT_EQ(Fetch({"--reporters=CHN", "--periods=2022-13"}).exit_code, 2);
  EXPECT_EQ(Fetch({"--reporters=CHN", "--periods=2022-11", "--hs_codes=8703"})
                .exit_code,
            2);
  EXPECT_EQ(Fetch({"--periods=2022-11"}).exit_code, 2);
  EXPECT_EQ(api_->requests().size(), 2u);
}

TEST_P(EvtradeFetchTest, WithoutAKeyUsesThePublicPreview) {
  CliResult r = Fetch({"--reporters=DEU", "--periods=2022-11..2022-12",
                       "--partners=W00,BEL", "--flows=M"},
                      /*with_key=*/false);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("public preview API, which returns at most "
                               "500 records per call"));
  const std::vector<std::string> requests = api_->requests();
  ASSERT_EQ(requests.size(), 1u);
  // Every HS code of the powertrain table by default; partners as codes.
  EXPECT_EQ(requests[0],
            "/public/v1/preview/C/M/HS?cmdCode=870310,870321,870322,870323,"
            "870324,870331,870332,870333,870340,870350,870360,870370,870380,"
            "870390&flowCode=M&includeDesc=true&maxRecords=500&"
            "partnerCode=0,56&period=202211,202212&reporterCode=276");
  // 14 codes x 2 months x 2 partners.
  EXPECT_EQ(Count("SELECT COUNT(*) FROM records"), 56);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM records WHERE flow = 2 AND "
                  "reporter = 'DEU' AND partner IN ('W00', 'BEL')"),
            56);
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
  // No SO_REUSEPORT (gRPC's default): with it, port 0 may be given to this
  // server and to another test's at once, and connections split between them.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
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

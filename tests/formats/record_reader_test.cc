#include "common/formats/record_reader.h"

#include <zlib.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "common/formats/byte_source.h"
#include "evtrade/v1/common.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/paths.h"

namespace evtrade::formats {
namespace {

using ::testing::ElementsAre;

v1::TradeRecord Rec(const std::string& reporter, const std::string& partner,
                    v1::Flow flow, const std::string& hs_code, int year,
                    int month, int64_t value, int64_t quantity = 0,
                    int64_t net_weight = 0,
                    const std::string& manufacturer = "",
                    const std::string& source = "") {
  v1::TradeRecord r;
  r.set_reporter(reporter);
  r.set_partner(partner);
  r.set_flow(flow);
  r.set_hs_code(hs_code);
  r.mutable_period()->set_year(year);
  r.mutable_period()->set_month(month);
  r.set_value_usd(value);
  r.set_quantity(quantity);
  r.set_net_weight_kg(net_weight);
  r.set_manufacturer(manufacturer);
  r.set_source(source);
  return r;
}

// What a file read to its end gave.
struct Result {
  std::vector<int64_t> record_lines;
  std::vector<std::string> records;  // DebugString, for readable diffs
  std::vector<std::string> errors;   // "line: field: reason"
  std::vector<std::string> skipped;
  absl::Status status;  // the file-level error, if any
};

Result ReadAll(RecordReader& reader) {
  Result result;
  while (true) {
    absl::StatusOr<std::optional<ReadRow>> row = reader.Next();
    if (!row.ok()) {
      result.status = row.status();
      return result;
    }
    if (!row->has_value()) return result;
    if (auto* rec = std::get_if<LineRecord>(&**row)) {
      result.record_lines.push_back(rec->line);
      result.records.push_back(rec->record.DebugString());
    } else {
      const RowError& e = std::get<RowError>(**row);
      (e.kind == RowError::Kind::kSkipped ? result.skipped : result.errors)
          .push_back(std::to_string(e.line) + ": " + e.field + ": " + e.reason);
    }
  }
}

std::unique_ptr<RecordReader> FromString(const std::string& data,
                                         RecordReaderOptions options = {}) {
  auto reader =
      RecordReader::FromSource(MakeStringSource(data, "test.csv"), options);
  EXPECT_TRUE(reader.ok()) << reader.status();
  return reader.ok() ? *std::move(reader) : nullptr;
}

// Reads `data` to its end; a failure to open is the result's status.
Result ReadString(const std::string& data, RecordReaderOptions options = {}) {
  auto reader =
      RecordReader::FromSource(MakeStringSource(data, "test.csv"), options);
  if (reader.ok()) return ReadAll(**reader);
  Result failed;
  failed.status = reader.status();
  return failed;
}

absl::Status OpenError(const std::string& data,
                       RecordReaderOptions options = {}) {
  auto reader =
      RecordReader::FromSource(MakeStringSource(data, "test.csv"), options);
  return reader.ok() ? absl::OkStatus() : reader.status();
}

constexpr char kNativeHeader[] =
    "reporter,partner,flow,hs_code,period,value_usd,quantity,net_weight_kg,"
    "manufacturer,source\n";

TEST(RecordReaderTest, NativeCsv) {
  auto reader = FromString(std::string(kNativeHeader) +
                           "CHN,W00,X,870380,2022-11,1332000000,37000,68450000,"
                           "Tesla,press citing CPCA\n"
                           "CHN,BEL,export,870360,2022-10,1234.5,10,,,\n"
                           " deu , USA ,re_export,870323,2021-01,-0.5,,,,\n"
                           "JPN,AUS,RM,870340,202112,7,1.5,2.49, Toyota ,\n");
  ASSERT_NE(reader, nullptr);
  EXPECT_EQ(reader->format(), InputFormat::kNative);
  Result r = ReadAll(*reader);
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_THAT(r.errors, ElementsAre());
  EXPECT_THAT(r.record_lines, ElementsAre(2, 3, 4, 5));
  EXPECT_THAT(
      r.records,
      ElementsAre(
          Rec("CHN", "W00", v1::FLOW_EXPORT, "870380", 2022, 11, 1332000000,
              37000, 68450000, "Tesla", "press citing CPCA")
              .DebugString(),
          Rec("CHN", "BEL", v1::FLOW_EXPORT, "870360", 2022, 10, 1235, 10)
              .DebugString(),
          // Trimmed, not upper-cased: validation normalizes codes.
          Rec("deu", "USA", v1::FLOW_RE_EXPORT, "870323", 2021, 1, -1)
              .DebugString(),
          Rec("JPN", "AUS", v1::FLOW_RE_IMPORT, "870340", 2021, 12, 7, 2, 2,
              "Toyota")
              .DebugString()));
  EXPECT_EQ(reader->rows_read(), 4);
}

TEST(RecordReaderTest, NativeOptionalColumnsAnyOrder) {
  Result r = ReadString(
      "value_usd,period,hs_code,flow,partner,reporter\n"
      "100,2022-01,870380,M,CHN,GBR\n");
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_THAT(r.records, ElementsAre(Rec("GBR", "CHN", v1::FLOW_IMPORT,
                                         "870380", 2022, 1, 100)
                                         .DebugString()));
}

TEST(RecordReaderTest, ComtradeMixedCaseHeaders) {
  auto reader = FromString(
      "TypeCode,RefYear,refmonth,PERIOD,reporterCode,reporterISO ,"
      "ReporterDesc,FlowCode,partnerCode,PartnerISO,cmdcode,QTY,NetWgt,"
      "CIFValue,fobvalue,PrimaryValue,isAggregate\n"
      "C,2022,11,202211,156,CHN ,China,X,56,BEL  ,870380,40625,73125137,,"
      "1147598654.4,1147598654.4,False\n"
      "C,2022,11,202211,156,CHN,China,x,0,W00,870323,,,,1.2E+9,1.2E+9,True\n"
      "C,2021,3,202103,156,CHN,China,RX,490,S19,870390,12.5,1000.5,,,0.5,"
      "False\n");
  ASSERT_NE(reader, nullptr);
  EXPECT_EQ(reader->format(), InputFormat::kComtrade);
  Result r = ReadAll(*reader);
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_THAT(r.errors, ElementsAre());
  EXPECT_THAT(
      r.records,
      ElementsAre(
          Rec("CHN", "BEL", v1::FLOW_EXPORT, "870380", 2022, 11, 1147598654,
              40625, 73125137)
              .DebugString(),
          Rec("CHN", "W00", v1::FLOW_EXPORT, "870323", 2022, 11, 1200000000)
              .DebugString(),
          Rec("CHN", "S19", v1::FLOW_RE_EXPORT, "870390", 2021, 3, 1, 13, 1001)
              .DebugString()));
}

TEST(RecordReaderTest, ComtradeTsvWithPeriodOnly) {
  auto reader = FromString(
      "period\treporterISO\tpartnerISO\tflowCode\tcmdCode\tprimaryValue\t"
      "qty\tpartnerDesc\n"
      "202101\tJPN\tUSA\tM\t870340\t100\t5\tUSA, incl. territories\n"
      "2021\tJPN\tUSA\tM\t870340\t1200\t60\tUSA\n");
  ASSERT_NE(reader, nullptr);
  EXPECT_EQ(reader->format(), InputFormat::kComtrade);
  Result r = ReadAll(*reader);
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_THAT(r.records, ElementsAre(Rec("JPN", "USA", v1::FLOW_IMPORT,
                                         "870340", 2021, 1, 100, 5)
                                         .DebugString()));
  EXPECT_THAT(r.errors, ElementsAre("3: period: annual rows (period 2021) are "
                                    "not monthly data"));
}

TEST(RecordReaderTest, BomCrlfAndQuotedFields) {
  Result r = ReadString(
      "\xEF\xBB\xBFrefYear,refMonth,reporterISO,flowCode,partnerISO,"
      "partnerDesc,cmdCode,cmdDesc,primaryValue\r\n"
      "2022,9,CHN,X,S19,\"Other Asia, nes\",870380,\"Vehicles; \"\"only\"\" "
      "electric,\r\nmotor\",\"2,5\"\r\n"
      "2022,9,CHN,X,\"GBR\",\"United Kingdom\",\"870380\",x,\"99\"\r\n");
  ASSERT_TRUE(r.status.ok()) << r.status;
  // "2,5" is not a number: the quoted comma stays inside the field.
  EXPECT_THAT(r.errors, ElementsAre("2: primaryValue: not a number: \"2,5\""));
  EXPECT_THAT(r.record_lines, ElementsAre(4));
  EXPECT_THAT(r.records, ElementsAre(Rec("CHN", "GBR", v1::FLOW_EXPORT,
                                         "870380", 2022, 9, 99)
                                         .DebugString()));
}

TEST(RecordReaderTest, GzipFile) {
  const std::string dir = testing::MakeTempDir("record_reader");
  const std::string path = dir + "/chn.csv.gz";
  std::string text =
      "refYear,refMonth,reporterISO,partnerISO,flowCode,cmdCode,qty,netWgt,"
      "primaryValue\n";
  for (int m = 1; m <= 12; ++m) {
    text += "2022," + std::to_string(m) + ",CHN,BEL,X,870380," +
            std::to_string(m * 100) + ",," + std::to_string(m * 1000) + ".5\n";
  }
  gzFile out = gzopen(path.c_str(), "wb");
  ASSERT_NE(out, nullptr);
  ASSERT_EQ(gzwrite(out, text.data(), text.size()),
            static_cast<int>(text.size()));
  ASSERT_EQ(gzclose(out), Z_OK);

  auto reader = RecordReader::Open(path);
  ASSERT_TRUE(reader.ok()) << reader.status();
  const int64_t size = std::filesystem::file_size(path);
  EXPECT_EQ((*reader)->total_bytes(), size);
  Result r = ReadAll(**reader);
  ASSERT_TRUE(r.status.ok()) << r.status;
  ASSERT_EQ(r.records.size(), 12u);
  EXPECT_EQ(r.records[0],
            Rec("CHN", "BEL", v1::FLOW_EXPORT, "870380", 2022, 1, 1001, 100)
                .DebugString());
  EXPECT_EQ(r.records[11],
            Rec("CHN", "BEL", v1::FLOW_EXPORT, "870380", 2022, 12, 12001, 1200)
                .DebugString());
  EXPECT_EQ(r.record_lines.back(), 13);
  EXPECT_EQ((*reader)->bytes_consumed(), size);
  std::filesystem::remove_all(dir);
}

TEST(RecordReaderTest, NativeErrorsWithLineNumbers) {
  Result r = ReadString(std::string(kNativeHeader) +
                        "CHN,BEL,X,870380,2022-11,10,1,1,,\n"     // 2: good
                        "CHN,BEL,X,870380,2022-11,10,1,1\n"       // 3
                        "CHN,BEL,X,870380,2022-11,12a,1,1,,\n"    // 4
                        "CHN,BEL,Q,870380,2022-11,10,1,1,,\n"     // 5
                        "CHN,BEL,X,870380,2022-13,10,1,1,,\n"     // 6
                        "CHN,BEL,X,870380,Nov 2022,10,1,1,,\n"    // 7
                        "CHN,BEL,X,870380,2022-11,10,x,1,,\n"     // 8
                        "CHN,GBR,X,870380,2022-11,20,2,2,,\n"     // 9: good
                        "CHN,\"FRA\n\",X,870380,2022-11,,,,,\n"   // 10-11
                        "CHN,BEL,X,870380,2022-11,10,1,1,\"Te\n"  // 12
                        "sla,\n");
  EXPECT_THAT(r.record_lines, ElementsAre(2, 9));
  EXPECT_THAT(
      r.errors,
      ElementsAre("3: : expected 10 fields, got 8",
                  "4: value_usd: not a number: \"12a\"",
                  "5: flow: unknown flow \"Q\" (expected X, M, RX, RM or "
                  "export, import, re_export, re_import)",
                  "6: period: month must be 1..12, got 13",
                  "7: period: expected YYYY-MM or YYYYMM, got \"Nov 2022\"",
                  "8: quantity: not a number: \"x\"",
                  "10: value_usd: empty, expected a number"));
  EXPECT_EQ(r.status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status.message(),
            "test.csv: line 12: unterminated quoted field (no closing quote "
            "before the end of the file)");
}

constexpr char kComtradeHeader[] =
    "refYear,refMonth,reporterISO,partnerISO,partner2Code,flowCode,cmdCode,"
    "customsCode,motCode,qty,netWgt,primaryValue\n";

TEST(RecordReaderTest, ComtradeRejectsAndSkips) {
  Result r = ReadString(std::string(kComtradeHeader) +
                        "2022,11,CHN,BEL,0,X,870380,C00,0,1,1,10\n"  // 2
                        "2022,52,CHN,BEL,0,X,870380,C00,0,1,1,10\n"  // 3
                        "2022,11,CHN,BEL,0,X,8703,C00,0,1,1,10\n"    // 4
                        "2022,11,CHN,BEL,0,X,TOTAL,C00,0,1,1,10\n"   // 5
                        "2022,11,CHN,BEL,0,X,87,C00,0,1,1,10\n"      // 6
                        "2022,11,CHN,BEL,0,Z,870380,C00,0,1,1,10\n"  // 7
                        "2022,11,CHN,BEL,0,X,870380,C00,0,1,1,\n"    // 8
                        "20x2,11,CHN,BEL,0,X,870380,C00,0,1,1,10\n"  // 9
                        "2022,11,CHN,BEL,0,X,870380,C01,0,1,1,10\n"  // 10
                        "2022,11,CHN,BEL,0,X,870380,C00,2100,1,1,10\n"
                        "2022,11,CHN,BEL,156,X,870380,C00,0,1,1,10\n"
                        "2022,11,CHN,GBR,,X,870380,,,,,20\n");  // 13
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_THAT(r.record_lines, ElementsAre(2, 13));
  EXPECT_THAT(
      r.errors,
      ElementsAre("3: refMonth: annual rows (refMonth 52) are not monthly data",
                  "4: cmdCode: must be a 6-digit HS code, got \"8703\"",
                  "5: cmdCode: must be a 6-digit HS code, got \"TOTAL\"",
                  "6: cmdCode: must be a 6-digit HS code, got \"87\"",
                  "7: flowCode: unknown flow code \"Z\" (expected X, M, RX or "
                  "RM)",
                  "8: primaryValue: empty, expected a number",
                  "9: refYear: not a year: \"20x2\""));
  EXPECT_THAT(
      r.skipped,
      ElementsAre("10: customsCode: a breakdown by customs procedure "
                  "(customsCode C01), not a total: skipped",
                  "11: motCode: a breakdown by mode of transport (motCode "
                  "2100), not a total: skipped",
                  "12: partner2Code: a breakdown by second partner "
                  "(partner2Code 156), not a total: skipped"));
}

TEST(RecordReaderTest, ComtradeQuantityOnlyWhenCountingItems) {
  Result r = ReadString(
      "period,reporterISO,partnerISO,flowCode,cmdCode,qtyUnitCode,qty,netWgt,"
      "primaryValue\n"
      "202211,CHN,BEL,X,870380,5,40,72000,1000000\n"
      "202211,CHN,FRA,X,870380,8,72000,72000,1000000\n"
      "202211,CHN,ESP,X,870380,-1,,,1000000\n"
      "202211,CHN,ITA,X,870380,,12,,1000000\n");
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_THAT(r.errors, ElementsAre());
  EXPECT_THAT(
      r.records,
      ElementsAre(
          Rec("CHN", "BEL", v1::FLOW_EXPORT, "870380", 2022, 11, 1000000, 40,
              72000)
              .DebugString(),
          Rec("CHN", "FRA", v1::FLOW_EXPORT, "870380", 2022, 11, 1000000, 0,
              72000)
              .DebugString(),
          Rec("CHN", "ESP", v1::FLOW_EXPORT, "870380", 2022, 11, 1000000)
              .DebugString(),
          Rec("CHN", "ITA", v1::FLOW_EXPORT, "870380", 2022, 11, 1000000, 12)
              .DebugString()));
}

TEST(RecordReaderTest, HeaderErrorsNameTheColumn) {
  EXPECT_EQ(OpenError("refYear,refMonth,reporterISO,partnerISO,flowCode,"
                      "primaryValue\n")
                .message(),
            "test.csv: missing column \"cmdCode\" (comtrade format)");
  EXPECT_EQ(OpenError("refYear,reporterISO,partnerISO,flowCode,cmdCode,"
                      "primaryValue\n")
                .message(),
            "test.csv: missing column \"refMonth\" (comtrade format)");
  EXPECT_EQ(OpenError("reporterISO,partnerISO,flowCode,cmdCode,"
                      "primaryValue\n")
                .message(),
            "test.csv: missing column \"period\" (comtrade format)");
  EXPECT_EQ(
      OpenError("reporter,partner,flow,hs_code,period,quantity\n").message(),
      "test.csv: missing column \"value_usd\" (native format)");
  // Forcing a format checks that format's columns.
  EXPECT_EQ(OpenError(kComtradeHeader, {InputFormat::kNative}).message(),
            "test.csv: missing column \"reporter\" (native format)");
  EXPECT_EQ(OpenError("a,b\n1,2\n").message(),
            "test.csv: unrecognised header: expected native columns "
            "(reporter, partner, flow, hs_code, period, value_usd) or "
            "Comtrade columns (reporterISO, partnerISO, flowCode, cmdCode, "
            "primaryValue, refYear + refMonth or period)");
  EXPECT_EQ(OpenError("").message(), "test.csv: empty file, no header");
  EXPECT_EQ(OpenError(kComtradeHeader).code(), absl::StatusCode::kOk);
}

TEST(RecordReaderTest, ForcedFormatAndDelimiter) {
  EXPECT_EQ(OpenError("period;x\n", {InputFormat::kComtrade, ','}).message(),
            "test.csv: missing column \"reporterISO\" (comtrade format)");
  Result r = ReadString(
      "reporter\tpartner\tflow\ths_code\tperiod\tvalue_usd\n"
      "CHN\tBEL\tX\t870380\t2022-11\t5\n",
      RecordReaderOptions{InputFormat::kNative, '\t'});
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_THAT(r.records, ElementsAre(Rec("CHN", "BEL", v1::FLOW_EXPORT,
                                         "870380", 2022, 11, 5)
                                         .DebugString()));
}

TEST(RecordReaderTest, ParseInputFormat) {
  EXPECT_EQ(ParseInputFormat("Comtrade"), InputFormat::kComtrade);
  EXPECT_EQ(ParseInputFormat("native"), InputFormat::kNative);
  EXPECT_EQ(ParseInputFormat(" AUTO "), InputFormat::kAuto);
  EXPECT_EQ(ParseInputFormat("json"), std::nullopt);
  EXPECT_EQ(InputFormatName(InputFormat::kComtrade), "comtrade");
}

TEST(RecordReaderTest, MissingFile) {
  auto reader = RecordReader::Open("/nonexistent/evtrade.csv");
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(reader.status().message(),
            "/nonexistent/evtrade.csv: No such file or directory");
}

}  // namespace
}  // namespace evtrade::formats

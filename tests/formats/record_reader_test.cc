#include "common/formats/record_reader.h"

#include <zlib.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
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

void WriteGzipFile(const std::string& path, const std::string& text) {
  gzFile out = gzopen(path.c_str(), "wb");
  ASSERT_NE(out, nullptr);
  ASSERT_EQ(gzwrite(out, text.data(), text.size()),
            static_cast<int>(text.size()));
  ASSERT_EQ(gzclose(out), Z_OK);
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
  EXPECT_THAT(r.errors, ElementsAre());
  EXPECT_THAT(r.skipped,
              ElementsAre("3: period: an annual row (period 2021): skipped"));
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
  WriteGzipFile(path, text);

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

// A ByteSource that counts the (decompressed) bytes read through it.
class CountingSource final : public ByteSource {
 public:
  explicit CountingSource(std::unique_ptr<ByteSource> inner)
      : inner_(std::move(inner)) {}
  absl::StatusOr<size_t> Read(char* buffer, size_t size) override {
    absl::StatusOr<size_t> n = inner_->Read(buffer, size);
    if (n.ok()) read_ += *n;
    return n;
  }
  int64_t BytesConsumed() const override { return inner_->BytesConsumed(); }
  int64_t TotalBytes() const override { return inner_->TotalBytes(); }
  const std::string& name() const override { return inner_->name(); }
  int64_t read() const { return read_; }

 private:
  const std::unique_ptr<ByteSource> inner_;
  int64_t read_ = 0;
};

TEST(RecordReaderTest, AGzipThatExpandsToOneEndlessLineIsRefusedEarly) {
  // 64 MiB of 'a' on line 3, compressed to a small file: refused as
  // FILE:3 after reading little more than the 1 MiB row limit.
  const std::string dir = testing::MakeTempDir("record_reader_long");
  const std::string path = dir + "/long.csv.gz";
  gzFile out = gzopen(path.c_str(), "wb");
  ASSERT_NE(out, nullptr);
  const std::string head =
      std::string(kNativeHeader) + "CHN,BEL,X,870380,2022-11,1,1,1,,\n";
  ASSERT_EQ(gzwrite(out, head.data(), head.size()),
            static_cast<int>(head.size()));
  const std::string chunk(1 << 20, 'a');
  for (int i = 0; i < 64; ++i) {
    ASSERT_EQ(gzwrite(out, chunk.data(), chunk.size()),
              static_cast<int>(chunk.size()));
  }
  ASSERT_EQ(gzclose(out), Z_OK);
  EXPECT_LT(std::filesystem::file_size(path), 1u << 20);

  auto file = OpenFileSource(path);
  ASSERT_TRUE(file.ok()) << file.status();
  auto counting = std::make_unique<CountingSource>(*std::move(file));
  const CountingSource* counted = counting.get();
  auto reader = RecordReader::FromSource(std::move(counting));
  ASSERT_TRUE(reader.ok()) << reader.status();
  Result r = ReadAll(**reader);
  EXPECT_THAT(r.record_lines, ElementsAre(2));
  EXPECT_EQ(r.status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status.message(), path + ":3: row longer than 1048576 bytes");
  // The row limit, plus at most the CSV reader's buffer and its look ahead.
  EXPECT_LE(counted->read(), (1 << 20) + 2 * 256 * 1024);
  std::filesystem::remove_all(dir);
}

TEST(RecordReaderTest, AnEndlessHeaderIsRefusedAtOpen) {
  EXPECT_EQ(OpenError("reporter," + std::string(2 << 20, 'x') + "\n").message(),
            "test.csv:1: row longer than 1048576 bytes");
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
            "test.csv:12: unterminated quoted field (no closing quote "
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
      ElementsAre("4: cmdCode: must be a 6-digit HS code, got \"8703\"",
                  "5: cmdCode: must be a 6-digit HS code, got \"TOTAL\"",
                  "6: cmdCode: must be a 6-digit HS code, got \"87\"",
                  "7: flowCode: unknown flow code \"Z\" (expected X, M, RX or "
                  "RM)",
                  "8: primaryValue: empty, expected a number",
                  "9: refYear: not a year: \"20x2\""));
  EXPECT_THAT(
      r.skipped,
      ElementsAre("3: refMonth: an annual row (refMonth 52): skipped",
                  "10: customsCode: a breakdown by customs procedure "
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
            "primaryValue, refYear + refMonth or period), or a Comtrade API "
            "JSON response");
  EXPECT_EQ(OpenError("").message(), "test.csv: empty file, no header");
  EXPECT_EQ(OpenError(kComtradeHeader).code(), absl::StatusCode::kOk);
}

TEST(RecordReaderTest, ForcedFormatAndDelimiter) {
  EXPECT_EQ(OpenError("period;x\n", {InputFormat::kComtrade, ','}).message(),
            "test.csv: missing column \"reporterISO\" or \"reporterCode\" "
            "(comtrade format)");
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

TEST(RecordReaderTest, ComtradeNumericAreaCodes) {
  Result r = ReadString(
      "period,reporterCode,reporterISO,partnerCode,partnerISO,flowCode,"
      "cmdCode,primaryValue\n"
      "202211,842,,251,,X,870380,1\n"          // 2: Comtrade's USA and France
      "202211,699,,0,,M,870380,2\n"            // 3: India, World
      "202211,757,,490,,X,870380,3\n"          // 4: Switzerland, Other Asia nes
      "202211,579, NOR ,156,CHN,X,870380,4\n"  // 5: both, agreeing
      "202211,842,FRA,0,,X,870380,5\n"         // 6: both, disagreeing
      "202211,,,0,W00,X,870380,6\n"            // 7: no reporter at all
      "202211,58,,0,,X,870380,7\n"             // 8: an unknown (old) code
      "202211,156,,x1,,X,870380,8\n"           // 9: not a number
      "202211,58,BEL,0,,X,870380,9\n");        // 10: ISO decides
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_THAT(r.record_lines, ElementsAre(2, 3, 4, 5, 10));
  EXPECT_THAT(
      r.records,
      ElementsAre(Rec("USA", "FRA", v1::FLOW_EXPORT, "870380", 2022, 11, 1)
                      .DebugString(),
                  Rec("IND", "W00", v1::FLOW_IMPORT, "870380", 2022, 11, 2)
                      .DebugString(),
                  Rec("CHE", "S19", v1::FLOW_EXPORT, "870380", 2022, 11, 3)
                      .DebugString(),
                  Rec("NOR", "CHN", v1::FLOW_EXPORT, "870380", 2022, 11, 4)
                      .DebugString(),
                  Rec("BEL", "W00", v1::FLOW_EXPORT, "870380", 2022, 11, 9)
                      .DebugString()));
  EXPECT_THAT(
      r.errors,
      ElementsAre("6: reporterISO: reporterISO \"FRA\" and reporterCode 842 "
                  "(USA) disagree",
                  "7: reporterISO: is required (or a Comtrade code in "
                  "reporterCode)",
                  "8: reporterCode: unknown Comtrade area code 58",
                  "9: partnerCode: not a Comtrade area code: \"x1\""));
}

TEST(RecordReaderTest, ComtradeCodesOnlyHeaderAndSourceColumns) {
  auto reader = FromString(
      "RefYear,RefMonth,ReporterCode,PartnerCode,FlowCode,CmdCode,Qty,"
      "PrimaryValue\n"
      "2022,11,156,56,X,870380,10,100\n");
  ASSERT_NE(reader, nullptr);
  EXPECT_EQ(reader->SourceColumn("reporter"), "ReporterCode");
  EXPECT_EQ(reader->SourceColumn("partner"), "PartnerCode");
  EXPECT_EQ(reader->SourceColumn("value_usd"), "PrimaryValue");
  EXPECT_EQ(reader->SourceColumn("hs_code"), "CmdCode");
  EXPECT_EQ(reader->SourceColumn("period"), "RefYear/RefMonth");
  EXPECT_EQ(reader->SourceColumn("manufacturer"), "manufacturer");
  EXPECT_EQ(reader->Location(7), "test.csv:7");
  Result r = ReadAll(*reader);
  EXPECT_THAT(r.records, ElementsAre(Rec("CHN", "BEL", v1::FLOW_EXPORT,
                                         "870380", 2022, 11, 100, 10)
                                         .DebugString()));
  auto iso = FromString(std::string(kComtradeHeader));
  ASSERT_NE(iso, nullptr);
  EXPECT_EQ(iso->SourceColumn("reporter"), "reporterISO");
  auto native = FromString(std::string(kNativeHeader));
  ASSERT_NE(native, nullptr);
  EXPECT_EQ(native->SourceColumn("reporter"), "reporter");
}

TEST(RecordReaderTest, TrailingDelimiters) {
  // On the data rows only, and on the header and the rows.
  for (const char* header :
       {"period,reporterISO,partnerISO,flowCode,cmdCode,primaryValue\n",
        "period,reporterISO,partnerISO,flowCode,cmdCode,primaryValue,\n"}) {
    Result r = ReadString(std::string(header) +
                          "202211,CHN,BEL,X,870380,5,\n"
                          "202211,CHN,GBR,X,870380,6\n"
                          "202211,CHN,FRA,X,870380,7,8,9\n");
    ASSERT_TRUE(r.status.ok()) << r.status;
    EXPECT_THAT(r.record_lines, ElementsAre(2, 3)) << header;
    EXPECT_THAT(r.errors, ElementsAre(::testing::EndsWith(" fields, got 8")))
        << header;
  }
}

TEST(RecordReaderTest, AnnualRowsAndOtherFlowsAreSkippedByGroup) {
  auto reader = FromString(
      "freqCode,refYear,refMonth,period,reporterISO,partnerISO,flowCode,"
      "cmdCode,primaryValue\n"
      "M,2022,11,202211,CHN,BEL,X,870380,5\n"
      "A,2022,52,2022,CHN,BEL,X,870380,60\n"
      "M,2022,52,2022,CHN,BEL,X,870380,60\n"
      "M,2022,11,202211,CHN,BEL,DX,870380,5\n"
      "M,2022,11,202211,CHN,BEL,fm,870380,5\n"
      "M,2022,11,202211,CHN,BEL,XIP,870380,5\n"
      "M,2022,11,202211,CHN,BEL,QQ,870380,5\n");
  ASSERT_NE(reader, nullptr);
  std::vector<std::string> groups;
  std::vector<std::string> errors;
  for (;;) {
    auto row = reader->Next();
    ASSERT_TRUE(row.ok()) << row.status();
    if (!row->has_value()) break;
    if (auto* e = std::get_if<RowError>(&**row)) {
      (e->kind == RowError::Kind::kSkipped ? groups : errors)
          .push_back(e->kind == RowError::Kind::kSkipped ? e->group
                                                         : e->reason);
    }
  }
  EXPECT_THAT(groups, ElementsAre("annual rows", "annual rows", "flow DX",
                                  "flow FM", "flow XIP"));
  EXPECT_THAT(errors, ElementsAre("unknown flow code \"QQ\" (expected X, M, "
                                  "RX or RM)"));
}

// A response as the API gives it (keys trimmed to those that matter here,
// plus some it has that we ignore), values typed as the API types them.
constexpr char kApiResponse[] =
    R"({"elapsedTime":"0.3 secs","count":5,"data":[)"
    R"({"typeCode":"C","freqCode":"M","refYear":2022,"refMonth":11,)"
    R"("period":"202211","reporterCode":156,"reporterISO":"CHN",)"
    R"("flowCode":"X","partnerCode":56,"partnerISO":"BEL ",)"
    R"("partner2Code":0,"cmdCode":"870380","customsCode":"C00",)"
    R"("mosCode":"0","motCode":0,"qtyUnitCode":5,"qty":45678,)"
    R"("isQtyEstimated":false,"netWgt":82000000.5,"cifvalue":null,)"
    R"("primaryValue":1234567890.5,"isAggregate":false},)"
    "\n"
    R"({"freqCode":"M","refYear":2022,"refMonth":11,"reporterCode":156,)"
    R"("reporterISO":"CHN","flowCode":"X","partnerCode":0,"partnerISO":)"
    R"("W00","cmdCode":"870360","motCode":0,"qtyUnitCode":5,"qty":null,)"
    R"("netWgt":null,"primaryValue":9007199254740993,"isAggregate":true},)"
    R"({"period":"202211","reporterCode":842,"reporterISO":"","flowCode":)"
    R"("M","partnerCode":156,"partnerISO":null,"cmdCode":"870380",)"
    R"("PrimaryValue":2.675E+2,"motCode":2100},)"
    R"({"period":"202211","reporterCode":842,"flowCode":"M","partnerCode":)"
    R"(156,"cmdCode":"870380","primaryValue":true},)"
    R"({"period":"2022","freqCode":"A","reporterCode":842,"flowCode":"M",)"
    R"("partnerCode":156,"cmdCode":"870380","primaryValue":5}],"error":""})";

TEST(RecordReaderTest, ComtradeApiJson) {
  auto reader = RecordReader::FromSource(
      MakeStringSource(kApiResponse, "resp.csv"));  // the name does not matter
  ASSERT_TRUE(reader.ok()) << reader.status();
  EXPECT_TRUE((*reader)->is_json());
  EXPECT_EQ((*reader)->format(), InputFormat::kComtrade);
  Result r = ReadAll(**reader);
  ASSERT_TRUE(r.status.ok()) << r.status;
  // Lines are indexes into "data".
  EXPECT_THAT(r.record_lines, ElementsAre(0, 1));
  EXPECT_THAT(
      r.records,
      ElementsAre(Rec("CHN", "BEL", v1::FLOW_EXPORT, "870380", 2022, 11,
                      1234567891, 45678, 82000001)
                      .DebugString(),
                  // Beyond 2^53: every digit kept, no double in between.
                  Rec("CHN", "W00", v1::FLOW_EXPORT, "870360", 2022, 11,
                      9007199254740993)
                      .DebugString()));
  EXPECT_THAT(r.errors, ElementsAre("3: primaryValue: expected a number or a "
                                    "string, got true"));
  EXPECT_THAT(r.skipped,
              ElementsAre("2: motCode: a breakdown by mode of transport "
                          "(motCode 2100), not a total: skipped",
                          "4: freqCode: an annual row (freqCode A): skipped"));
  EXPECT_EQ((*reader)->Location(3), "resp.csv:data[3]");
  // A name for messages other than the path.
  auto named = RecordReader::FromSource(MakeStringSource(kApiResponse, "x"),
                                        {.name = "call 3"});
  ASSERT_TRUE(named.ok()) << named.status();
  EXPECT_EQ((*named)->Location(3), "call 3:data[3]");
  EXPECT_EQ((*reader)->SourceColumn("reporter"), "reporterISO");
  EXPECT_EQ((*reader)->rows_read(), 5);
}

TEST(RecordReaderTest, ComtradeApiJsonCodesOnlyAndExactDecimals) {
  Result r = ReadString(
      R"({"count":1,"data":[{"period":"202211","reporterCode":842,)"
      R"("flowCode":"M","partnerCode":156,"cmdCode":"870380",)"
      R"("primaryValue":2.675E+2,"qty":0.5,"qtyUnitCode":5}],"error":null})");
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_THAT(r.records, ElementsAre(Rec("USA", "CHN", v1::FLOW_IMPORT,
                                         "870380", 2022, 11, 268, 1)
                                         .DebugString()));
}

TEST(RecordReaderTest, ComtradeApiJsonErrors) {
  // The API's own error: nothing is read.
  Result error = ReadString(
      R"({"elapsedTime":"0 secs","count":0,"error":"Invalid subscription )"
      R"(key","data":[{"period":"202211"}]})");
  EXPECT_EQ(error.status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(error.status.message(),
            "test.csv: the response reports an error: Invalid subscription "
            "key");
  EXPECT_THAT(error.records, ElementsAre());
  // Set after the data: reading fails at the end.
  Result late = ReadString(
      R"({"data":[{"period":"202211","reporterISO":"CHN","partnerISO":"BEL",)"
      R"("flowCode":"X","cmdCode":"870380","primaryValue":1}],)"
      R"("error":"quota exceeded"})");
  EXPECT_EQ(late.records.size(), 1u);
  EXPECT_EQ(late.status.message(),
            "test.csv: the response reports an error: quota exceeded");
  // Cut short, and malformed.
  EXPECT_EQ(
      ReadString(R"({"count":2,"data":[{"period":"202211"},)").status.message(),
      "test.csv: line 1: unexpected end of the document");
  EXPECT_EQ(
      std::string(
          ReadString("{\"data\":[\n{\"period\":202211,}]}").status.message()),
      "test.csv: line 2: data[0]: syntax error while parsing object key - "
      "unexpected '}'; expected string literal");
  EXPECT_EQ(ReadString(R"({"data":[1]})").status.message(),
            "test.csv: line 1: data[0]: not an object");
  EXPECT_EQ(ReadString(R"({"data":[]} x)").status.message(),
            "test.csv: line 1: text after the end of the JSON");
  EXPECT_EQ(ReadString(R"({"count":0})").status.message(),
            "test.csv: line 1: no \"data\" array: not a Comtrade API "
            "response");
  EXPECT_EQ(ReadString(R"({"data":{}})").status.message(),
            "test.csv: line 1: \"data\" is not an array of records");
  EXPECT_EQ(ReadString(R"({"data":[{}] "count":1})").status.message(),
            "test.csv: line 1: expected ',' or '}' after a member");
  // Forcing the native format on JSON says why it cannot be.
  EXPECT_EQ(OpenError("[]", {InputFormat::kNative}).message(),
            "test.csv: JSON input is read as a Comtrade API response, not as "
            "the native format");
  // An empty response and a bare array of records are fine.
  EXPECT_TRUE(ReadString(R"({"count":0,"data":[],"error":""})").status.ok());
  Result bare = ReadString(
      " [{\"period\":\"202211\",\"reporterISO\":\"CHN\",\"partnerISO\":"
      "\"BEL\",\"flowCode\":\"X\",\"cmdCode\":\"870380\",\"primaryValue\""
      ":\"12.5\"}]\n");
  ASSERT_TRUE(bare.status.ok()) << bare.status;
  EXPECT_THAT(bare.records, ElementsAre(Rec("CHN", "BEL", v1::FLOW_EXPORT,
                                            "870380", 2022, 11, 13)
                                            .DebugString()));
}

TEST(RecordReaderTest, GzippedJsonIsDetectedByContent) {
  const std::string dir = testing::MakeTempDir("record_reader_json");
  const std::string path = dir + "/response.bin";
  const std::string text = kApiResponse;
  WriteGzipFile(path, text);
  auto reader = RecordReader::Open(path);
  ASSERT_TRUE(reader.ok()) << reader.status();
  EXPECT_TRUE((*reader)->is_json());
  Result r = ReadAll(**reader);
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_EQ(r.records.size(), 2u);
  std::filesystem::remove_all(dir);
}

// Every shape of the fixture in tests/data/comtrade gives the same five
// records (and skips the same three rows).
TEST(RecordReaderTest, RealShapedFixtures) {
  const std::vector<std::string> expected = {
      Rec("CHN", "BEL", v1::FLOW_EXPORT, "870380", 2022, 11, 1234567891, 45678,
          82000001)
          .DebugString(),
      Rec("CHN", "GBR", v1::FLOW_EXPORT, "870380", 2022, 11, 987654321, 26111,
          47000000)
          .DebugString(),
      Rec("CHN", "W00", v1::FLOW_EXPORT, "870380", 2022, 11, 3210000000, 120000,
          216000000)
          .DebugString(),
      Rec("CHN", "W00", v1::FLOW_EXPORT, "870360", 2022, 11, 401234568)
          .DebugString(),
      Rec("CHN", "USA", v1::FLOW_RE_EXPORT, "870323", 2022, 11, 27000000, 1500,
          2250000)
          .DebugString()};
  for (const char* name :
       {"chn_exports_2022-11.json", "chn_iso_columns.csv", "chn_m49_only.csv",
        "chn_trailing_delimiter.csv", "chn_mixed_case_headers.tsv"}) {
    auto reader = RecordReader::Open(testing::SourceDir() +
                                     "/tests/data/comtrade/" + name);
    ASSERT_TRUE(reader.ok()) << reader.status();
    Result r = ReadAll(**reader);
    ASSERT_TRUE(r.status.ok()) << name << ": " << r.status;
    EXPECT_THAT(r.errors, ElementsAre()) << name;
    EXPECT_EQ(r.records, expected) << name;
    EXPECT_EQ(r.skipped.size(), 3u) << name;
  }
}

}  // namespace
}  // namespace evtrade::formats

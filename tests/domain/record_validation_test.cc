#include "common/domain/record_validation.h"

#include <cstdint>
#include <limits>
#include <optional>
#include <string>

#include "common/domain/bounds.h"
#include "common/util/strings.h"
#include "gtest/gtest.h"

namespace evtrade {
namespace {

v1::TradeRecord Valid() {
  v1::TradeRecord record;
  record.set_reporter("CHN");
  record.set_partner("BEL");
  record.set_flow(v1::FLOW_EXPORT);
  record.set_hs_code("870380");
  record.mutable_period()->set_year(2022);
  record.mutable_period()->set_month(11);
  record.set_value_usd(1'200'000'000);
  record.set_quantity(45'000);
  record.set_net_weight_kg(80'000'000);
  return record;
}

// The error for `record`, as "field: reason", or "" when valid.
std::string ErrorOf(v1::TradeRecord record) {
  std::optional<FieldError> error = NormalizeAndValidate(record);
  return error.has_value() ? error->field + ": " + error->reason : "";
}

TEST(RecordValidationTest, AcceptsValidRecord) {
  EXPECT_EQ(ErrorOf(Valid()), "");
}

TEST(RecordValidationTest, NormalizesCodesAndLabels) {
  v1::TradeRecord record = Valid();
  record.set_reporter(" chn ");
  record.set_partner("wld");
  record.set_hs_code(" 870380 ");
  record.set_manufacturer("  Tesla ");
  record.set_source(" comtrade ");
  EXPECT_EQ(NormalizeAndValidate(record), std::nullopt);
  EXPECT_EQ(record.reporter(), "CHN");
  EXPECT_EQ(record.partner(), "W00");
  EXPECT_EQ(record.hs_code(), "870380");
  EXPECT_EQ(record.manufacturer(), "Tesla");
  EXPECT_EQ(record.source(), "comtrade");
}

TEST(RecordValidationTest, Reporter) {
  v1::TradeRecord record = Valid();
  record.set_reporter("");
  EXPECT_EQ(ErrorOf(record), "reporter: is required");
  record.set_reporter("  ");
  EXPECT_EQ(ErrorOf(record), "reporter: is required");
  record.set_reporter("ZZZ");
  EXPECT_EQ(ErrorOf(record),
            "reporter: unknown country code \"ZZZ\" (ISO 3166-1 alpha-3)");
  record.set_reporter("W00");
  EXPECT_EQ(ErrorOf(record),
            "reporter: must be a country, not the World total W00");
  record.set_reporter("WLD");
  EXPECT_EQ(ErrorOf(record),
            "reporter: must be a country, not the World total W00");
  record.set_reporter("S19");
  EXPECT_EQ(ErrorOf(record),
            "reporter: must be a country, not the special area \"S19\"");
}

TEST(RecordValidationTest, Partner) {
  v1::TradeRecord record = Valid();
  record.set_partner("");
  EXPECT_EQ(ErrorOf(record), "partner: is required");
  record.set_partner("QQQ");
  EXPECT_EQ(ErrorOf(record), "partner: unknown country or area code \"QQQ\"");
  for (const char* ok :
       {"W00", "WLD", "S19", "_X", "X1", "X2", "XX", "E19", "gbr"}) {
    record.set_partner(ok);
    EXPECT_EQ(ErrorOf(record), "") << ok;
  }
}

TEST(RecordValidationTest, Flow) {
  v1::TradeRecord record = Valid();
  record.set_flow(v1::FLOW_UNSPECIFIED);
  EXPECT_EQ(ErrorOf(record),
            "flow: must be specified (export, import, re-export or "
            "re-import)");
  record.set_flow(static_cast<v1::Flow>(9));
  EXPECT_EQ(ErrorOf(record), "flow: unknown flow 9");
  record.set_flow(v1::FLOW_RE_IMPORT);
  EXPECT_EQ(ErrorOf(record), "");
}

TEST(RecordValidationTest, HsCode) {
  v1::TradeRecord record = Valid();
  for (const char* bad : {"", "8703", "87038", "8703800", "8703a0", "87 380"}) {
    record.set_hs_code(bad);
    EXPECT_EQ(ErrorOf(record), std::string("hs_code: must be exactly 6 "
                                           "digits, got \"") +
                                   bad + "\"")
        << bad;
  }
  record.set_hs_code("850760");  // not a vehicle: stored all the same
  EXPECT_EQ(ErrorOf(record), "");
}

TEST(RecordValidationTest, Period) {
  v1::TradeRecord record = Valid();
  record.clear_period();
  EXPECT_EQ(ErrorOf(record), "period: is required");
  record = Valid();
  record.mutable_period()->set_month(13);
  EXPECT_EQ(ErrorOf(record), "period.month: must be 1..12, got 13");
  record.mutable_period()->set_month(52);
  EXPECT_EQ(ErrorOf(record), "period.month: must be 1..12, got 52");
  record.mutable_period()->set_month(0);
  EXPECT_EQ(ErrorOf(record), "period.month: must be 1..12, got 0");
  record.mutable_period()->set_month(12);
  record.mutable_period()->set_year(1949);
  EXPECT_EQ(ErrorOf(record), "period.year: must be 1950..2100, got 1949");
  record.mutable_period()->set_year(2101);
  EXPECT_EQ(ErrorOf(record), "period.year: must be 1950..2100, got 2101");
  record.mutable_period()->set_year(1950);
  EXPECT_EQ(ErrorOf(record), "");
}

TEST(RecordValidationTest, NegativeFigures) {
  v1::TradeRecord record = Valid();
  record.set_value_usd(-1);
  EXPECT_EQ(ErrorOf(record), "value_usd: must be 0..100000000000, got -1");
  record = Valid();
  record.set_quantity(-5);
  EXPECT_EQ(ErrorOf(record), "quantity: must be 0..10000000000, got -5");
  record = Valid();
  record.set_net_weight_kg(-7);
  EXPECT_EQ(ErrorOf(record),
            "net_weight_kg: must be 0..10000000000000, got -7");
  record = Valid();
  record.set_value_usd(0);
  record.set_quantity(0);
  record.set_net_weight_kg(0);
  EXPECT_EQ(ErrorOf(record), "");
}

TEST(RecordValidationTest, FiguresAreBoundedSoNoSumCanOverflow) {
  v1::TradeRecord record = Valid();
  record.set_value_usd(kMaxRecordValueUsd);
  record.set_quantity(kMaxRecordQuantity);
  record.set_net_weight_kg(kMaxRecordNetWeightKg);
  EXPECT_EQ(ErrorOf(record), "");
  record.set_value_usd(kMaxRecordValueUsd + 1);
  EXPECT_EQ(ErrorOf(record),
            "value_usd: must be 0..100000000000, got 100000000001");
  record.set_value_usd(std::numeric_limits<int64_t>::max());
  EXPECT_EQ(ErrorOf(record),
            "value_usd: must be 0..100000000000, got 9223372036854775807");
  record = Valid();
  record.set_quantity(kMaxRecordQuantity + 1);
  EXPECT_EQ(ErrorOf(record),
            "quantity: must be 0..10000000000, got 10000000001");
  record = Valid();
  record.set_net_weight_kg(kMaxRecordNetWeightKg + 1);
  EXPECT_EQ(ErrorOf(record),
            "net_weight_kg: must be 0..10000000000000, got 10000000000001");
}

TEST(RecordValidationTest, TextMustBeUtf8AndWithinItsLimit) {
  v1::TradeRecord record = Valid();
  record.set_manufacturer("M\xc3\xbcller");  // UTF-8
  EXPECT_EQ(ErrorOf(record), "");
  record.set_manufacturer("M\xfcller");  // Latin-1
  EXPECT_EQ(ErrorOf(record), "manufacturer: is not valid UTF-8");
  record = Valid();
  record.set_source("\xed\xa0\x80");  // a UTF-16 surrogate
  EXPECT_EQ(ErrorOf(record), "source: is not valid UTF-8");
  record = Valid();
  record.set_manufacturer(std::string(kMaxManufacturerBytes, 'x'));
  EXPECT_EQ(ErrorOf(record), "");
  record.set_manufacturer(std::string(kMaxManufacturerBytes + 1, 'x'));
  EXPECT_EQ(ErrorOf(record),
            "manufacturer: must be at most 128 bytes, got 129");
  record = Valid();
  record.set_source(std::string(kMaxSourceBytes + 1, 'y'));
  EXPECT_EQ(ErrorOf(record), "source: must be at most 256 bytes, got 257");
}

// A reason quotes at most 40 bytes of what it refuses, cut at a UTF-8
// boundary, and escapes bytes that are not UTF-8, so it can always be sent.
TEST(RecordValidationTest, ReasonsEchoLittleAndOnlyUtf8) {
  v1::TradeRecord record = Valid();
  record.set_reporter(std::string(1 << 20, 'Q'));
  EXPECT_EQ(ErrorOf(record), "reporter: unknown country code \"" +
                                 std::string(40, 'Q') +
                                 "\"... (1048576 bytes) (ISO 3166-1 alpha-3)");
  record = Valid();
  record.set_partner(std::string(39, 'Q') + "\xc3\xbc" + "QQ");
  EXPECT_EQ(ErrorOf(record), "partner: unknown country or area code \"" +
                                 std::string(39, 'Q') + "\"... (43 bytes)");
  record = Valid();
  record.set_hs_code("87\xff");
  const std::string error = ErrorOf(record);
  EXPECT_EQ(error, "hs_code: must be exactly 6 digits, got \"87\\xff\"");
  EXPECT_TRUE(IsValidUtf8(error));
}

TEST(RecordValidationTest, FirstErrorWins) {
  v1::TradeRecord record = Valid();
  record.set_reporter("");
  record.set_value_usd(-1);
  EXPECT_EQ(ErrorOf(record), "reporter: is required");
}

TEST(RecordValidationTest, ToInvalidArgument) {
  const absl::Status status =
      ToInvalidArgument(FieldError{"period.month", "must be 1..12, got 13"});
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "period.month: must be 1..12, got 13");
}

}  // namespace
}  // namespace evtrade

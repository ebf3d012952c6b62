#include "common/domain/record_validation.h"

#include <optional>
#include <string>

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
  EXPECT_EQ(ErrorOf(record), "value_usd: must be >= 0, got -1");
  record = Valid();
  record.set_quantity(-5);
  EXPECT_EQ(ErrorOf(record), "quantity: must be >= 0, got -5");
  record = Valid();
  record.set_net_weight_kg(-7);
  EXPECT_EQ(ErrorOf(record), "net_weight_kg: must be >= 0, got -7");
  record = Valid();
  record.set_value_usd(0);
  record.set_quantity(0);
  record.set_net_weight_kg(0);
  EXPECT_EQ(ErrorOf(record), "");
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

#include <cstdint>
#include <string>
#include <variant>

#include "common/formats/decimal.h"
#include "gtest/gtest.h"

namespace evtrade::formats {
namespace {

int64_t Rounded(const std::string& text) {
  auto parsed = ParseRoundedInt64(text);
  EXPECT_TRUE(std::holds_alternative<int64_t>(parsed))
      << text << ": " << std::get<std::string>(parsed);
  return std::holds_alternative<int64_t>(parsed) ? std::get<int64_t>(parsed)
                                                 : -999;
}

std::string Reason(const std::string& text) {
  auto parsed = ParseRoundedInt64(text);
  EXPECT_TRUE(std::holds_alternative<std::string>(parsed)) << text;
  return std::holds_alternative<std::string>(parsed)
             ? std::get<std::string>(parsed)
             : "";
}

TEST(DecimalRoundTest, Integers) {
  EXPECT_EQ(Rounded("0"), 0);
  EXPECT_EQ(Rounded("1234"), 1234);
  EXPECT_EQ(Rounded("+17"), 17);
  EXPECT_EQ(Rounded("-17"), -17);
  EXPECT_EQ(Rounded("000120"), 120);
  EXPECT_EQ(Rounded("  42 "), 42);
}

TEST(DecimalRoundTest, HalvesRoundAwayFromZero) {
  EXPECT_EQ(Rounded("1234.5"), 1235);
  EXPECT_EQ(Rounded("1234.4999999"), 1234);
  EXPECT_EQ(Rounded("1234.50"), 1235);
  EXPECT_EQ(Rounded("-1234.5"), -1235);
  EXPECT_EQ(Rounded("-1234.49"), -1234);
  EXPECT_EQ(Rounded("0.5"), 1);
  EXPECT_EQ(Rounded("0.49"), 0);
  EXPECT_EQ(Rounded("-0.4"), 0);
  EXPECT_EQ(Rounded(".5"), 1);
  EXPECT_EQ(Rounded("7."), 7);
  // 2.675 is 2.67499999... as a double; as written it rounds up.
  EXPECT_EQ(Rounded("2.675"), 3);
  EXPECT_EQ(Rounded("99.5"), 100);
  EXPECT_EQ(Rounded("0.0000001"), 0);
}

TEST(DecimalRoundTest, ExponentsExactly) {
  EXPECT_EQ(Rounded("1.2E+9"), 1'200'000'000);
  EXPECT_EQ(Rounded("1.2e9"), 1'200'000'000);
  EXPECT_EQ(Rounded("3216400000E0"), 3'216'400'000);
  EXPECT_EQ(Rounded("1.23456789012345678E+17"), 123'456'789'012'345'678);
  EXPECT_EQ(Rounded("12345E-1"), 1235);  // 1234.5
  EXPECT_EQ(Rounded("12344E-1"), 1234);
  EXPECT_EQ(Rounded("5E-1"), 1);
  EXPECT_EQ(Rounded("4.9E-1"), 0);
  EXPECT_EQ(Rounded("1E-400"), 0);
  EXPECT_EQ(Rounded("0E+5000"), 0);
  EXPECT_EQ(Rounded("-2.5E+0"), -3);
}

TEST(DecimalRoundTest, Int64Limits) {
  EXPECT_EQ(Rounded("9223372036854775807"), INT64_MAX);
  EXPECT_EQ(Rounded("9223372036854775806.5"), INT64_MAX);
  EXPECT_EQ(Rounded("-9223372036854775808"), INT64_MIN);
  EXPECT_EQ(Reason("9223372036854775808"),
            "out of range: \"9223372036854775808\"");
  EXPECT_EQ(Reason("9223372036854775807.5"),
            "out of range: \"9223372036854775807.5\"");
  EXPECT_EQ(Reason("1E+19"), "out of range: \"1E+19\"");
  EXPECT_EQ(Reason("1E+999999999999"), "out of range: \"1E+999999999999\"");
}

TEST(DecimalRoundTest, NotNumbers) {
  EXPECT_EQ(Reason(""), "empty, expected a number");
  EXPECT_EQ(Reason("  "), "empty, expected a number");
  EXPECT_EQ(Reason("12a"), "not a number: \"12a\"");
  EXPECT_EQ(Reason("1,234"), "not a number: \"1,234\"");
  EXPECT_EQ(Reason("."), "not a number: \".\"");
  EXPECT_EQ(Reason("-"), "not a number: \"-\"");
  EXPECT_EQ(Reason("1e"), "not a number: \"1e\"");
  EXPECT_EQ(Reason("1e+"), "not a number: \"1e+\"");
  EXPECT_EQ(Reason("NaN"), "not a number: \"NaN\"");
  EXPECT_EQ(Reason("inf"), "not a number: \"inf\"");
  EXPECT_EQ(Reason("0x10"), "not a number: \"0x10\"");
  EXPECT_EQ(Reason("1 2"), "not a number: \"1 2\"");
}

}  // namespace
}  // namespace evtrade::formats

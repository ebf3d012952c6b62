#include "common/domain/areas.h"

#include <optional>
#include <string_view>

#include "gtest/gtest.h"

namespace evtrade {
namespace {

TEST(AreasTest, NormalizeTrimsAndUpperCases) {
  EXPECT_EQ(NormalizeAreaCode(" chn "), "CHN");
  EXPECT_EQ(NormalizeAreaCode("gbr\t"), "GBR");
  EXPECT_EQ(NormalizeAreaCode("BEL"), "BEL");
  EXPECT_EQ(NormalizeAreaCode(""), "");
}

TEST(AreasTest, WldIsAnAliasOfW00) {
  EXPECT_EQ(NormalizeAreaCode("WLD"), "W00");
  EXPECT_EQ(NormalizeAreaCode(" wld"), "W00");
  EXPECT_EQ(NormalizeAreaCode("w00"), "W00");
  EXPECT_EQ(LookupArea("W00"), AreaKind::kWorld);
  EXPECT_EQ(AreaName("W00"), "World");
}

TEST(AreasTest, CountriesAreKnownWithEnglishNames) {
  EXPECT_EQ(LookupArea("CHN"), AreaKind::kCountry);
  EXPECT_EQ(AreaName("CHN"), "China");
  EXPECT_EQ(AreaName("GBR"), "United Kingdom");
  EXPECT_EQ(AreaName("BEL"), "Belgium");
  EXPECT_EQ(AreaName("DEU"), "Germany");
  EXPECT_EQ(AreaName("JPN"), "Japan");
  EXPECT_EQ(AreaName("USA"), "United States");
  EXPECT_EQ(AreaName("KOR"), "South Korea");
  // First and last of the ISO table, and ones added late to it.
  EXPECT_EQ(LookupArea("ABW"), AreaKind::kCountry);
  EXPECT_EQ(LookupArea("ZWE"), AreaKind::kCountry);
  EXPECT_EQ(LookupArea("SSD"), AreaKind::kCountry);
  EXPECT_EQ(LookupArea("BES"), AreaKind::kCountry);
  EXPECT_EQ(LookupArea("TWN"), AreaKind::kCountry);
}

TEST(AreasTest, ComtradeSpecialAreas) {
  EXPECT_EQ(LookupArea("S19"), AreaKind::kSpecialArea);
  EXPECT_EQ(AreaName("S19"), "Other Asia, nes");
  EXPECT_EQ(LookupArea("_X"), AreaKind::kSpecialArea);
  EXPECT_EQ(AreaName("_X"), "Areas, nes");
  EXPECT_EQ(LookupArea("E19"), AreaKind::kSpecialArea);
  EXPECT_EQ(AreaName("E19"), "Other Europe, nes");
  for (std::string_view code : {"X1", "X2", "XX", "F19", "EUR"}) {
    EXPECT_EQ(LookupArea(code), AreaKind::kSpecialArea) << code;
  }
  EXPECT_EQ(NormalizeAreaCode(" s19 "), "S19");
  EXPECT_EQ(NormalizeAreaCode("_x"), "_X");
}

TEST(AreasTest, UnknownCodes) {
  for (std::string_view code :
       {"", "ZZZ", "CH", "CHNA", "chn", "WLD", "123", "ANT"}) {
    EXPECT_EQ(LookupArea(code), std::nullopt) << code;
  }
  EXPECT_EQ(AreaName("ZZZ"), "ZZZ");
}

}  // namespace
}  // namespace evtrade

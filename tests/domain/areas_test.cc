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

TEST(AreasTest, ComtradeNumericCodes) {
  // Comtrade's own codes where its area differs from ISO 3166 numeric.
  EXPECT_EQ(AreaCodeOfM49(842), "USA");
  EXPECT_EQ(AreaCodeOfM49(251), "FRA");
  EXPECT_EQ(AreaCodeOfM49(579), "NOR");
  EXPECT_EQ(AreaCodeOfM49(699), "IND");
  EXPECT_EQ(AreaCodeOfM49(757), "CHE");
  EXPECT_EQ(AreaCodeOfM49(840), std::nullopt);
  // The ISO numeric code everywhere else.
  EXPECT_EQ(AreaCodeOfM49(156), "CHN");
  EXPECT_EQ(AreaCodeOfM49(276), "DEU");
  EXPECT_EQ(AreaCodeOfM49(392), "JPN");
  EXPECT_EQ(AreaCodeOfM49(826), "GBR");
  EXPECT_EQ(AreaCodeOfM49(56), "BEL");
  EXPECT_EQ(AreaCodeOfM49(4), "AFG");
  EXPECT_EQ(AreaCodeOfM49(894), "ZMB");
  // World and the special areas.
  EXPECT_EQ(AreaCodeOfM49(0), "W00");
  EXPECT_EQ(AreaCodeOfM49(490), "S19");
  EXPECT_EQ(AreaCodeOfM49(899), "_X");
  EXPECT_EQ(AreaCodeOfM49(837), "X1");
  EXPECT_EQ(AreaCodeOfM49(97), "EUR");
  EXPECT_EQ(AreaCodeOfM49(-1), std::nullopt);
  EXPECT_EQ(AreaCodeOfM49(1000), std::nullopt);
  EXPECT_EQ(AreaCodeOfM49(58), std::nullopt);  // Belgium-Luxembourg, gone
  EXPECT_EQ(M49OfArea("USA"), 842);
  EXPECT_EQ(M49OfArea("CHN"), 156);
  EXPECT_EQ(M49OfArea("W00"), 0);
  EXPECT_EQ(M49OfArea("ZZZ"), std::nullopt);
}

}  // namespace
}  // namespace evtrade

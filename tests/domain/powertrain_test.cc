#include "common/domain/powertrain.h"

#include <string_view>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace evtrade {
namespace {

using ::testing::ElementsAre;

TEST(PowertrainTest, EveryTableCodeHasItsClass) {
  EXPECT_EQ(ClassifyHsCode("870380"), PowertrainClass::kBev);
  EXPECT_EQ(ClassifyHsCode("870360"), PowertrainClass::kPhev);
  EXPECT_EQ(ClassifyHsCode("870370"), PowertrainClass::kPhev);
  EXPECT_EQ(ClassifyHsCode("870340"), PowertrainClass::kHev);
  EXPECT_EQ(ClassifyHsCode("870350"), PowertrainClass::kHev);
  for (std::string_view ice :
       {"870321", "870322", "870323", "870324", "870331", "870332", "870333"}) {
    EXPECT_EQ(ClassifyHsCode(ice), PowertrainClass::kIce) << ice;
  }
  EXPECT_EQ(ClassifyHsCode("870310"), PowertrainClass::kOther);
  EXPECT_EQ(ClassifyHsCode("870390"), PowertrainClass::kOther);
}

TEST(PowertrainTest, OtherCodesAreNotVehicles) {
  for (std::string_view code : {"870320", "870330", "870399", "870400",
                                "870000", "850760", "8703", "", "87038"}) {
    EXPECT_EQ(ClassifyHsCode(code), PowertrainClass::kNotVehicle) << code;
  }
}

TEST(PowertrainTest, HsCodesOfEachPowertrain) {
  EXPECT_THAT(HsCodesOf(v1::POWERTRAIN_BEV), ElementsAre("870380"));
  EXPECT_THAT(HsCodesOf(v1::POWERTRAIN_PHEV), ElementsAre("870360", "870370"));
  EXPECT_THAT(HsCodesOf(v1::POWERTRAIN_ELECTRIC),
              ElementsAre("870360", "870370", "870380"));
  EXPECT_THAT(HsCodesOf(v1::POWERTRAIN_HEV), ElementsAre("870340", "870350"));
  EXPECT_THAT(HsCodesOf(v1::POWERTRAIN_ICE),
              ElementsAre("870321", "870322", "870323", "870324", "870331",
                          "870332", "870333"));
  EXPECT_THAT(HsCodesOf(v1::POWERTRAIN_OTHER), ElementsAre("870310", "870390"));
  const std::vector<std::string_view> all = HsCodesOf(v1::POWERTRAIN_ALL);
  EXPECT_EQ(all.size(), 14u);
  EXPECT_EQ(all.front(), "870310");
  EXPECT_EQ(all.back(), "870390");
  EXPECT_EQ(HsCodesOf(v1::POWERTRAIN_UNSPECIFIED), all);
}

TEST(PowertrainTest, ClassesOfEachPowertrain) {
  EXPECT_THAT(ClassesOf(v1::POWERTRAIN_ELECTRIC),
              ElementsAre(PowertrainClass::kBev, PowertrainClass::kPhev));
  EXPECT_THAT(ClassesOf(v1::POWERTRAIN_ICE),
              ElementsAre(PowertrainClass::kIce));
  EXPECT_THAT(ClassesOf(v1::POWERTRAIN_ALL),
              ElementsAre(PowertrainClass::kBev, PowertrainClass::kPhev,
                          PowertrainClass::kHev, PowertrainClass::kIce,
                          PowertrainClass::kOther));
  EXPECT_THAT(ClassesOf(v1::POWERTRAIN_UNSPECIFIED),
              ElementsAre(PowertrainClass::kBev, PowertrainClass::kPhev,
                          PowertrainClass::kHev, PowertrainClass::kIce,
                          PowertrainClass::kOther));
}

TEST(PowertrainTest, SinglePowertrainsAndTheirClasses) {
  EXPECT_THAT(
      SinglePowertrains(),
      ElementsAre(v1::POWERTRAIN_BEV, v1::POWERTRAIN_PHEV, v1::POWERTRAIN_HEV,
                  v1::POWERTRAIN_ICE, v1::POWERTRAIN_OTHER));
  EXPECT_EQ(ToPowertrain(PowertrainClass::kBev), v1::POWERTRAIN_BEV);
  EXPECT_EQ(ToPowertrain(PowertrainClass::kPhev), v1::POWERTRAIN_PHEV);
  EXPECT_EQ(ToPowertrain(PowertrainClass::kHev), v1::POWERTRAIN_HEV);
  EXPECT_EQ(ToPowertrain(PowertrainClass::kIce), v1::POWERTRAIN_ICE);
  EXPECT_EQ(ToPowertrain(PowertrainClass::kOther), v1::POWERTRAIN_OTHER);
  EXPECT_EQ(ToPowertrain(PowertrainClass::kNotVehicle),
            v1::POWERTRAIN_UNSPECIFIED);
}

TEST(PowertrainTest, StoredClassNumbersNeverChange) {
  // The store's rollups hold these numbers.
  EXPECT_EQ(static_cast<int>(PowertrainClass::kNotVehicle), 0);
  EXPECT_EQ(static_cast<int>(PowertrainClass::kBev), 1);
  EXPECT_EQ(static_cast<int>(PowertrainClass::kPhev), 2);
  EXPECT_EQ(static_cast<int>(PowertrainClass::kHev), 3);
  EXPECT_EQ(static_cast<int>(PowertrainClass::kIce), 4);
  EXPECT_EQ(static_cast<int>(PowertrainClass::kOther), 5);
}

TEST(PowertrainTest, Nouns) {
  EXPECT_EQ(PowertrainNoun(v1::POWERTRAIN_ELECTRIC), "electric");
  EXPECT_EQ(PowertrainNoun(v1::POWERTRAIN_BEV), "battery electric");
  EXPECT_EQ(PowertrainNoun(v1::POWERTRAIN_ALL), "all vehicle");
  EXPECT_EQ(PowertrainNoun(v1::POWERTRAIN_UNSPECIFIED), "all vehicle");
}

}  // namespace
}  // namespace evtrade

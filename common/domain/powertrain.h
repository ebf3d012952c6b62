// Which powertrain an HS code counts in: a data table, not code branches.
#ifndef EVTRADE_COMMON_DOMAIN_POWERTRAIN_H_
#define EVTRADE_COMMON_DOMAIN_POWERTRAIN_H_

#include <span>
#include <string_view>
#include <vector>

#include "evtrade/v1/common.pb.h"

namespace evtrade {

// The disjoint classes an HS code falls in. Stored as integers in the
// store's rollups: never renumber.
enum class PowertrainClass : int {
  kNotVehicle = 0,  // not an HS 8703 code
  kBev = 1,
  kPhev = 2,
  kHev = 3,
  kIce = 4,
  kOther = 5,
};

// The class of a 6-digit HS code (kNotVehicle for codes outside the table).
PowertrainClass ClassifyHsCode(std::string_view hs_code);

// The classes a requested powertrain sums; UNSPECIFIED means ALL.
std::span<const PowertrainClass> ClassesOf(v1::Powertrain powertrain);

// The HS codes a requested powertrain sums, ascending; UNSPECIFIED = ALL.
std::vector<std::string_view> HsCodesOf(v1::Powertrain powertrain);

// The single-class powertrains, in report order: BEV, PHEV, HEV, ICE, OTHER.
std::span<const v1::Powertrain> SinglePowertrains();

// The enum of a single class (kNotVehicle -> UNSPECIFIED).
v1::Powertrain ToPowertrain(PowertrainClass cls);

// "electric", "battery electric", "all vehicle", ... for headlines.
std::string_view PowertrainNoun(v1::Powertrain powertrain);

}  // namespace evtrade

#endif  // EVTRADE_COMMON_DOMAIN_POWERTRAIN_H_

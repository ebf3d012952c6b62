#include "common/domain/powertrain.h"

#include <algorithm>
#include <array>
#include <string_view>
#include <vector>

#include "common/domain/bounds.h"

namespace evtrade {
namespace {

struct HsPowertrain {
  std::string_view hs_code;
  PowertrainClass cls;
};

// The HS 8703 codes of passenger vehicles (HS2017/HS2022 wording), sorted by
// code. docs/methodology.md's powertrain table; nothing else decides a
// powertrain.
constexpr std::array<HsPowertrain, 14> kHsTable = {{
    {"870310", PowertrainClass::kOther},  // snow and golf vehicles
    {"870321", PowertrainClass::kIce},    // petrol, <= 1000 cc
    {"870322", PowertrainClass::kIce},    // petrol, 1000-1500 cc
    {"870323", PowertrainClass::kIce},    // petrol, 1500-3000 cc
    {"870324", PowertrainClass::kIce},    // petrol, > 3000 cc
    {"870331", PowertrainClass::kIce},    // diesel, <= 1500 cc
    {"870332", PowertrainClass::kIce},    // diesel, 1500-2500 cc
    {"870333", PowertrainClass::kIce},    // diesel, > 2500 cc
    {"870340", PowertrainClass::kHev},    // petrol + electric, not plug-in
    {"870350", PowertrainClass::kHev},    // diesel + electric, not plug-in
    {"870360", PowertrainClass::kPhev},   // petrol + electric, plug-in
    {"870370", PowertrainClass::kPhev},   // diesel + electric, plug-in
    {"870380", PowertrainClass::kBev},    // electric motor only
    {"870390", PowertrainClass::kOther},  // other
}};

// bounds.h proves that sums fit in int64 for at most this many codes.
static_assert(kHsTable.size() <= kMaxVehicleHsCodes);

constexpr std::array<PowertrainClass, 5> kAllClasses = {
    PowertrainClass::kBev, PowertrainClass::kPhev, PowertrainClass::kHev,
    PowertrainClass::kIce, PowertrainClass::kOther};
constexpr std::array<PowertrainClass, 2> kElectricClasses = {
    PowertrainClass::kBev, PowertrainClass::kPhev};
constexpr std::array<PowertrainClass, 1> kBevClass = {PowertrainClass::kBev};
constexpr std::array<PowertrainClass, 1> kPhevClass = {PowertrainClass::kPhev};
constexpr std::array<PowertrainClass, 1> kHevClass = {PowertrainClass::kHev};
constexpr std::array<PowertrainClass, 1> kIceClass = {PowertrainClass::kIce};
constexpr std::array<PowertrainClass, 1> kOtherClass = {
    PowertrainClass::kOther};

constexpr std::array<v1::Powertrain, 5> kSingle = {
    v1::POWERTRAIN_BEV, v1::POWERTRAIN_PHEV, v1::POWERTRAIN_HEV,
    v1::POWERTRAIN_ICE, v1::POWERTRAIN_OTHER};

}  // namespace

PowertrainClass ClassifyHsCode(std::string_view hs_code) {
  const auto it =
      std::lower_bound(kHsTable.begin(), kHsTable.end(), hs_code,
                       [](const HsPowertrain& row, std::string_view code) {
                         return row.hs_code < code;
                       });
  if (it == kHsTable.end() || it->hs_code != hs_code) {
    return PowertrainClass::kNotVehicle;
  }
  return it->cls;
}

std::span<const PowertrainClass> ClassesOf(v1::Powertrain powertrain) {
  switch (powertrain) {
    case v1::POWERTRAIN_ELECTRIC:
      return kElectricClasses;
    case v1::POWERTRAIN_BEV:
      return kBevClass;
    case v1::POWERTRAIN_PHEV:
      return kPhevClass;
    case v1::POWERTRAIN_HEV:
      return kHevClass;
    case v1::POWERTRAIN_ICE:
      return kIceClass;
    case v1::POWERTRAIN_OTHER:
      return kOtherClass;
    default:  // UNSPECIFIED and ALL
      return kAllClasses;
  }
}

std::vector<std::string_view> HsCodesOf(v1::Powertrain powertrain) {
  const std::span<const PowertrainClass> classes = ClassesOf(powertrain);
  std::vector<std::string_view> codes;
  for (const HsPowertrain& row : kHsTable) {
    if (std::find(classes.begin(), classes.end(), row.cls) != classes.end()) {
      codes.push_back(row.hs_code);
    }
  }
  return codes;  // ascending, as kHsTable is sorted
}

std::span<const v1::Powertrain> SinglePowertrains() { return kSingle; }

v1::Powertrain ToPowertrain(PowertrainClass cls) {
  switch (cls) {
    case PowertrainClass::kBev:
      return v1::POWERTRAIN_BEV;
    case PowertrainClass::kPhev:
      return v1::POWERTRAIN_PHEV;
    case PowertrainClass::kHev:
      return v1::POWERTRAIN_HEV;
    case PowertrainClass::kIce:
      return v1::POWERTRAIN_ICE;
    case PowertrainClass::kOther:
      return v1::POWERTRAIN_OTHER;
    case PowertrainClass::kNotVehicle:
      break;
  }
  return v1::POWERTRAIN_UNSPECIFIED;
}

std::string_view PowertrainNoun(v1::Powertrain powertrain) {
  switch (powertrain) {
    case v1::POWERTRAIN_ELECTRIC:
      return "electric";
    case v1::POWERTRAIN_BEV:
      return "battery electric";
    case v1::POWERTRAIN_PHEV:
      return "plug-in hybrid";
    case v1::POWERTRAIN_HEV:
      return "hybrid";
    case v1::POWERTRAIN_ICE:
      return "combustion engine";
    case v1::POWERTRAIN_OTHER:
      return "other";
    default:  // UNSPECIFIED and ALL
      return "all vehicle";
  }
}

}  // namespace evtrade

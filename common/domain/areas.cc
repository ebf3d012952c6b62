#include "common/domain/areas.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/domain/bounds.h"
#include "common/util/strings.h"

namespace evtrade {
namespace {

struct Area {
  std::string_view code;
  std::string_view name;
  AreaKind kind;
  // UN Comtrade's numeric code (M49 as Comtrade uses it): the ISO 3166-1
  // numeric code except where Comtrade's area differs from ISO's (842 USA,
  // 251 France, 579 Norway, 699 India, 757 Switzerland), and Comtrade's own
  // codes for World (0) and the special areas.
  int m49;
};

constexpr AreaKind kC = AreaKind::kCountry;
constexpr AreaKind kS = AreaKind::kSpecialArea;

// ISO 3166-1 alpha-3 (all 249 officially assigned codes, English short
// names as used in headlines), the World aggregate W00, and the Comtrade
// special/group areas that appear as partners in Comtrade files, each with
// its Comtrade numeric code. Sorted by code (byte order: '_' sorts after the
// letters), checked at compile time, as is that no numeric code repeats.
constexpr std::array kAreas = std::to_array<Area>({
    {"ABW", "Aruba", kC, 533},
    {"AFG", "Afghanistan", kC, 4},
    {"AGO", "Angola", kC, 24},
    {"AIA", "Anguilla", kC, 660},
    {"ALA", "Åland Islands", kC, 248},
    {"ALB", "Albania", kC, 8},
    {"AND", "Andorra", kC, 20},
    {"ARE", "United Arab Emirates", kC, 784},
    {"ARG", "Argentina", kC, 32},
    {"ARM", "Armenia", kC, 51},
    {"ASM", "American Samoa", kC, 16},
    {"ATA", "Antarctica", kC, 10},
    {"ATF", "French Southern Territories", kC, 260},
    {"ATG", "Antigua and Barbuda", kC, 28},
    {"AUS", "Australia", kC, 36},
    {"AUT", "Austria", kC, 40},
    {"AZE", "Azerbaijan", kC, 31},
    {"BDI", "Burundi", kC, 108},
    {"BEL", "Belgium", kC, 56},
    {"BEN", "Benin", kC, 204},
    {"BES", "Bonaire, Sint Eustatius and Saba", kC, 535},
    {"BFA", "Burkina Faso", kC, 854},
    {"BGD", "Bangladesh", kC, 50},
    {"BGR", "Bulgaria", kC, 100},
    {"BHR", "Bahrain", kC, 48},
    {"BHS", "Bahamas", kC, 44},
    {"BIH", "Bosnia and Herzegovina", kC, 70},
    {"BLM", "Saint Barthélemy", kC, 652},
    {"BLR", "Belarus", kC, 112},
    {"BLZ", "Belize", kC, 84},
    {"BMU", "Bermuda", kC, 60},
    {"BOL", "Bolivia", kC, 68},
    {"BRA", "Brazil", kC, 76},
    {"BRB", "Barbados", kC, 52},
    {"BRN", "Brunei", kC, 96},
    {"BTN", "Bhutan", kC, 64},
    {"BVT", "Bouvet Island", kC, 74},
    {"BWA", "Botswana", kC, 72},
    {"CAF", "Central African Republic", kC, 140},
    {"CAN", "Canada", kC, 124},
    {"CCK", "Cocos (Keeling) Islands", kC, 166},
    {"CHE", "Switzerland", kC, 757},
    {"CHL", "Chile", kC, 152},
    {"CHN", "China", kC, 156},
    {"CIV", "Côte d'Ivoire", kC, 384},
    {"CMR", "Cameroon", kC, 120},
    {"COD", "Democratic Republic of the Congo", kC, 180},
    {"COG", "Congo", kC, 178},
    {"COK", "Cook Islands", kC, 184},
    {"COL", "Colombia", kC, 170},
    {"COM", "Comoros", kC, 174},
    {"CPV", "Cabo Verde", kC, 132},
    {"CRI", "Costa Rica", kC, 188},
    {"CUB", "Cuba", kC, 192},
    {"CUW", "Curaçao", kC, 531},
    {"CXR", "Christmas Island", kC, 162},
    {"CYM", "Cayman Islands", kC, 136},
    {"CYP", "Cyprus", kC, 196},
    {"CZE", "Czechia", kC, 203},
    {"DEU", "Germany", kC, 276},
    {"DJI", "Djibouti", kC, 262},
    {"DMA", "Dominica", kC, 212},
    {"DNK", "Denmark", kC, 208},
    {"DOM", "Dominican Republic", kC, 214},
    {"DZA", "Algeria", kC, 12},
    {"E19", "Other Europe, nes", kS, 568},
    {"ECU", "Ecuador", kC, 218},
    {"EGY", "Egypt", kC, 818},
    {"ERI", "Eritrea", kC, 232},
    {"ESH", "Western Sahara", kC, 732},
    {"ESP", "Spain", kC, 724},
    {"EST", "Estonia", kC, 233},
    {"ETH", "Ethiopia", kC, 231},
    {"EUR", "European Union", kS, 97},
    {"F19", "Other Africa, nes", kS, 577},
    {"FIN", "Finland", kC, 246},
    {"FJI", "Fiji", kC, 242},
    {"FLK", "Falkland Islands (Malvinas)", kC, 238},
    {"FRA", "France", kC, 251},
    {"FRO", "Faroe Islands", kC, 234},
    {"FSM", "Micronesia", kC, 583},
    {"GAB", "Gabon", kC, 266},
    {"GBR", "United Kingdom", kC, 826},
    {"GEO", "Georgia", kC, 268},
    {"GGY", "Guernsey", kC, 831},
    {"GHA", "Ghana", kC, 288},
    {"GIB", "Gibraltar", kC, 292},
    {"GIN", "Guinea", kC, 324},
    {"GLP", "Guadeloupe", kC, 312},
    {"GMB", "Gambia", kC, 270},
    {"GNB", "Guinea-Bissau", kC, 624},
    {"GNQ", "Equatorial Guinea", kC, 226},
    {"GRC", "Greece", kC, 300},
    {"GRD", "Grenada", kC, 308},
    {"GRL", "Greenland", kC, 304},
    {"GTM", "Guatemala", kC, 320},
    {"GUF", "French Guiana", kC, 254},
    {"GUM", "Guam", kC, 316},
    {"GUY", "Guyana", kC, 328},
    {"HKG", "Hong Kong", kC, 344},
    {"HMD", "Heard Island and McDonald Islands", kC, 334},
    {"HND", "Honduras", kC, 340},
    {"HRV", "Croatia", kC, 191},
    {"HTI", "Haiti", kC, 332},
    {"HUN", "Hungary", kC, 348},
    {"IDN", "Indonesia", kC, 360},
    {"IMN", "Isle of Man", kC, 833},
    {"IND", "India", kC, 699},
    {"IOT", "British Indian Ocean Territory", kC, 86},
    {"IRL", "Ireland", kC, 372},
    {"IRN", "Iran", kC, 364},
    {"IRQ", "Iraq", kC, 368},
    {"ISL", "Iceland", kC, 352},
    {"ISR", "Israel", kC, 376},
    {"ITA", "Italy", kC, 380},
    {"JAM", "Jamaica", kC, 388},
    {"JEY", "Jersey", kC, 832},
    {"JOR", "Jordan", kC, 400},
    {"JPN", "Japan", kC, 392},
    {"KAZ", "Kazakhstan", kC, 398},
    {"KEN", "Kenya", kC, 404},
    {"KGZ", "Kyrgyzstan", kC, 417},
    {"KHM", "Cambodia", kC, 116},
    {"KIR", "Kiribati", kC, 296},
    {"KNA", "Saint Kitts and Nevis", kC, 659},
    {"KOR", "South Korea", kC, 410},
    {"KWT", "Kuwait", kC, 414},
    {"LAO", "Laos", kC, 418},
    {"LBN", "Lebanon", kC, 422},
    {"LBR", "Liberia", kC, 430},
    {"LBY", "Libya", kC, 434},
    {"LCA", "Saint Lucia", kC, 662},
    {"LIE", "Liechtenstein", kC, 438},
    {"LKA", "Sri Lanka", kC, 144},
    {"LSO", "Lesotho", kC, 426},
    {"LTU", "Lithuania", kC, 440},
    {"LUX", "Luxembourg", kC, 442},
    {"LVA", "Latvia", kC, 428},
    {"MAC", "Macao", kC, 446},
    {"MAF", "Saint Martin (French part)", kC, 663},
    {"MAR", "Morocco", kC, 504},
    {"MCO", "Monaco", kC, 492},
    {"MDA", "Moldova", kC, 498},
    {"MDG", "Madagascar", kC, 450},
    {"MDV", "Maldives", kC, 462},
    {"MEX", "Mexico", kC, 484},
    {"MHL", "Marshall Islands", kC, 584},
    {"MKD", "North Macedonia", kC, 807},
    {"MLI", "Mali", kC, 466},
    {"MLT", "Malta", kC, 470},
    {"MMR", "Myanmar", kC, 104},
    {"MNE", "Montenegro", kC, 499},
    {"MNG", "Mongolia", kC, 496},
    {"MNP", "Northern Mariana Islands", kC, 580},
    {"MOZ", "Mozambique", kC, 508},
    {"MRT", "Mauritania", kC, 478},
    {"MSR", "Montserrat", kC, 500},
    {"MTQ", "Martinique", kC, 474},
    {"MUS", "Mauritius", kC, 480},
    {"MWI", "Malawi", kC, 454},
    {"MYS", "Malaysia", kC, 458},
    {"MYT", "Mayotte", kC, 175},
    {"NAM", "Namibia", kC, 516},
    {"NCL", "New Caledonia", kC, 540},
    {"NER", "Niger", kC, 562},
    {"NFK", "Norfolk Island", kC, 574},
    {"NGA", "Nigeria", kC, 566},
    {"NIC", "Nicaragua", kC, 558},
    {"NIU", "Niue", kC, 570},
    {"NLD", "Netherlands", kC, 528},
    {"NOR", "Norway", kC, 579},
    {"NPL", "Nepal", kC, 524},
    {"NRU", "Nauru", kC, 520},
    {"NZL", "New Zealand", kC, 554},
    {"OMN", "Oman", kC, 512},
    {"PAK", "Pakistan", kC, 586},
    {"PAN", "Panama", kC, 591},
    {"PCN", "Pitcairn", kC, 612},
    {"PER", "Peru", kC, 604},
    {"PHL", "Philippines", kC, 608},
    {"PLW", "Palau", kC, 585},
    {"PNG", "Papua New Guinea", kC, 598},
    {"POL", "Poland", kC, 616},
    {"PRI", "Puerto Rico", kC, 630},
    {"PRK", "North Korea", kC, 408},
    {"PRT", "Portugal", kC, 620},
    {"PRY", "Paraguay", kC, 600},
    {"PSE", "Palestine", kC, 275},
    {"PYF", "French Polynesia", kC, 258},
    {"QAT", "Qatar", kC, 634},
    {"REU", "Réunion", kC, 638},
    {"ROU", "Romania", kC, 642},
    {"RUS", "Russia", kC, 643},
    {"RWA", "Rwanda", kC, 646},
    {"S19", "Other Asia, nes", kS, 490},
    {"SAU", "Saudi Arabia", kC, 682},
    {"SDN", "Sudan", kC, 729},
    {"SEN", "Senegal", kC, 686},
    {"SGP", "Singapore", kC, 702},
    {"SGS", "South Georgia and the South Sandwich Islands", kC, 239},
    {"SHN", "Saint Helena, Ascension and Tristan da Cunha", kC, 654},
    {"SJM", "Svalbard and Jan Mayen", kC, 744},
    {"SLB", "Solomon Islands", kC, 90},
    {"SLE", "Sierra Leone", kC, 694},
    {"SLV", "El Salvador", kC, 222},
    {"SMR", "San Marino", kC, 674},
    {"SOM", "Somalia", kC, 706},
    {"SPM", "Saint Pierre and Miquelon", kC, 666},
    {"SRB", "Serbia", kC, 688},
    {"SSD", "South Sudan", kC, 728},
    {"STP", "Sao Tome and Principe", kC, 678},
    {"SUR", "Suriname", kC, 740},
    {"SVK", "Slovakia", kC, 703},
    {"SVN", "Slovenia", kC, 705},
    {"SWE", "Sweden", kC, 752},
    {"SWZ", "Eswatini", kC, 748},
    {"SXM", "Sint Maarten (Dutch part)", kC, 534},
    {"SYC", "Seychelles", kC, 690},
    {"SYR", "Syria", kC, 760},
    {"TCA", "Turks and Caicos Islands", kC, 796},
    {"TCD", "Chad", kC, 148},
    {"TGO", "Togo", kC, 768},
    {"THA", "Thailand", kC, 764},
    {"TJK", "Tajikistan", kC, 762},
    {"TKL", "Tokelau", kC, 772},
    {"TKM", "Turkmenistan", kC, 795},
    {"TLS", "Timor-Leste", kC, 626},
    {"TON", "Tonga", kC, 776},
    {"TTO", "Trinidad and Tobago", kC, 780},
    {"TUN", "Tunisia", kC, 788},
    {"TUR", "Türkiye", kC, 792},
    {"TUV", "Tuvalu", kC, 798},
    {"TWN", "Taiwan", kC, 158},
    {"TZA", "Tanzania", kC, 834},
    {"UGA", "Uganda", kC, 800},
    {"UKR", "Ukraine", kC, 804},
    {"UMI", "United States Minor Outlying Islands", kC, 581},
    {"URY", "Uruguay", kC, 858},
    {"USA", "United States", kC, 842},
    {"UZB", "Uzbekistan", kC, 860},
    {"VAT", "Holy See", kC, 336},
    {"VCT", "Saint Vincent and the Grenadines", kC, 670},
    {"VEN", "Venezuela", kC, 862},
    {"VGB", "British Virgin Islands", kC, 92},
    {"VIR", "United States Virgin Islands", kC, 850},
    {"VNM", "Vietnam", kC, 704},
    {"VUT", "Vanuatu", kC, 548},
    {"W00", "World", AreaKind::kWorld, 0},
    {"WLF", "Wallis and Futuna", kC, 876},
    {"WSM", "Samoa", kC, 882},
    {"X1", "Bunkers", kS, 837},
    {"X2", "Free Zones", kS, 838},
    {"XX", "Special Categories", kS, 839},
    {"YEM", "Yemen", kC, 887},
    {"ZAF", "South Africa", kC, 710},
    {"ZMB", "Zambia", kC, 894},
    {"ZWE", "Zimbabwe", kC, 716},
    {"_X", "Areas, nes", kS, 899},
});

constexpr bool CodesAscending() {
  for (size_t i = 1; i < kAreas.size(); ++i) {
    if (!(kAreas[i - 1].code < kAreas[i].code)) return false;
  }
  return true;
}
static_assert(CodesAscending(), "kAreas must be sorted by code, no repeats");
// bounds.h proves that sums fit in int64 for at most this many areas.
static_assert(kAreas.size() <= kMaxAreaCodes);

constexpr size_t CountCountries() {
  size_t n = 0;
  for (const Area& area : kAreas) n += area.kind == AreaKind::kCountry;
  return n;
}
static_assert(CountCountries() == 249, "ISO 3166-1 assigns 249 alpha-3 codes");

constexpr int kM49Limit = 1000;  // codes are 0..999

// Index into kAreas by numeric code; -1 where no area has the code.
constexpr std::array<int16_t, kM49Limit> BuildM49Index() {
  std::array<int16_t, kM49Limit> index{};
  index.fill(-1);
  for (size_t i = 0; i < kAreas.size(); ++i) {
    index[kAreas[i].m49] = static_cast<int16_t>(i);
  }
  return index;
}
constexpr std::array<int16_t, kM49Limit> kM49Index = BuildM49Index();

constexpr bool M49CodesUnique() {
  size_t indexed = 0;
  for (int16_t i : kM49Index) indexed += i >= 0;
  for (const Area& area : kAreas) {
    if (area.m49 < 0 || area.m49 >= kM49Limit) return false;
  }
  return indexed == kAreas.size();
}
static_assert(M49CodesUnique(), "every area needs its own code in 0..999");

const Area* Find(std::string_view code) {
  const auto it = std::lower_bound(
      kAreas.begin(), kAreas.end(), code,
      [](const Area& area, std::string_view c) { return area.code < c; });
  if (it == kAreas.end() || it->code != code) return nullptr;
  return &*it;
}

}  // namespace

std::string NormalizeAreaCode(std::string_view code) {
  std::string out = AsciiUpper(StripAscii(code));
  if (out == "WLD") out = std::string(kWorldCode);
  return out;
}

std::optional<AreaKind> LookupArea(std::string_view normalized_code) {
  const Area* area = Find(normalized_code);
  if (area == nullptr) return std::nullopt;
  return area->kind;
}

std::optional<std::string_view> AreaCodeOfM49(int64_t m49) {
  if (m49 < 0 || m49 >= kM49Limit || kM49Index[m49] < 0) return std::nullopt;
  return kAreas[kM49Index[m49]].code;
}

std::optional<int> M49OfArea(std::string_view normalized_code) {
  const Area* area = Find(normalized_code);
  if (area == nullptr) return std::nullopt;
  return area->m49;
}

std::string_view AreaName(std::string_view normalized_code) {
  const Area* area = Find(normalized_code);
  return area == nullptr ? normalized_code : area->name;
}

}  // namespace evtrade

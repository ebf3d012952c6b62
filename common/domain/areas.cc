#include "common/domain/areas.h"

#include <algorithm>
#include <array>
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
};

constexpr AreaKind kC = AreaKind::kCountry;
constexpr AreaKind kS = AreaKind::kSpecialArea;

// ISO 3166-1 alpha-3 (all 249 officially assigned codes, English short
// names as used in headlines), the World aggregate W00, and the Comtrade
// special/group areas that appear as partners in Comtrade files. Sorted by
// code (byte order: '_' sorts after the letters), checked at compile time.
constexpr std::array kAreas = std::to_array<Area>({
    {"ABW", "Aruba", kC},
    {"AFG", "Afghanistan", kC},
    {"AGO", "Angola", kC},
    {"AIA", "Anguilla", kC},
    {"ALA", "Åland Islands", kC},
    {"ALB", "Albania", kC},
    {"AND", "Andorra", kC},
    {"ARE", "United Arab Emirates", kC},
    {"ARG", "Argentina", kC},
    {"ARM", "Armenia", kC},
    {"ASM", "American Samoa", kC},
    {"ATA", "Antarctica", kC},
    {"ATF", "French Southern Territories", kC},
    {"ATG", "Antigua and Barbuda", kC},
    {"AUS", "Australia", kC},
    {"AUT", "Austria", kC},
    {"AZE", "Azerbaijan", kC},
    {"BDI", "Burundi", kC},
    {"BEL", "Belgium", kC},
    {"BEN", "Benin", kC},
    {"BES", "Bonaire, Sint Eustatius and Saba", kC},
    {"BFA", "Burkina Faso", kC},
    {"BGD", "Bangladesh", kC},
    {"BGR", "Bulgaria", kC},
    {"BHR", "Bahrain", kC},
    {"BHS", "Bahamas", kC},
    {"BIH", "Bosnia and Herzegovina", kC},
    {"BLM", "Saint Barthélemy", kC},
    {"BLR", "Belarus", kC},
    {"BLZ", "Belize", kC},
    {"BMU", "Bermuda", kC},
    {"BOL", "Bolivia", kC},
    {"BRA", "Brazil", kC},
    {"BRB", "Barbados", kC},
    {"BRN", "Brunei", kC},
    {"BTN", "Bhutan", kC},
    {"BVT", "Bouvet Island", kC},
    {"BWA", "Botswana", kC},
    {"CAF", "Central African Republic", kC},
    {"CAN", "Canada", kC},
    {"CCK", "Cocos (Keeling) Islands", kC},
    {"CHE", "Switzerland", kC},
    {"CHL", "Chile", kC},
    {"CHN", "China", kC},
    {"CIV", "Côte d'Ivoire", kC},
    {"CMR", "Cameroon", kC},
    {"COD", "Democratic Republic of the Congo", kC},
    {"COG", "Congo", kC},
    {"COK", "Cook Islands", kC},
    {"COL", "Colombia", kC},
    {"COM", "Comoros", kC},
    {"CPV", "Cabo Verde", kC},
    {"CRI", "Costa Rica", kC},
    {"CUB", "Cuba", kC},
    {"CUW", "Curaçao", kC},
    {"CXR", "Christmas Island", kC},
    {"CYM", "Cayman Islands", kC},
    {"CYP", "Cyprus", kC},
    {"CZE", "Czechia", kC},
    {"DEU", "Germany", kC},
    {"DJI", "Djibouti", kC},
    {"DMA", "Dominica", kC},
    {"DNK", "Denmark", kC},
    {"DOM", "Dominican Republic", kC},
    {"DZA", "Algeria", kC},
    {"E19", "Other Europe, nes", kS},
    {"ECU", "Ecuador", kC},
    {"EGY", "Egypt", kC},
    {"ERI", "Eritrea", kC},
    {"ESH", "Western Sahara", kC},
    {"ESP", "Spain", kC},
    {"EST", "Estonia", kC},
    {"ETH", "Ethiopia", kC},
    {"EUR", "European Union", kS},
    {"F19", "Other Africa, nes", kS},
    {"FIN", "Finland", kC},
    {"FJI", "Fiji", kC},
    {"FLK", "Falkland Islands (Malvinas)", kC},
    {"FRA", "France", kC},
    {"FRO", "Faroe Islands", kC},
    {"FSM", "Micronesia", kC},
    {"GAB", "Gabon", kC},
    {"GBR", "United Kingdom", kC},
    {"GEO", "Georgia", kC},
    {"GGY", "Guernsey", kC},
    {"GHA", "Ghana", kC},
    {"GIB", "Gibraltar", kC},
    {"GIN", "Guinea", kC},
    {"GLP", "Guadeloupe", kC},
    {"GMB", "Gambia", kC},
    {"GNB", "Guinea-Bissau", kC},
    {"GNQ", "Equatorial Guinea", kC},
    {"GRC", "Greece", kC},
    {"GRD", "Grenada", kC},
    {"GRL", "Greenland", kC},
    {"GTM", "Guatemala", kC},
    {"GUF", "French Guiana", kC},
    {"GUM", "Guam", kC},
    {"GUY", "Guyana", kC},
    {"HKG", "Hong Kong", kC},
    {"HMD", "Heard Island and McDonald Islands", kC},
    {"HND", "Honduras", kC},
    {"HRV", "Croatia", kC},
    {"HTI", "Haiti", kC},
    {"HUN", "Hungary", kC},
    {"IDN", "Indonesia", kC},
    {"IMN", "Isle of Man", kC},
    {"IND", "India", kC},
    {"IOT", "British Indian Ocean Territory", kC},
    {"IRL", "Ireland", kC},
    {"IRN", "Iran", kC},
    {"IRQ", "Iraq", kC},
    {"ISL", "Iceland", kC},
    {"ISR", "Israel", kC},
    {"ITA", "Italy", kC},
    {"JAM", "Jamaica", kC},
    {"JEY", "Jersey", kC},
    {"JOR", "Jordan", kC},
    {"JPN", "Japan", kC},
    {"KAZ", "Kazakhstan", kC},
    {"KEN", "Kenya", kC},
    {"KGZ", "Kyrgyzstan", kC},
    {"KHM", "Cambodia", kC},
    {"KIR", "Kiribati", kC},
    {"KNA", "Saint Kitts and Nevis", kC},
    {"KOR", "South Korea", kC},
    {"KWT", "Kuwait", kC},
    {"LAO", "Laos", kC},
    {"LBN", "Lebanon", kC},
    {"LBR", "Liberia", kC},
    {"LBY", "Libya", kC},
    {"LCA", "Saint Lucia", kC},
    {"LIE", "Liechtenstein", kC},
    {"LKA", "Sri Lanka", kC},
    {"LSO", "Lesotho", kC},
    {"LTU", "Lithuania", kC},
    {"LUX", "Luxembourg", kC},
    {"LVA", "Latvia", kC},
    {"MAC", "Macao", kC},
    {"MAF", "Saint Martin (French part)", kC},
    {"MAR", "Morocco", kC},
    {"MCO", "Monaco", kC},
    {"MDA", "Moldova", kC},
    {"MDG", "Madagascar", kC},
    {"MDV", "Maldives", kC},
    {"MEX", "Mexico", kC},
    {"MHL", "Marshall Islands", kC},
    {"MKD", "North Macedonia", kC},
    {"MLI", "Mali", kC},
    {"MLT", "Malta", kC},
    {"MMR", "Myanmar", kC},
    {"MNE", "Montenegro", kC},
    {"MNG", "Mongolia", kC},
    {"MNP", "Northern Mariana Islands", kC},
    {"MOZ", "Mozambique", kC},
    {"MRT", "Mauritania", kC},
    {"MSR", "Montserrat", kC},
    {"MTQ", "Martinique", kC},
    {"MUS", "Mauritius", kC},
    {"MWI", "Malawi", kC},
    {"MYS", "Malaysia", kC},
    {"MYT", "Mayotte", kC},
    {"NAM", "Namibia", kC},
    {"NCL", "New Caledonia", kC},
    {"NER", "Niger", kC},
    {"NFK", "Norfolk Island", kC},
    {"NGA", "Nigeria", kC},
    {"NIC", "Nicaragua", kC},
    {"NIU", "Niue", kC},
    {"NLD", "Netherlands", kC},
    {"NOR", "Norway", kC},
    {"NPL", "Nepal", kC},
    {"NRU", "Nauru", kC},
    {"NZL", "New Zealand", kC},
    {"OMN", "Oman", kC},
    {"PAK", "Pakistan", kC},
    {"PAN", "Panama", kC},
    {"PCN", "Pitcairn", kC},
    {"PER", "Peru", kC},
    {"PHL", "Philippines", kC},
    {"PLW", "Palau", kC},
    {"PNG", "Papua New Guinea", kC},
    {"POL", "Poland", kC},
    {"PRI", "Puerto Rico", kC},
    {"PRK", "North Korea", kC},
    {"PRT", "Portugal", kC},
    {"PRY", "Paraguay", kC},
    {"PSE", "Palestine", kC},
    {"PYF", "French Polynesia", kC},
    {"QAT", "Qatar", kC},
    {"REU", "Réunion", kC},
    {"ROU", "Romania", kC},
    {"RUS", "Russia", kC},
    {"RWA", "Rwanda", kC},
    {"S19", "Other Asia, nes", kS},
    {"SAU", "Saudi Arabia", kC},
    {"SDN", "Sudan", kC},
    {"SEN", "Senegal", kC},
    {"SGP", "Singapore", kC},
    {"SGS", "South Georgia and the South Sandwich Islands", kC},
    {"SHN", "Saint Helena, Ascension and Tristan da Cunha", kC},
    {"SJM", "Svalbard and Jan Mayen", kC},
    {"SLB", "Solomon Islands", kC},
    {"SLE", "Sierra Leone", kC},
    {"SLV", "El Salvador", kC},
    {"SMR", "San Marino", kC},
    {"SOM", "Somalia", kC},
    {"SPM", "Saint Pierre and Miquelon", kC},
    {"SRB", "Serbia", kC},
    {"SSD", "South Sudan", kC},
    {"STP", "Sao Tome and Principe", kC},
    {"SUR", "Suriname", kC},
    {"SVK", "Slovakia", kC},
    {"SVN", "Slovenia", kC},
    {"SWE", "Sweden", kC},
    {"SWZ", "Eswatini", kC},
    {"SXM", "Sint Maarten (Dutch part)", kC},
    {"SYC", "Seychelles", kC},
    {"SYR", "Syria", kC},
    {"TCA", "Turks and Caicos Islands", kC},
    {"TCD", "Chad", kC},
    {"TGO", "Togo", kC},
    {"THA", "Thailand", kC},
    {"TJK", "Tajikistan", kC},
    {"TKL", "Tokelau", kC},
    {"TKM", "Turkmenistan", kC},
    {"TLS", "Timor-Leste", kC},
    {"TON", "Tonga", kC},
    {"TTO", "Trinidad and Tobago", kC},
    {"TUN", "Tunisia", kC},
    {"TUR", "Türkiye", kC},
    {"TUV", "Tuvalu", kC},
    {"TWN", "Taiwan", kC},
    {"TZA", "Tanzania", kC},
    {"UGA", "Uganda", kC},
    {"UKR", "Ukraine", kC},
    {"UMI", "United States Minor Outlying Islands", kC},
    {"URY", "Uruguay", kC},
    {"USA", "United States", kC},
    {"UZB", "Uzbekistan", kC},
    {"VAT", "Holy See", kC},
    {"VCT", "Saint Vincent and the Grenadines", kC},
    {"VEN", "Venezuela", kC},
    {"VGB", "British Virgin Islands", kC},
    {"VIR", "United States Virgin Islands", kC},
    {"VNM", "Vietnam", kC},
    {"VUT", "Vanuatu", kC},
    {"W00", "World", AreaKind::kWorld},
    {"WLF", "Wallis and Futuna", kC},
    {"WSM", "Samoa", kC},
    {"X1", "Bunkers", kS},
    {"X2", "Free Zones", kS},
    {"XX", "Special Categories", kS},
    {"YEM", "Yemen", kC},
    {"ZAF", "South Africa", kC},
    {"ZMB", "Zambia", kC},
    {"ZWE", "Zimbabwe", kC},
    {"_X", "Areas, nes", kS},
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

std::string_view AreaName(std::string_view normalized_code) {
  const Area* area = Find(normalized_code);
  return area == nullptr ? normalized_code : area->name;
}

}  // namespace evtrade

// Country and area codes: ISO 3166-1 alpha-3 plus Comtrade's World and
// special areas, from a table the project ships (areas.cc).
#ifndef EVTRADE_COMMON_DOMAIN_AREAS_H_
#define EVTRADE_COMMON_DOMAIN_AREAS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace evtrade {

inline constexpr std::string_view kWorldCode = "W00";

enum class AreaKind {
  kCountry,      // an ISO 3166-1 alpha-3 country
  kWorld,        // W00, the World aggregate (never a partner in rankings)
  kSpecialArea,  // Comtrade special/group areas: S19, _X, X1, X2, XX, E19...
};

// Trims, upper-cases, and maps the alias WLD to W00.
std::string NormalizeAreaCode(std::string_view code);

// The kind of a normalized code; nullopt for unknown codes.
std::optional<AreaKind> LookupArea(std::string_view normalized_code);

// UN Comtrade's numeric area codes (reporterCode, partnerCode): M49 as
// Comtrade uses it, which differs from ISO 3166-1 numeric for some
// countries (842 USA, not 840; 251 France; 579 Norway; 699 India; 757
// Switzerland); 0 is World (W00), 490 Other Asia nes (S19), 899 Areas nes
// (_X). The area code of a numeric code, nullopt when unknown:
std::optional<std::string_view> AreaCodeOfM49(int64_t m49);
// and the numeric code of a normalized area code, nullopt when unknown.
std::optional<int> M49OfArea(std::string_view normalized_code);

// English name of a normalized code ("China", "United Kingdom", "World",
// "Other Asia, nes"); the code itself when unknown.
std::string_view AreaName(std::string_view normalized_code);

}  // namespace evtrade

#endif  // EVTRADE_COMMON_DOMAIN_AREAS_H_

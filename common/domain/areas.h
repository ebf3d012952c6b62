// Country and area codes: ISO 3166-1 alpha-3 plus Comtrade's World and
// special areas, from a table the project ships (areas.cc).
#ifndef EVTRADE_COMMON_DOMAIN_AREAS_H_
#define EVTRADE_COMMON_DOMAIN_AREAS_H_

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

// English name of a normalized code ("China", "United Kingdom", "World",
// "Other Asia, nes"); the code itself when unknown.
std::string_view AreaName(std::string_view normalized_code);

}  // namespace evtrade

#endif  // EVTRADE_COMMON_DOMAIN_AREAS_H_

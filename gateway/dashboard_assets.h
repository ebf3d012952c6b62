// The bytes of gateway/dashboard/'s files, as the build embedded them
// (cmake/EmbedFiles.cmake writes the definition into the build tree). For
// gateway/dashboard.cc; other code uses FindDashboardFile.
#ifndef EVTRADE_GATEWAY_DASHBOARD_ASSETS_H_
#define EVTRADE_GATEWAY_DASHBOARD_ASSETS_H_

#include <span>
#include <string_view>

namespace evtrade::gateway {

struct EmbeddedFile {
  std::string_view name;   // "index.html", "app.js", ...
  std::string_view bytes;  // the file's exact contents
};

// Every embedded file, in the order gateway/CMakeLists.txt lists them.
std::span<const EmbeddedFile> EmbeddedDashboardFiles();

}  // namespace evtrade::gateway

#endif  // EVTRADE_GATEWAY_DASHBOARD_ASSETS_H_

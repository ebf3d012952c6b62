#include "gateway/dashboard.h"

#include "gateway/dashboard_assets.h"

namespace evtrade::gateway {
namespace {

constexpr std::string_view kAssetPrefix = "/assets/";
constexpr std::string_view kPage = "index.html";

std::string_view ContentTypeOf(std::string_view name) {
  if (name.ends_with(".html")) return "text/html; charset=utf-8";
  if (name.ends_with(".js")) return "text/javascript; charset=utf-8";
  if (name.ends_with(".css")) return "text/css; charset=utf-8";
  return "application/octet-stream";
}

std::optional<DashboardFile> FindByName(std::string_view name) {
  for (const EmbeddedFile& file : EmbeddedDashboardFiles()) {
    if (file.name == name)
      return DashboardFile{ContentTypeOf(name), file.bytes};
  }
  return std::nullopt;
}

}  // namespace

std::optional<DashboardFile> FindDashboardFile(std::string_view path) {
  if (path == "/") return FindByName(kPage);
  if (!path.starts_with(kAssetPrefix)) return std::nullopt;
  const std::string_view name = path.substr(kAssetPrefix.size());
  // The page is served at "/" only.
  if (name == kPage) return std::nullopt;
  return FindByName(name);
}

std::vector<std::string> DashboardPaths() {
  std::vector<std::string> paths = {"/"};
  for (const EmbeddedFile& file : EmbeddedDashboardFiles()) {
    if (file.name != kPage) {
      paths.push_back(std::string(kAssetPrefix) + std::string(file.name));
    }
  }
  return paths;
}

}  // namespace evtrade::gateway

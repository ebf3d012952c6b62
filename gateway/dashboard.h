// The dashboard the gateway serves: the files of gateway/dashboard/ (page,
// script, style, and the pinned Chart.js build), embedded in the binary at
// build time (cmake/EmbedFiles.cmake): nothing is read from disk at run
// time, and the page fetches nothing from elsewhere. docs/dashboard.md
// describes the page.
#ifndef EVTRADE_GATEWAY_DASHBOARD_H_
#define EVTRADE_GATEWAY_DASHBOARD_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace evtrade::gateway {

struct DashboardFile {
  std::string_view content_type;  // "text/html; charset=utf-8", ...
  std::string_view body;
};

// The file served at `path`: "/" is the page (index.html), "/assets/<name>"
// the page's script, style and chart library (app.js, style.css,
// chart.umd.js). nullopt for any other path. Thread-safe; the views point
// into static storage.
std::optional<DashboardFile> FindDashboardFile(std::string_view path);

// Every path FindDashboardFile finds: "/" first, then "/assets/<name>" for
// each of the page's files.
std::vector<std::string> DashboardPaths();

}  // namespace evtrade::gateway

#endif  // EVTRADE_GATEWAY_DASHBOARD_H_

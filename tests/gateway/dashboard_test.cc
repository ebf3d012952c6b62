// The dashboard's files, as embedded in the gateway: each is its source
// file byte for byte, served with its content type at "/" or
// "/assets/<name>", and nothing else is found.
#include "gateway/dashboard.h"

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "tests/support/paths.h"

namespace evtrade::gateway {
namespace {

std::string ReadSource(const std::string& relative) {
  std::ifstream in(testing::SourceDir() + "/gateway/dashboard/" + relative,
                   std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

TEST(DashboardTest, EveryFileIsItsSourceWithItsContentType) {
  struct Case {
    const char* path;
    const char* source;
    const char* content_type;
  };
  for (const Case& c : {
           Case{"/", "index.html", "text/html; charset=utf-8"},
           Case{"/assets/app.js", "app.js", "text/javascript; charset=utf-8"},
           Case{"/assets/style.css", "style.css", "text/css; charset=utf-8"},
           Case{"/assets/chart.umd.js", "vendor/chart.umd.js",
                "text/javascript; charset=utf-8"},
       }) {
    SCOPED_TRACE(c.path);
    const std::optional<DashboardFile> file = FindDashboardFile(c.path);
    ASSERT_TRUE(file.has_value());
    EXPECT_EQ(file->content_type, c.content_type);
    const std::string source = ReadSource(c.source);
    ASSERT_FALSE(source.empty());
    EXPECT_TRUE(file->body == source)
        << "embedded file differs from " << c.source;
  }
  EXPECT_TRUE(FindDashboardFile("/assets/chart.umd.js")
                  ->body.starts_with("/*!\n * Chart.js v4.6.1\n"));
}

TEST(DashboardTest, ThePageLoadsOnlyItsOwnAssets) {
  const std::string html(FindDashboardFile("/")->body);
  for (const char* asset :
       {"/assets/style.css", "/assets/chart.umd.js", "/assets/app.js"}) {
    EXPECT_TRUE(absl::StrContains(html, asset)) << asset;
    EXPECT_TRUE(FindDashboardFile(asset).has_value()) << asset;
  }
  EXPECT_FALSE(absl::StrContains(html, "http://"));
  EXPECT_FALSE(absl::StrContains(html, "https://"));
}

TEST(DashboardTest, PathsListsEveryFile) {
  EXPECT_EQ(DashboardPaths(), (std::vector<std::string>{
                                  "/", "/assets/app.js", "/assets/style.css",
                                  "/assets/chart.umd.js"}));
}

TEST(DashboardTest, OtherPathsAreNotFound) {
  for (const char* path : {"", "/index.html", "/assets/", "/assets/index.html",
                           "/assets/nothing.js", "/assets/../app.js", "/app.js",
                           "/assets/app.js/", "/v1/series"}) {
    EXPECT_FALSE(FindDashboardFile(path).has_value()) << path;
  }
}

}  // namespace
}  // namespace evtrade::gateway

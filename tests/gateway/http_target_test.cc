// Request targets -> the path and parameters the routes see.
#include "gateway/http_target.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace evtrade::gateway {
namespace {

using Params = std::vector<std::pair<std::string, std::string>>;

TEST(HttpTargetTest, PathAndParametersAreDecoded) {
  const DecodedTarget target =
      DecodeTarget("/v1/re%70orts/a+b?x=1%202&y=a+b&flag&&=v&x=%2B");
  EXPECT_EQ(target.path, "/v1/reports/a+b");  // '+' is a space in queries only
  EXPECT_EQ(
      target.params,
      (Params{
          {"x", "1 2"}, {"y", "a b"}, {"flag", ""}, {"", "v"}, {"x", "+"}}));
}

TEST(HttpTargetTest, NoQueryMeansNoParameters) {
  EXPECT_EQ(DecodeTarget("/healthz").path, "/healthz");
  EXPECT_TRUE(DecodeTarget("/healthz").params.empty());
  EXPECT_TRUE(DecodeTarget("/healthz?").params.empty());
}

TEST(HttpTargetTest, EscapesAtTheEndAndBadOnesStayAsTheyAre) {
  EXPECT_EQ(PercentDecode("%41", false), "A");
  EXPECT_EQ(PercentDecode("a%4", false), "a%4");
  EXPECT_EQ(PercentDecode("a%", false), "a%");
  EXPECT_EQ(PercentDecode("%zz%4g", false), "%zz%4g");
  EXPECT_EQ(PercentDecode("%00%ff", false), std::string("\0\xff", 2));
  EXPECT_EQ(PercentDecode("%2525", false), "%25");  // decoded once only
}

}  // namespace
}  // namespace evtrade::gateway

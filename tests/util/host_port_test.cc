#include "common/util/host_port.h"

#include <string>

#include "gtest/gtest.h"

namespace evtrade {
namespace {

std::string ErrorOf(const std::string& address) {
  absl::StatusOr<HostPort> parsed = ParseHostPort(address);
  EXPECT_FALSE(parsed.ok()) << address << " parsed";
  if (parsed.ok()) return "";
  EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(parsed.status().message());
}

TEST(ParseHostPortTest, HostAndPort) {
  absl::StatusOr<HostPort> parsed = ParseHostPort("127.0.0.1:50051");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->host, "127.0.0.1");
  EXPECT_EQ(parsed->port, 50051);
  EXPECT_EQ(parsed->ToString(), "127.0.0.1:50051");
}

TEST(ParseHostPortTest, PortBounds) {
  EXPECT_EQ(ParseHostPort("0.0.0.0:0")->port, 0);
  EXPECT_EQ(ParseHostPort("localhost:65535")->port, 65535);
  EXPECT_EQ(ErrorOf("localhost:65536"),
            "\"localhost:65536\": port must be a number from 0 to 65535");
  EXPECT_EQ(ErrorOf("localhost:99999999999999999999"),
            "\"localhost:99999999999999999999\": port must be a number from 0 "
            "to 65535");
  EXPECT_EQ(ErrorOf("127.0.0.1:-1"),
            "\"127.0.0.1:-1\": port must be a number from 0 to 65535");
  EXPECT_EQ(ErrorOf("127.0.0.1:+80"),
            "\"127.0.0.1:+80\": port must be a number from 0 to 65535");
  EXPECT_EQ(ErrorOf("127.0.0.1: 80"),
            "\"127.0.0.1: 80\": port must be a number from 0 to 65535");
  EXPECT_EQ(ErrorOf("127.0.0.1:8o"),
            "\"127.0.0.1:8o\": port must be a number from 0 to 65535");
}

TEST(ParseHostPortTest, MissingParts) {
  EXPECT_EQ(ErrorOf(""), "\"\" is not host:port");
  EXPECT_EQ(ErrorOf("localhost"), "\"localhost\" is not host:port");
  EXPECT_EQ(ErrorOf("127.0.0.1:"),
            "\"127.0.0.1:\": port must be a number from 0 to 65535");
  EXPECT_EQ(ErrorOf(":50051"), "\":50051\" has no host (use 0.0.0.0 for all)");
  EXPECT_EQ(ErrorOf(":"), "\":\" has no host (use 0.0.0.0 for all)");
}

TEST(ParseHostPortTest, Ipv6InBrackets) {
  absl::StatusOr<HostPort> parsed = ParseHostPort("[::1]:8080");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->host, "::1");
  EXPECT_EQ(parsed->port, 8080);
  EXPECT_EQ(parsed->ToString(), "[::1]:8080");
  EXPECT_EQ(parsed->WithPort(0).ToString(), "[::1]:0");
  EXPECT_EQ(ParseHostPort("[fe80::1%eth0]:1")->host, "fe80::1%eth0");

  constexpr char kBrackets[] = "write an IPv6 host in brackets, [::1]:50051";
  EXPECT_EQ(ErrorOf("::1:80"), std::string("\"::1:80\": ") + kBrackets);
  EXPECT_EQ(ErrorOf("[::1:80"), std::string("\"[::1:80\": ") + kBrackets);
  EXPECT_EQ(ErrorOf("::1]:80"), std::string("\"::1]:80\": ") + kBrackets);
  EXPECT_EQ(ErrorOf("[]:80"), std::string("\"[]:80\": ") + kBrackets);
  EXPECT_EQ(ErrorOf("[[::1]]:80"), std::string("\"[[::1]]:80\": ") + kBrackets);
  EXPECT_EQ(ErrorOf("[::1]"), std::string("\"[::1]\": ") + kBrackets);
}

}  // namespace
}  // namespace evtrade

#include "common/server/service_main.h"

#include <sys/stat.h>

#include <fstream>

#include "gtest/gtest.h"
#include "tests/support/paths.h"

namespace evtrade {
namespace {

CommonServiceFlags GoodFlags() {
  return {.listen = "127.0.0.1:50052",
          .metrics_listen = "127.0.0.1:9092",
          .log_level = "debug",
          .drain_seconds = 2.5};
}

TEST(MakeServiceMainConfigTest, CopiesValues) {
  auto config = MakeServiceMainConfig("query_service", GoodFlags());
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->server.name, "query_service");
  EXPECT_EQ(config->server.listen_address, "127.0.0.1:50052");
  EXPECT_EQ(config->server.drain_delay, absl::Milliseconds(2500));
  EXPECT_EQ(config->metrics.listen_address, "127.0.0.1:9092");
  EXPECT_EQ(config->logging.program, "query_service");
  EXPECT_EQ(config->logging.level, spdlog::level::debug);
}

TEST(MakeServiceMainConfigTest, ErrorsNameTheFlag) {
  CommonServiceFlags flags = GoodFlags();
  flags.listen = "nonsense";
  EXPECT_EQ(MakeServiceMainConfig("x", flags).status().message(),
            "--listen: \"nonsense\" is not host:port");

  flags = GoodFlags();
  flags.metrics_listen = "127.0.0.1:99999";
  EXPECT_EQ(MakeServiceMainConfig("x", flags).status().message(),
            "--metrics_listen: \"127.0.0.1:99999\": port must be a number "
            "from 0 to 65535");

  flags = GoodFlags();
  flags.log_level = "loud";
  EXPECT_EQ(MakeServiceMainConfig("x", flags).status().message(),
            "--log_level: unknown log level \"loud\" (use trace, debug, info, "
            "warn, error or off)");

  flags = GoodFlags();
  flags.drain_seconds = -1;
  EXPECT_EQ(MakeServiceMainConfig("x", flags).status().message(),
            "--drain_seconds: -1 is not between 0 and 3600 seconds");
}

TEST(MakeServiceMainConfigTest, EmptyMetricsListenMeansNoExposer) {
  CommonServiceFlags flags = GoodFlags();
  flags.metrics_listen = "";
  auto config = MakeServiceMainConfig("gateway", flags);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->metrics.listen_address, "");
}

TEST(ParseLogLevelTest, AcceptsTheUsualNames) {
  EXPECT_EQ(*ParseLogLevel("trace"), spdlog::level::trace);
  EXPECT_EQ(*ParseLogLevel("info"), spdlog::level::info);
  EXPECT_EQ(*ParseLogLevel("warn"), spdlog::level::warn);
  EXPECT_EQ(*ParseLogLevel("error"), spdlog::level::err);
  EXPECT_EQ(*ParseLogLevel("off"), spdlog::level::off);
  EXPECT_FALSE(ParseLogLevel("err").ok());
}

TEST(ValidateTargetTest, HostPortOrGrpcUri) {
  EXPECT_TRUE(ValidateTarget("query_addr", "127.0.0.1:50052").ok());
  EXPECT_TRUE(ValidateTarget("query_addr", "dns:///query-headless:50052").ok());
  EXPECT_EQ(ValidateTarget("query_addr", "").message(),
            "--query_addr: must not be empty");
  EXPECT_EQ(ValidateTarget("query_addr", "query").message(),
            "--query_addr: \"query\" is not host:port");
  EXPECT_EQ(ValidateTarget("query_addr", "127.0.0.1:0").message(),
            "--query_addr: \"127.0.0.1:0\": port 0 cannot be dialled");
}

TEST(ValidateDbPathTest, FolderMustExist) {
  const std::string dir = testing::MakeTempDir("service_main");
  EXPECT_TRUE(ValidateDbPath("db", dir + "/evtrade.db", true).ok());
  EXPECT_EQ(ValidateDbPath("db", dir + "/missing/evtrade.db", false).message(),
            "--db: folder " + dir + "/missing does not exist");
  EXPECT_EQ(ValidateDbPath("db", "", false).message(),
            "--db: must not be empty");
}

TEST(ValidateDbPathTest, WritableFolderWhenAsked) {
  if (geteuid() == 0) GTEST_SKIP() << "root may write anywhere";
  const std::string dir = testing::MakeTempDir("service_main");
  ASSERT_EQ(chmod(dir.c_str(), 0500), 0);
  EXPECT_TRUE(ValidateDbPath("db", dir + "/evtrade.db", false).ok());
  EXPECT_EQ(ValidateDbPath("db", dir + "/evtrade.db", true).message(),
            "--db: folder " + dir + ": Permission denied");
  chmod(dir.c_str(), 0700);
}

TEST(ValidateSecretFileTest, ReadableAndNotBlank) {
  const std::string dir = testing::MakeTempDir("service_main");
  std::ofstream(dir + "/token") << "s3cret\n";
  std::ofstream(dir + "/blank") << " \n";
  EXPECT_TRUE(ValidateSecretFile("token_file", dir + "/token").ok());
  EXPECT_EQ(ValidateSecretFile("token_file", dir + "/blank").message(),
            "--token_file: " + dir + "/blank is empty");
  EXPECT_EQ(
      ValidateSecretFile("token_file", dir + "/none").message(),
      "--token_file: cannot read " + dir + "/none: No such file or directory");
}

}  // namespace
}  // namespace evtrade

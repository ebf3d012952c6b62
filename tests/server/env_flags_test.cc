#include "common/server/env_flags.h"

#include <cstdlib>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/reflection.h"
#include "gtest/gtest.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:50051", "test flag");
ABSL_FLAG(int, page_limit, 100, "test flag");

namespace evtrade {
namespace {

class EnvFlagsTest : public ::testing::Test {
 protected:
  void TearDown() override {
    unsetenv("EVTRADE_LISTEN");
    unsetenv("EVTRADE_PAGE_LIMIT");
  }
  absl::FlagSaver saver_;  // restores the flags after each test
};

TEST_F(EnvFlagsTest, VariableName) {
  EXPECT_EQ(EnvVarForFlag("listen"), "EVTRADE_LISTEN");
  EXPECT_EQ(EnvVarForFlag("drain_seconds"), "EVTRADE_DRAIN_SECONDS");
}

TEST_F(EnvFlagsTest, EnvironmentSetsFlags) {
  setenv("EVTRADE_LISTEN", "0.0.0.0:6000", 1);
  setenv("EVTRADE_PAGE_LIMIT", "7", 1);
  ASSERT_TRUE(ApplyFlagsFromEnv().ok());
  EXPECT_EQ(absl::GetFlag(FLAGS_listen), "0.0.0.0:6000");
  EXPECT_EQ(absl::GetFlag(FLAGS_page_limit), 7);
}

TEST_F(EnvFlagsTest, UnsetVariablesKeepDefaults) {
  ASSERT_TRUE(ApplyFlagsFromEnv().ok());
  EXPECT_EQ(absl::GetFlag(FLAGS_listen), "127.0.0.1:50051");
  EXPECT_EQ(absl::GetFlag(FLAGS_page_limit), 100);
}

TEST_F(EnvFlagsTest, CommandLineWins) {
  setenv("EVTRADE_LISTEN", "0.0.0.0:6000", 1);
  setenv("EVTRADE_PAGE_LIMIT", "7", 1);
  std::string program = "env_flags_test";
  std::string arg = "--listen=127.0.0.1:7000";
  std::vector<char*> argv = {program.data(), arg.data()};
  std::vector<char*> rest = ParseFlagsWithEnv(2, argv.data());
  EXPECT_EQ(rest.size(), 1u);
  EXPECT_EQ(absl::GetFlag(FLAGS_listen), "127.0.0.1:7000");
  // Not on the command line: the environment's value stays.
  EXPECT_EQ(absl::GetFlag(FLAGS_page_limit), 7);
}

TEST_F(EnvFlagsTest, BadValueNamesTheVariable) {
  setenv("EVTRADE_PAGE_LIMIT", "many", 1);
  absl::Status status = ApplyFlagsFromEnv();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(),
            "EVTRADE_PAGE_LIMIT: Illegal value 'many' specified for flag "
            "'page_limit'");
  EXPECT_EQ(absl::GetFlag(FLAGS_page_limit), 100);
}

TEST_F(EnvFlagsTest, BadValueExitsTwoWithOneLine) {
  setenv("EVTRADE_PAGE_LIMIT", "many", 1);
  std::string program = "/some/dir/env_flags_test";
  std::vector<char*> argv = {program.data()};
  EXPECT_EXIT(ParseFlagsWithEnv(1, argv.data()), ::testing::ExitedWithCode(2),
              "^env_flags_test: EVTRADE_PAGE_LIMIT: Illegal value 'many' "
              "specified for flag 'page_limit'\n$");
}

}  // namespace
}  // namespace evtrade

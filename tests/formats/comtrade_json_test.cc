// The Comtrade JSON reader on its own: its pure entry point over bytes,
// every truncation of a real-shaped response, and the element size cap.
#include "common/formats/comtrade_json.h"

#include <fstream>
#include <iterator>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/support/paths.h"

namespace evtrade::formats {
namespace {

std::string ReadFixture() {
  std::ifstream in(
      testing::SourceDir() + "/tests/data/comtrade/chn_exports_2022-11.json",
      std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)),
                     std::istreambuf_iterator<char>());
}

TEST(ComtradeJsonTest, CountsTheRecordsOfAResponse) {
  const std::string json = ReadFixture();
  ASSERT_GT(json.size(), 1000u);
  absl::StatusOr<int64_t> count = CountComtradeJsonRecords(json);
  ASSERT_TRUE(count.ok()) << count.status();
  EXPECT_EQ(*count, 8);
}

// A response cut anywhere (a dropped connection) is an error, never a
// shorter success and never a crash; only the final newline may go.
TEST(ComtradeJsonTest, EveryTruncationIsAnError) {
  const std::string json = ReadFixture();
  ASSERT_EQ(json.back(), '\n');
  for (size_t size = 0; size + 1 < json.size(); ++size) {
    absl::StatusOr<int64_t> count =
        CountComtradeJsonRecords(std::string_view(json).substr(0, size));
    ASSERT_FALSE(count.ok()) << "cut at " << size << " gave " << *count;
    EXPECT_EQ(count.status().code(), absl::StatusCode::kInvalidArgument);
  }
  EXPECT_EQ(CountComtradeJsonRecords(json.substr(0, json.size() - 1)).value(),
            8);
}

TEST(ComtradeJsonTest, MembersPerRecordAreCapped) {
  // 1024 distinct members fit (a repeated key does not count again); the
  // 1025th is refused, so no record costs a quadratic key scan.
  auto record = [](int members, bool repeat) {
    std::string json = "{\"data\":[{";
    for (int i = 0; i < members; ++i) {
      absl::StrAppend(&json, i == 0 ? "" : ",", "\"k", i, "\":", i);
    }
    if (repeat) json += ",\"k0\":1";
    return json + "}]}";
  };
  EXPECT_EQ(CountComtradeJsonRecords(record(1024, true)).value(), 1);
  EXPECT_EQ(CountComtradeJsonRecords(record(1025, false)).status().message(),
            "<bytes>: line 1: data[0]: more than 1024 members: not a "
            "Comtrade record");
}

TEST(ComtradeJsonTest, ElementsAreCappedInSize) {
  const std::string big(ComtradeJsonReader::kMaxElementBytes, 'x');
  absl::StatusOr<int64_t> count =
      CountComtradeJsonRecords("{\"data\":[{\"cmdDesc\":\"" + big + "\"}]}");
  ASSERT_FALSE(count.ok());
  EXPECT_EQ(count.status().message(),
            "<bytes>: line 1: a value longer than 1048576 bytes: not a "
            "Comtrade record");
  // Just under the cap is fine.
  const std::string fits(ComtradeJsonReader::kMaxElementBytes - 100, 'x');
  EXPECT_EQ(
      CountComtradeJsonRecords("{\"data\":[{\"cmdDesc\":\"" + fits + "\"}]}")
          .value(),
      1);
}

}  // namespace
}  // namespace evtrade::formats

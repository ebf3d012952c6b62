#include "common/util/ingest_limits.h"

#include "gtest/gtest.h"

namespace evtrade {
namespace {

TEST(IngestLimitsTest, TheContractsNumbers) {
  EXPECT_EQ(kMaxRecordsPerIngestMessage, 10000);
  EXPECT_EQ(kMaxIngestMessageBytes, 16777216);
  EXPECT_EQ(IngestMessageLimits().max_records, 10000);
  EXPECT_EQ(IngestMessageLimits().max_bytes, 16777216);
}

TEST(IngestLimitsTest, RecordsUpToTheLimit) {
  EXPECT_TRUE(CheckIngestMessage(0, 0).ok());
  EXPECT_TRUE(CheckIngestMessage(10000, 100).ok());
  absl::Status over = CheckIngestMessage(10001, 100);
  EXPECT_EQ(over.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(over.message(),
            "records: at most 10000 per message, got 10001; nothing written");
}

TEST(IngestLimitsTest, BytesUpToTheLimit) {
  EXPECT_TRUE(CheckIngestMessage(1, 16777216).ok());
  absl::Status over = CheckIngestMessage(1, 16777217);
  EXPECT_EQ(over.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(over.message(),
            "message of 16777217 bytes is over the limit of 16777216 bytes; "
            "send fewer records per message; nothing written");
}

TEST(IngestLimitsTest, BytesAreCheckedFirst) {
  EXPECT_EQ(CheckIngestMessage(10001, 16777217).code(),
            absl::StatusCode::kResourceExhausted);
}

TEST(IngestLimitsTest, ConfiguredLimits) {
  const IngestMessageLimits limits{.max_records = 1, .max_bytes = 10};
  EXPECT_TRUE(CheckIngestMessage(1, 10, limits).ok());
  EXPECT_EQ(CheckIngestMessage(2, 10, limits).message(),
            "records: at most 1 per message, got 2; nothing written");
  EXPECT_EQ(CheckIngestMessage(1, 11, limits).code(),
            absl::StatusCode::kResourceExhausted);
}

TEST(IngestLimitsTest, TransportLimitIsAboveTheServicesOwn) {
  EXPECT_EQ(IngestTransportReceiveLimit({}), 67108864);
  EXPECT_EQ(IngestTransportReceiveLimit({.max_records = 1, .max_bytes = 10}),
            40);
  EXPECT_EQ(IngestTransportReceiveLimit(
                {.max_records = 1, .max_bytes = int64_t{1} << 40}),
            2147483647);
}

}  // namespace
}  // namespace evtrade

#include "common/store/write_records.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/store/open_store.h"
#include "gtest/gtest.h"
#include "tests/support/query_fixture.h"
#include "tests/support/store_backends.h"

namespace evtrade::store {
namespace {

using testing::Backend;
using testing::Rec;

constexpr v1::Flow X = v1::FLOW_EXPORT;

class WriteRecordsTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    absl::StatusOr<std::string> db = testing::FreshStore(GetParam());
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = *db;
    StoreConfig config;
    config.db = db_;
    auto store = OpenIngestStore(config);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
  }

  absl::StatusOr<BatchInfo> Write(std::vector<v1::TradeRecord> records,
                                  bool all_or_nothing) {
    BatchMeta meta{.request_id = "", .source = "batch-source", .writer = "w"};
    size_t next = 0;
    return WriteBatch(
        *store_, meta,
        [&](v1::TradeRecord& record) {
          if (next == records.size()) return false;
          record = records[next++];
          return true;
        },
        all_or_nothing, "stored response");
  }

  int64_t Int(const std::string& sql) { return testing::StoreInt(db_, sql); }

  std::string db_;
  std::unique_ptr<IngestStore> store_;
};

v1::TradeRecord Invalid() {
  return Rec("CHN", "BEL", X, "870380", 2022, 13, 1, 1);  // month 13
}

TEST_P(WriteRecordsTest, CountsEveryOutcome) {
  absl::StatusOr<BatchInfo> first =
      Write({Rec("CHN", "BEL", X, "870380", 2022, 11, 100, 1),
             Rec("CHN", "GBR", X, "870380", 2022, 11, 200, 2),
             Rec("CHN", "DEU", X, "870380", 2022, 11, 300, 3)},
            /*all_or_nothing=*/false);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->counts.received, 3);
  EXPECT_EQ(first->counts.inserted, 3);
  EXPECT_EQ(first->counts.updated, 0);
  EXPECT_EQ(first->counts.unchanged, 0);
  EXPECT_EQ(first->counts.rejected, 0);

  absl::StatusOr<BatchInfo> second =
      Write({Rec("CHN", "BEL", X, "870380", 2022, 11, 150, 1),  // revised
             Rec("CHN", "GBR", X, "870380", 2022, 11, 200, 2),  // the same
             Invalid(), Rec("CHN", "FRA", X, "870380", 2022, 11, 5, 1)},
            /*all_or_nothing=*/false);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->counts.received, 4);
  EXPECT_EQ(second->counts.inserted, 1);
  EXPECT_EQ(second->counts.updated, 1);
  EXPECT_EQ(second->counts.unchanged, 1);
  EXPECT_EQ(second->counts.rejected, 1);
  EXPECT_EQ(second->data_version, first->data_version + 1);
  EXPECT_EQ(Int("SELECT COUNT(*) FROM records"), 4);
  EXPECT_EQ(Int("SELECT COUNT(*) FROM batches"), 2);
  EXPECT_EQ(Int("SELECT rejected FROM batches ORDER BY batch_id DESC LIMIT 1"),
            1);
}

TEST_P(WriteRecordsTest, AllOrNothingWritesNothingAfterAnInvalidRecord) {
  absl::StatusOr<BatchInfo> info =
      Write({Rec("CHN", "BEL", X, "870380", 2022, 11, 100, 1), Invalid()},
            /*all_or_nothing=*/true);
  EXPECT_EQ(info.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(info.status().message(), "period.month: must be 1..12, got 13");
  EXPECT_EQ(Int("SELECT COUNT(*) FROM records"), 0);
  EXPECT_EQ(Int("SELECT COUNT(*) FROM batches"), 0);
}

TEST_P(WriteRecordsTest, ARecordWithoutSourceGetsTheBatchsSource) {
  v1::TradeRecord no_source = Rec("CHN", "BEL", X, "870380", 2022, 11, 1, 1);
  no_source.clear_source();
  ASSERT_TRUE(
      Write({no_source, Rec("CHN", "GBR", X, "870380", 2022, 11, 1, 1)}, false)
          .ok());
  EXPECT_EQ(Int("SELECT COUNT(*) FROM records WHERE source = 'batch-source'"),
            1);
  EXPECT_EQ(Int("SELECT COUNT(*) FROM records WHERE source = 'query-fixture'"),
            1);
}

TEST_P(WriteRecordsTest, ANullBatchOnlyChecks) {
  BatchCounts counts;
  v1::TradeRecord valid = Rec("CHN", "BEL", X, "870380", 2022, 11, 1, 1);
  v1::TradeRecord invalid = Invalid();
  auto ok = ValidateAndUpsert(valid, "s", nullptr, counts);
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_FALSE(ok->has_value());
  auto bad = ValidateAndUpsert(invalid, "s", nullptr, counts);
  ASSERT_TRUE(bad.ok()) << bad.status();
  ASSERT_TRUE(bad->has_value());
  EXPECT_EQ((*bad)->field, "period.month");
  EXPECT_EQ(counts.received, 2);
  EXPECT_EQ(counts.rejected, 1);
  EXPECT_EQ(counts.inserted + counts.updated + counts.unchanged, 0);
  EXPECT_EQ(valid.source(), "query-fixture");
}

EVTRADE_INSTANTIATE_FOR_EACH_BACKEND(WriteRecordsTest);

}  // namespace
}  // namespace evtrade::store

// QueryStore on both backends: snapshots are whole batches and never wait
// for the writer; errors come back as statuses.
#include "common/store/query_store.h"

#include <fstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/store/open_store.h"
#include "common/store/rollup_check.h"
#include "gtest/gtest.h"
#include "tests/support/paths.h"
#include "tests/support/process.h"
#include "tests/support/query_fixture.h"
#include "tests/support/store_backends.h"

namespace evtrade::store {
namespace {

class QueryStoreTest : public ::testing::TestWithParam<testing::Backend> {
 protected:
  void SetUp() override {
    absl::StatusOr<std::string> db = testing::FreshStore(GetParam());
    ASSERT_TRUE(db.ok()) << db.status();
    config_.db = *db;
    auto ingest = OpenIngestStore(config_);
    ASSERT_TRUE(ingest.ok()) << ingest.status();
    ingest_ = *std::move(ingest);
    auto version =
        testing::IngestBatch(*ingest_, testing::FixtureBatch1(), "one");
    ASSERT_TRUE(version.ok()) << version.status();
    version_ = *version;
    readers_ = std::make_unique<QueryStoreFactory>(config_);
    auto reader = readers_->Open();
    ASSERT_TRUE(reader.ok()) << reader.status();
    reader_ = *std::move(reader);
  }

  static SeriesFilter Bev202111() { return testing::ChnBev202111(); }

  StoreConfig config_;
  std::unique_ptr<IngestStore> ingest_;
  int64_t version_ = 0;
  std::unique_ptr<QueryStoreFactory> readers_;
  std::unique_ptr<QueryStore> reader_;
};

EVTRADE_INSTANTIATE_FOR_EACH_BACKEND(QueryStoreTest);

TEST_P(QueryStoreTest, SnapshotKeepsItsBatchesWhileTheWriterCommits) {
  auto snapshot = reader_->BeginSnapshot();
  ASSERT_TRUE(snapshot.ok()) << snapshot.status();
  EXPECT_EQ((*snapshot)->data_version(), version_);
  auto cells = (*snapshot)->MonthlyByClass(Bev202111());
  ASSERT_TRUE(cells.ok()) << cells.status();
  ASSERT_EQ(cells->size(), 1u);
  EXPECT_EQ((*cells)[0].figures.value_usd, 1000);
  EXPECT_EQ((*cells)[0].world_rows, 1);
  EXPECT_EQ((*cells)[0].partner_sum_rows, 0);

  // The writer commits while the read transaction is open: it does not
  // wait for the reader, and the reader keeps seeing the older batch.
  auto revised =
      testing::IngestBatch(*ingest_, testing::FixtureBatch2(), "two");
  ASSERT_TRUE(revised.ok()) << revised.status();
  cells = (*snapshot)->MonthlyByClass(Bev202111());
  ASSERT_TRUE(cells.ok()) << cells.status();
  EXPECT_EQ((*cells)[0].figures.value_usd, 1000);
  auto info = (*snapshot)->Info();
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->data_version, version_);
  EXPECT_EQ(info->sources, std::vector<std::string>{"one"});

  // Only one snapshot per connection at a time.
  EXPECT_EQ(reader_->BeginSnapshot().status().code(),
            absl::StatusCode::kFailedPrecondition);
  snapshot->reset();

  auto next = reader_->BeginSnapshot();
  ASSERT_TRUE(next.ok()) << next.status();
  EXPECT_EQ((*next)->data_version(), *revised);
  cells = (*next)->MonthlyByClass(Bev202111());
  ASSERT_TRUE(cells.ok()) << cells.status();
  EXPECT_EQ((*cells)[0].figures.value_usd, 4000);
  EXPECT_EQ((*cells)[0].figures.quantity, 40);
  // The cached store info follows the new data_version.
  info = (*next)->Info();
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->data_version, *revised);
  EXPECT_EQ(info->record_count, 22);
  // The batches' sources, each once, ascending.
  EXPECT_EQ(info->sources, (std::vector<std::string>{"one", "two"}));
}

TEST_P(QueryStoreTest, TotalsRankingsAndRecordsFromTheRollups) {
  auto snapshot = reader_->BeginSnapshot();
  ASSERT_TRUE(snapshot.ok()) << snapshot.status();
  auto has = (*snapshot)->HasReporter("JPN");
  ASSERT_TRUE(has.ok());
  EXPECT_TRUE(*has);
  has = (*snapshot)->HasReporter("USA");
  ASSERT_TRUE(has.ok());
  EXPECT_FALSE(*has);

  // Manufacturer rows by manufacturer, world-else-partner per row.
  SeriesFilter november = Bev202111();
  november.classes = {PowertrainClass::kBev, PowertrainClass::kPhev};
  november.first = november.last = Month{2022, 11};
  auto makers = (*snapshot)->ManufacturerTotals(november);
  ASSERT_TRUE(makers.ok()) << makers.status();
  ASSERT_EQ(makers->size(), 2u);
  for (const NamedFigures& maker : *makers) {
    EXPECT_EQ(maker.figures,
              maker.name == "Tesla" ? (Figures{1800, 18}) : (Figures{300, 6}))
        << maker.name;
  }

  // Records: keyset after record 20 gives 21 and 22 only.
  auto records = (*snapshot)->ListRecords(RecordFilter(), 20, 10);
  ASSERT_TRUE(records.ok()) << records.status();
  ASSERT_EQ(records->size(), 2u);
  EXPECT_EQ((*records)[0].record_id, 21);
  EXPECT_EQ((*records)[0].record.reporter(), "DEU");
  EXPECT_EQ((*records)[1].record.reporter(), "JPN");
}

TEST(QueryStoreOpenTest, UnusableSqlitePathIsAStatusNotAnException) {
  const std::string dir = testing::MakeTempDir("sqlite_query_store_open");
  std::ofstream(dir + "/a_file") << "not a folder";
  StoreConfig config;
  config.db = dir + "/a_file/s.db";
  auto store = QueryStoreFactory(config).Open();
  EXPECT_FALSE(store.ok());
}

TEST(QueryStoreOpenTest, BadPostgresUriIsInvalidArgument) {
  StoreConfig config;
  config.db = "postgresql://127.0.0.1:notaport/x?nosuchoption=1";
  auto store = QueryStoreFactory(config).Open();
  EXPECT_EQ(store.status().code(), absl::StatusCode::kInvalidArgument);
}

// Readers of a database without the schema: the factory says not ready,
// a snapshot fails FAILED_PRECONDITION; once the ingest side has migrated,
// both succeed on the same store (no restart).
TEST(QueryStorePostgresTest, WaitsForTheSchemaOfTheIngestSide) {
  absl::StatusOr<std::string> db =
      testing::FreshStore(testing::Backend::kPostgres);
  ASSERT_TRUE(db.ok()) << db.status();
  StoreConfig config;
  config.db = *db;
  QueryStoreFactory readers(config);
  EXPECT_EQ(readers.SchemaReady().code(),
            absl::StatusCode::kFailedPrecondition);
  auto reader = readers.Open();
  ASSERT_TRUE(reader.ok()) << reader.status();
  EXPECT_EQ((*reader)->BeginSnapshot().status().code(),
            absl::StatusCode::kFailedPrecondition);
  auto ingest = OpenIngestStore(config);
  ASSERT_TRUE(ingest.ok()) << ingest.status();
  EXPECT_TRUE(readers.SchemaReady().ok());
  auto snapshot = (*reader)->BeginSnapshot();
  ASSERT_TRUE(snapshot.ok()) << snapshot.status();
  EXPECT_EQ((*snapshot)->data_version(), 0);
}

// The server ends every session of the store (a restart or failover looks
// the same to a client): the next snapshot and the next batch reconnect.
TEST(QueryStorePostgresTest, ReconnectsAfterTheServerDroppedTheSession) {
  absl::StatusOr<std::string> db =
      testing::FreshStore(testing::Backend::kPostgres);
  ASSERT_TRUE(db.ok()) << db.status();
  StoreConfig config;
  config.db = *db;
  auto ingest = OpenIngestStore(config);
  ASSERT_TRUE(ingest.ok()) << ingest.status();
  ASSERT_TRUE(
      testing::IngestBatch(**ingest, testing::FixtureBatch1(), "one").ok());
  QueryStoreFactory readers(config);
  auto reader = readers.Open();
  ASSERT_TRUE(reader.ok()) << reader.status();
  ASSERT_TRUE((*reader)->BeginSnapshot().ok());

  auto killed = RunStoreSql(
      config, {"SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity"
               " WHERE datname = current_database()"
               " AND pid <> pg_backend_pid()"});
  ASSERT_TRUE(killed.ok()) << killed.status();
  // The reader's session and the ingest store's writer and reader sessions.
  EXPECT_EQ((*killed)[0][0][0], "3");

  auto snapshot = (*reader)->BeginSnapshot();
  ASSERT_TRUE(snapshot.ok()) << snapshot.status();
  EXPECT_EQ((*snapshot)->data_version(), 1);
  auto version =
      testing::IngestBatch(**ingest, testing::FixtureBatch2(), "two");
  ASSERT_TRUE(version.ok()) << version.status();
  EXPECT_EQ(*version, 2);
}

TEST(QueryStorePostgresTest, UnreachableServerIsUnavailable) {
  StoreConfig config;
  config.db =
      absl::StrCat("postgresql://postgres@127.0.0.1:", testing::PickFreePort(),
                   "/evtrade?connect_timeout=2");
  QueryStoreFactory readers(config);
  EXPECT_EQ(readers.SchemaReady().code(), absl::StatusCode::kUnavailable);
  auto reader = readers.Open();
  ASSERT_TRUE(reader.ok()) << reader.status();
  EXPECT_EQ((*reader)->BeginSnapshot().status().code(),
            absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace evtrade::store

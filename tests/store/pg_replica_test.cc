// The read side on a PostgreSQL hot standby: a primary and a streaming
// standby (pg_basebackup -R) from tests/support/postgres_server.h. Ingest
// writes the primary; query stores read the standby and see whole batches
// once replayed, snapshots hold, and data_version never goes back for the
// stores of one process even when one of them reads a lagging replica.
#include <cstdint>
#include <iostream>
#include <memory>
#include <string>

#include "absl/time/clock.h"
#include "common/store/open_store.h"
#include "common/store/pg_connection.h"
#include "common/store/pg_query_store.h"
#include "gtest/gtest.h"
#include "tests/support/postgres_server.h"
#include "tests/support/query_fixture.h"

namespace evtrade::store {
namespace {

int64_t Bev202111Value(QuerySnapshot& snapshot) {
  auto cells = snapshot.MonthlyByClass(testing::ChnBev202111());
  EXPECT_TRUE(cells.ok()) << cells.status();
  return cells.ok() && cells->size() == 1 ? (*cells)[0].figures.value_usd : -1;
}

class PostgresReplicaTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto primary = testing::SharedPostgres();
    ASSERT_TRUE(primary.ok()) << primary.status();
    primary_ = *primary;
    auto db = primary_->CreateDatabase();
    ASSERT_TRUE(db.ok()) << db.status();
    dbname_ = new std::string(*db);
    // The schema exists before the copy; later batches stream over.
    StoreConfig config;
    config.db = primary_->Uri(*dbname_);
    ASSERT_TRUE(OpenIngestStore(config).ok());
    auto standby = testing::PostgresServer::StartStandby(*primary_);
    ASSERT_TRUE(standby.ok()) << standby.status();
    standby_ = standby->release();
  }

  static void TearDownTestSuite() {
    delete standby_;
    standby_ = nullptr;
    delete dbname_;
    dbname_ = nullptr;
  }

  void SetUp() override {
    ASSERT_NE(standby_, nullptr);
    StoreConfig config;
    config.db = primary_->Uri(*dbname_);
    auto ingest = OpenIngestStore(config);
    ASSERT_TRUE(ingest.ok()) << ingest.status();
    ingest_ = *std::move(ingest);
  }

  // A reader of the standby (or primary) with a floor of its own or `floor`.
  static std::unique_ptr<QueryStore> Reader(
      const testing::PostgresServer& server,
      std::shared_ptr<DataVersionFloor> floor = nullptr,
      absl::Duration replica_wait = absl::Seconds(2)) {
    PgQueryStoreOptions options;
    options.connection.uri = server.Uri(*dbname_);
    options.floor = std::move(floor);
    options.replica_wait = replica_wait;
    auto store = PgQueryStore::Open(options);
    EXPECT_TRUE(store.ok()) << store.status();
    return store.ok() ? *std::move(store) : nullptr;
  }

  // Polls fresh snapshots of `reader` until one shows `version`; returns
  // how long that took.
  static absl::Duration WaitForVersion(QueryStore& reader, int64_t version) {
    const absl::Time start = absl::Now();
    while (absl::Now() - start < absl::Seconds(30)) {
      auto snapshot = reader.BeginSnapshot();
      EXPECT_TRUE(snapshot.ok()) << snapshot.status();
      if (!snapshot.ok()) break;
      if ((*snapshot)->data_version() >= version) return absl::Now() - start;
      absl::SleepFor(absl::Microseconds(500));
    }
    ADD_FAILURE() << "standby never reached data_version " << version;
    return absl::InfiniteDuration();
  }

  static absl::Status StandbyCommand(const std::string& sql) {
    PgConnectionConfig config;
    config.uri = standby_->Uri("postgres");
    auto admin = PgConnection::Open(config);
    if (!admin.ok()) return admin.status();
    return (*admin)->Exec(sql).status();
  }

  static testing::PostgresServer* primary_;
  static testing::PostgresServer* standby_;
  static std::string* dbname_;
  std::unique_ptr<IngestStore> ingest_;
};

testing::PostgresServer* PostgresReplicaTest::primary_ = nullptr;
testing::PostgresServer* PostgresReplicaTest::standby_ = nullptr;
std::string* PostgresReplicaTest::dbname_ = nullptr;

TEST_F(PostgresReplicaTest, StandbySeesBatchesAfterReplayAndSnapshotsHold) {
  std::unique_ptr<QueryStore> reader = Reader(*standby_);
  ASSERT_NE(reader, nullptr);
  auto v1 = testing::IngestBatch(*ingest_, testing::FixtureBatch1(), "one");
  ASSERT_TRUE(v1.ok()) << v1.status();
  const absl::Duration lag1 = WaitForVersion(*reader, *v1);

  auto old = reader->BeginSnapshot();
  ASSERT_TRUE(old.ok()) << old.status();
  EXPECT_EQ((*old)->data_version(), *v1);
  EXPECT_EQ(Bev202111Value(**old), 1000);
  auto info = (*old)->Info();
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->record_count, 22);

  // A second reader sees the revision once replayed; the open snapshot of
  // the first keeps the figures of its data_version.
  std::unique_ptr<QueryStore> second = Reader(*standby_);
  auto v2 = testing::IngestBatch(*ingest_, testing::FixtureBatch2(), "two");
  ASSERT_TRUE(v2.ok()) << v2.status();
  EXPECT_EQ(*v2, *v1 + 1);
  const absl::Duration lag2 = WaitForVersion(*second, *v2);
  auto fresh = second->BeginSnapshot();
  ASSERT_TRUE(fresh.ok()) << fresh.status();
  EXPECT_EQ((*fresh)->data_version(), *v2);
  EXPECT_EQ(Bev202111Value(**fresh), 4000);
  EXPECT_EQ(Bev202111Value(**old), 1000);
  EXPECT_EQ((*old)->data_version(), *v1);
  std::cout << "replay lag seen on the standby (commit on the primary to "
               "a snapshot of the standby showing it): "
            << absl::FormatDuration(lag1) << " and "
            << absl::FormatDuration(lag2) << std::endl;
  EXPECT_LT(lag1, absl::Seconds(10));
  EXPECT_LT(lag2, absl::Seconds(10));
}

// Two stores of one process share a floor: one reads the primary, one a
// standby whose replay is paused. Once the primary answered a newer
// data_version, the standby store waits replica_wait and fails UNAVAILABLE
// rather than answer an older one; after replay resumes it answers again.
TEST_F(PostgresReplicaTest, DataVersionNeverGoesBackAcrossReplicas) {
  auto floor = std::make_shared<DataVersionFloor>();
  std::unique_ptr<QueryStore> on_primary = Reader(*primary_, floor);
  std::unique_ptr<QueryStore> on_standby =
      Reader(*standby_, floor, absl::Milliseconds(300));
  ASSERT_NE(on_primary, nullptr);
  ASSERT_NE(on_standby, nullptr);
  auto base = testing::IngestBatch(
      *ingest_,
      {testing::Rec("FRA", "W00", v1::FLOW_EXPORT, "870380", 2023, 1, 10, 1)},
      "base");
  ASSERT_TRUE(base.ok()) << base.status();
  WaitForVersion(*on_standby, *base);

  ASSERT_TRUE(StandbyCommand("SELECT pg_wal_replay_pause()").ok());
  auto newer = testing::IngestBatch(
      *ingest_,
      {testing::Rec("FRA", "W00", v1::FLOW_EXPORT, "870380", 2023, 1, 20, 2)},
      "newer");
  ASSERT_TRUE(newer.ok()) << newer.status();
  {
    auto snapshot = on_primary->BeginSnapshot();
    ASSERT_TRUE(snapshot.ok()) << snapshot.status();
    EXPECT_EQ((*snapshot)->data_version(), *newer);
  }
  EXPECT_EQ(floor->Get(), *newer);
  const absl::Time start = absl::Now();
  auto behind = on_standby->BeginSnapshot();
  EXPECT_EQ(behind.status().code(), absl::StatusCode::kUnavailable)
      << behind.status();
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(300));

  ASSERT_TRUE(StandbyCommand("SELECT pg_wal_replay_resume()").ok());
  std::unique_ptr<QueryStore> patient =
      Reader(*standby_, floor, absl::Seconds(10));
  auto caught_up = patient->BeginSnapshot();
  ASSERT_TRUE(caught_up.ok()) << caught_up.status();
  EXPECT_EQ((*caught_up)->data_version(), *newer);
}

// A standby is read-only: the ingest side cannot open on it.
TEST_F(PostgresReplicaTest, IngestOnAStandbyIsRefused) {
  StoreConfig config;
  config.db = standby_->Uri(*dbname_);
  auto ingest = OpenIngestStore(config);
  ASSERT_TRUE(ingest.ok()) << ingest.status();  // the schema is there
  auto batch = (*ingest)->BeginBatch(BatchMeta{});
  ASSERT_TRUE(batch.ok()) << batch.status();
  auto outcome = (*batch)->Upsert(
      testing::Rec("ITA", "W00", v1::FLOW_EXPORT, "870380", 2023, 1, 1, 1));
  EXPECT_EQ(outcome.status().code(), absl::StatusCode::kFailedPrecondition)
      << outcome.status();
}

}  // namespace
}  // namespace evtrade::store

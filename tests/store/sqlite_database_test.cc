#include "common/store/sqlite_database.h"

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "SQLiteCpp/Database.h"
#include "absl/strings/str_cat.h"
#include "common/store/schema.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/paths.h"

namespace evtrade::store {
namespace {

using ::testing::HasSubstr;

SqliteStoreConfig ConfigIn(const std::string& dir) {
  SqliteStoreConfig config;
  config.path = dir + "/evtrade.db";
  config.busy_timeout = absl::Milliseconds(1500);
  return config;
}

int64_t Int(SQLite::Database& db, const std::string& sql) {
  return db.execAndGet(sql).getInt64();
}

TEST(SqliteDatabaseTest, SetsWalFullSyncBusyTimeoutAndSchema) {
  const SqliteStoreConfig config = ConfigIn(testing::MakeTempDir("db"));
  absl::StatusOr<std::unique_ptr<SQLite::Database>> db =
      OpenSqliteDatabase(config);
  ASSERT_TRUE(db.ok()) << db.status();
  EXPECT_EQ((*db)->execAndGet("PRAGMA journal_mode").getString(), "wal");
  EXPECT_EQ(Int(**db, "PRAGMA synchronous"), 2);  // FULL
  EXPECT_EQ(Int(**db, "PRAGMA foreign_keys"), 1);
  EXPECT_EQ(Int(**db, "PRAGMA busy_timeout"), 1500);
  EXPECT_EQ(Int(**db, "PRAGMA user_version"), kSchemaVersion);
  EXPECT_EQ(Int(**db, "SELECT COUNT(*) FROM meta"), 3);
  EXPECT_EQ(Int(**db, "SELECT value FROM meta WHERE key = 'data_version'"), 0);
}

TEST(SqliteDatabaseTest, MigrationIsIdempotent) {
  const SqliteStoreConfig config = ConfigIn(testing::MakeTempDir("db"));
  {
    auto first = OpenSqliteDatabase(config);
    ASSERT_TRUE(first.ok()) << first.status();
    (*first)->exec("UPDATE meta SET value = 7 WHERE key = 'data_version'");
  }
  auto second = OpenSqliteDatabase(config);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(Int(**second, "PRAGMA user_version"), kSchemaVersion);
  // The schema was not applied again: the meta rows are the first ones.
  EXPECT_EQ(Int(**second, "SELECT COUNT(*) FROM meta"), 3);
  EXPECT_EQ(Int(**second, "SELECT value FROM meta WHERE key = 'data_version'"),
            7);
  // A second connection while the first is open also opens.
  auto third = OpenSqliteDatabase(config);
  ASSERT_TRUE(third.ok()) << third.status();
}

TEST(SqliteDatabaseTest, RefusesSchemaFromNewerBuild) {
  const SqliteStoreConfig config = ConfigIn(testing::MakeTempDir("db"));
  {
    auto db = OpenSqliteDatabase(config);
    ASSERT_TRUE(db.ok()) << db.status();
    (*db)->exec("PRAGMA user_version = " + std::to_string(kSchemaVersion + 1));
  }
  auto db = OpenSqliteDatabase(config);
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(
      std::string(db.status().message()),
      HasSubstr(absl::StrCat("has schema version ", kSchemaVersion + 1,
                             ", newer than the version ", kSchemaVersion)));
}

TEST(SqliteDatabaseTest, WithoutMigrateRefusesOldSchema) {
  SqliteStoreConfig config = ConfigIn(testing::MakeTempDir("db"));
  config.migrate = false;
  auto db = OpenSqliteDatabase(config);
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(db.status().message()),
              HasSubstr(absl::StrCat("has schema version 0, older than ",
                                     kSchemaVersion)));
  config.migrate = true;
  ASSERT_TRUE(OpenSqliteDatabase(config).ok());
  config.migrate = false;
  ASSERT_TRUE(OpenSqliteDatabase(config).ok());
}

TEST(SqliteDatabaseTest, CreatesMissingFolder) {
  SqliteStoreConfig config;
  config.path = testing::MakeTempDir("db") + "/var/sub/evtrade.db";
  auto db = OpenSqliteDatabase(config);
  ASSERT_TRUE(db.ok()) << db.status();
  EXPECT_TRUE(std::filesystem::exists(config.path));
}

TEST(SqliteDatabaseTest, EmptyPathIsInvalid) {
  auto db = OpenSqliteDatabase(SqliteStoreConfig{});
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(SqliteDatabaseTest, NotADatabaseIsDataLoss) {
  const SqliteStoreConfig config = ConfigIn(testing::MakeTempDir("db"));
  {
    std::ofstream out(config.path);
    out << std::string(4096, 'x');
  }
  auto db = OpenSqliteDatabase(config);
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(db.status().message()),
              HasSubstr("open store " + config.path));
}

TEST(SqliteDatabaseTest, UniqueViolationIsAlreadyExists) {
  const SqliteStoreConfig config = ConfigIn(testing::MakeTempDir("db"));
  auto db = OpenSqliteDatabase(config);
  ASSERT_TRUE(db.ok()) << db.status();
  try {
    (*db)->exec("INSERT INTO meta (key, value) VALUES ('data_version', 1)");
    FAIL() << "duplicate key accepted";
  } catch (const SQLite::Exception& e) {
    const absl::Status status = SqliteErrorToStatus(e, "insert meta");
    EXPECT_EQ(status.code(), absl::StatusCode::kAlreadyExists);
    EXPECT_THAT(std::string(status.message()), HasSubstr("insert meta: "));
  }
}

TEST(SqliteDatabaseTest, ScopedResetAllowsReuse) {
  const SqliteStoreConfig config = ConfigIn(testing::MakeTempDir("db"));
  auto db = OpenSqliteDatabase(config);
  ASSERT_TRUE(db.ok()) << db.status();
  SQLite::Statement st(**db, "SELECT value FROM meta WHERE key = ?1");
  for (int i = 0; i < 2; ++i) {
    ScopedStatementReset reset(st);
    st.bind(1, std::string("record_count"));
    ASSERT_TRUE(st.executeStep());
    EXPECT_EQ(st.getColumn(0).getInt64(), 0);
  }
  {
    ScopedStatementReset reset(st);
    // Bindings were cleared: NULL matches no key.
    EXPECT_FALSE(st.executeStep());
  }
}

}  // namespace
}  // namespace evtrade::store

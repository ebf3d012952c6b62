#include "tests/support/store_backends.h"

#include <vector>

#include "absl/strings/numbers.h"
#include "common/store/open_store.h"
#include "common/store/rollup_check.h"
#include "tests/support/paths.h"
#include "tests/support/postgres_server.h"

namespace evtrade::testing {

std::string BackendName(const ::testing::TestParamInfo<Backend>& info) {
  return info.param == Backend::kSqlite ? "Sqlite" : "Postgres";
}

absl::StatusOr<std::string> FreshStore(Backend backend) {
  if (backend == Backend::kPostgres) return FreshPostgresDatabase();
  return MakeTempDir("store") + "/evtrade.db";
}

int64_t StoreInt(const std::string& db, const std::string& sql) {
  store::StoreConfig config;
  config.db = db;
  absl::StatusOr<std::vector<store::SqlRows>> rows =
      store::RunStoreSql(config, {sql});
  EXPECT_TRUE(rows.ok()) << sql << ": " << rows.status();
  if (!rows.ok() || (*rows)[0].size() != 1 || (*rows)[0][0].size() != 1) {
    ADD_FAILURE() << sql << ": not one value";
    return -1;
  }
  int64_t value = 0;
  EXPECT_TRUE(absl::SimpleAtoi((*rows)[0][0][0], &value))
      << sql << ": " << (*rows)[0][0][0];
  return value;
}

}  // namespace evtrade::testing

#include "tests/support/store_backends.h"

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

}  // namespace evtrade::testing

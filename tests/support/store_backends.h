// Tests that run once per store backend: value-parameterized over Backend,
// each test on a fresh, empty store. PostgreSQL cases are named ".../Postgres"
// and labelled `postgres` in ctest (tests/CMakeLists.txt); they use the one
// throwaway server of the test executable (postgres_server.h).
#ifndef EVTRADE_TESTS_SUPPORT_STORE_BACKENDS_H_
#define EVTRADE_TESTS_SUPPORT_STORE_BACKENDS_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "gtest/gtest.h"

namespace evtrade::testing {

enum class Backend { kSqlite, kPostgres };

// "Sqlite" / "Postgres", for test names.
std::string BackendName(const ::testing::TestParamInfo<Backend>& info);

// A --db value naming a fresh, empty store: a new SQLite file in a new temp
// folder, or a new database on the shared PostgreSQL server.
absl::StatusOr<std::string> FreshStore(Backend backend);

// The single integer `sql` returns from the store `db` (as --db), read on a
// connection of its own; -1 and a test failure when it cannot be read.
int64_t StoreInt(const std::string& db, const std::string& sql);

}  // namespace evtrade::testing

// Instantiates a TEST_P suite once per backend.
#define EVTRADE_INSTANTIATE_FOR_EACH_BACKEND(suite)              \
  INSTANTIATE_TEST_SUITE_P(                                      \
      Store, suite,                                              \
      ::testing::Values(::evtrade::testing::Backend::kSqlite,    \
                        ::evtrade::testing::Backend::kPostgres), \
      ::evtrade::testing::BackendName)

#endif  // EVTRADE_TESTS_SUPPORT_STORE_BACKENDS_H_

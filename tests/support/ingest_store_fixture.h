// A fixture for tests of the ingest store, once per backend: a fresh store,
// opened for writing.
#ifndef EVTRADE_TESTS_SUPPORT_INGEST_STORE_FIXTURE_H_
#define EVTRADE_TESTS_SUPPORT_INGEST_STORE_FIXTURE_H_

#include <memory>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "common/store/ingest_store.h"
#include "common/store/open_store.h"
#include "gtest/gtest.h"
#include "tests/support/store_backends.h"

namespace evtrade::testing {

class FreshIngestStoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    absl::StatusOr<std::string> db = FreshStore(GetParam());
    ASSERT_TRUE(db.ok()) << db.status();
    config_.db = *db;
    ASSERT_NO_FATAL_FAILURE(OpenStore());
  }

  // (Re)opens store_ with config_ (the old one is closed first).
  void OpenStore() {
    store_.reset();
    absl::StatusOr<std::unique_ptr<store::IngestStore>> store =
        store::OpenIngestStore(config_);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
  }

  store::StoreConfig config_;
  std::unique_ptr<store::IngestStore> store_;
};

}  // namespace evtrade::testing

#endif  // EVTRADE_TESTS_SUPPORT_INGEST_STORE_FIXTURE_H_

// WatchDataVersion: the current data_version at once, each committed batch
// after, and the stream's end when the service stops watching.
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <memory>
#include <string>

#include "common/store/open_store.h"
#include "gtest/gtest.h"
#include "tests/support/query_fixture.h"
#include "tests/support/store_backends.h"

namespace evtrade {
namespace {

class QueryWatchTest : public ::testing::TestWithParam<testing::Backend> {
 protected:
  void SetUp() override {
    absl::StatusOr<std::string> db = testing::FreshStore(GetParam());
    ASSERT_TRUE(db.ok()) << db.status();
    store::StoreConfig config;
    config.db = *db;
    auto ingest = store::OpenIngestStore(config);
    ASSERT_TRUE(ingest.ok()) << ingest.status();
    ingest_ = *std::move(ingest);
    auto version =
        testing::IngestBatch(*ingest_, testing::FixtureBatch1(), "batch1");
    ASSERT_TRUE(version.ok()) << version.status();
    first_version_ = *version;
    auto server = testing::InProcessQueryServer::Start(*db);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
  }

  // A watch stream with a 20 s deadline (a test's bound, not the gateway's).
  std::unique_ptr<grpc::ClientReader<v1::WatchDataVersionResponse>> Watch(
      grpc::ClientContext& context) {
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(20));
    return server_->stub().WatchDataVersion(&context,
                                            v1::WatchDataVersionRequest());
  }

  std::unique_ptr<store::IngestStore> ingest_;
  int64_t first_version_ = 0;
  std::unique_ptr<testing::InProcessQueryServer> server_;
};

TEST_P(QueryWatchTest, TellsTheCurrentVersionThenEachBatch) {
  EXPECT_EQ(first_version_, 1);
  grpc::ClientContext context;
  auto stream = Watch(context);
  v1::WatchDataVersionResponse told;
  ASSERT_TRUE(stream->Read(&told));
  EXPECT_EQ(told.data_version(), 1);

  auto second =
      testing::IngestBatch(*ingest_, testing::FixtureBatch2(), "batch2");
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(*second, 2);
  ASSERT_TRUE(stream->Read(&told));
  EXPECT_EQ(told.data_version(), 2);

  // A second watcher is told the current version at once.
  grpc::ClientContext other_context;
  auto other = Watch(other_context);
  ASSERT_TRUE(other->Read(&told));
  EXPECT_EQ(told.data_version(), 2);

  context.TryCancel();
  EXPECT_EQ(stream->Finish().error_code(), grpc::StatusCode::CANCELLED);
  other_context.TryCancel();
  EXPECT_EQ(other->Finish().error_code(), grpc::StatusCode::CANCELLED);
}

TEST_P(QueryWatchTest, ReadsTheStoreOnlyWhileSomeoneWatches) {
  // The poller waits for a subscriber before its first read.
  EXPECT_EQ(server_->service().watch().reads(), 0);
  grpc::ClientContext context;
  auto stream = Watch(context);
  v1::WatchDataVersionResponse told;
  ASSERT_TRUE(stream->Read(&told));
  EXPECT_GE(server_->service().watch().reads(), 1);
  context.TryCancel();
  stream->Finish();
}

TEST_P(QueryWatchTest, EndWatchesEndsOpenStreamsAndRefusesNewOnes) {
  grpc::ClientContext context;
  auto stream = Watch(context);
  v1::WatchDataVersionResponse told;
  ASSERT_TRUE(stream->Read(&told));
  server_->service().EndWatches();
  EXPECT_FALSE(stream->Read(&told));
  grpc::Status status = stream->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(status.error_message(), "the server is stopping");

  grpc::ClientContext later_context;
  auto later = Watch(later_context);
  EXPECT_FALSE(later->Read(&told));
  EXPECT_EQ(later->Finish().error_code(), grpc::StatusCode::UNAVAILABLE);
}

EVTRADE_INSTANTIATE_FOR_EACH_BACKEND(QueryWatchTest);

}  // namespace
}  // namespace evtrade

// Reads while the writer commits: each read sees whole batches, and paging
// through ListRecords neither repeats nor misses a record.
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <chrono>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/store/open_store.h"
#include "gtest/gtest.h"
#include "tests/support/paths.h"
#include "tests/support/query_fixture.h"
#include "tests/support/store_backends.h"

namespace evtrade {
namespace {

using testing::Rec;

v1::Period P(int year, int month) { return testing::MakePeriod(year, month); }

// Polls `done` for up to 20 s (the other thread's step is a few ms).
template <typename Predicate>
void WaitUntil(Predicate done) {
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!done() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

using Key =
    std::tuple<std::string, std::string, int, std::string, int, std::string>;

Key KeyOf(const v1::TradeRecord& r) {
  return {r.reporter(),
          r.partner(),
          r.flow(),
          r.hs_code(),
          r.period().year() * 100 + r.period().month(),
          r.manufacturer()};
}

class QueryConcurrencyTest : public ::testing::TestWithParam<testing::Backend> {
 protected:
  void SetUp() override {
    absl::StatusOr<std::string> db = testing::FreshStore(GetParam());
    ASSERT_TRUE(db.ok()) << db.status();
    db_path_ = *db;
    store::StoreConfig config;
    config.db = db_path_;
    auto ingest = store::OpenIngestStore(config);
    ASSERT_TRUE(ingest.ok()) << ingest.status();
    ingest_ = *std::move(ingest);
    auto version =
        testing::IngestBatch(*ingest_, testing::FixtureBatch1(), "fixture");
    ASSERT_TRUE(version.ok()) << version.status();
    base_version_ = *version;
    auto server = testing::InProcessQueryServer::Start(db_path_, 3);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
  }

  // Batch k (1-based) of the writer: KOR's exports of month k (2020-01 +
  // k - 1) to USA and FRA, k dollars each, and a revision of a fixture
  // record (so existing records change while being paged).
  std::vector<v1::TradeRecord> WriterBatch(int k) {
    const int index = 2020 * 12 + (k - 1);
    const int year = index / 12, month = index % 12 + 1;
    return {
        Rec("KOR", "USA", v1::FLOW_EXPORT, "870380", year, month, k, 1),
        Rec("KOR", "FRA", v1::FLOW_EXPORT, "870380", year, month, k, 1),
        Rec("CHN", "GBR", v1::FLOW_EXPORT, "870380", 2022, 11, 1000 + k, 10),
    };
  }

  std::string db_path_;
  std::unique_ptr<store::IngestStore> ingest_;
  int64_t base_version_ = 0;
  std::unique_ptr<testing::InProcessQueryServer> server_;
};

EVTRADE_INSTANTIATE_FOR_EACH_BACKEND(QueryConcurrencyTest);

TEST_P(QueryConcurrencyTest, PagingWhileIngestingNeitherRepeatsNorMisses) {
  std::set<Key> at_start;
  for (const v1::TradeRecord& r : testing::FixtureBatch1()) {
    at_start.insert(KeyOf(r));
  }
  constexpr int kBatches = 12;
  std::atomic<int> committed{0};
  std::atomic<int> pages_read{0};
  std::thread writer([&] {
    for (int k = 1; k <= kBatches; ++k) {
      // Interleave: one batch per page the reader has read.
      WaitUntil([&] { return pages_read.load() >= k; });
      auto version = testing::IngestBatch(*ingest_, WriterBatch(k), "writer");
      ASSERT_TRUE(version.ok()) << version.status();
      committed.store(k);
    }
  });

  std::multiset<Key> seen;
  v1::ListRecordsRequest request;
  request.set_page_size(3);
  int pages = 0;
  do {
    grpc::ClientContext context;
    v1::ListRecordsResponse page;
    grpc::Status status = server_->stub().ListRecords(&context, request, &page);
    ASSERT_TRUE(status.ok()) << status.error_message();
    for (const v1::TradeRecord& r : page.records()) seen.insert(KeyOf(r));
    request.set_page_token(page.next_page_token());
    pages_read.store(++pages);
    // Let the writer commit before the next page.
    WaitUntil([&] { return committed.load() >= std::min(pages, kBatches); });
    ASSERT_LT(pages, 1000);
  } while (!request.page_token().empty());
  pages_read.store(kBatches);  // release the writer if the pages ran out
  writer.join();

  EXPECT_GE(committed.load(), 1) << "the writer never ran during paging";
  for (const Key& key : seen) {
    EXPECT_EQ(seen.count(key), 1u)
        << "record seen twice: " << std::get<0>(key) << " " << std::get<1>(key)
        << " " << std::get<4>(key);
  }
  for (const Key& key : at_start) {
    EXPECT_EQ(seen.count(key), 1u)
        << "record missed: " << std::get<0>(key) << " " << std::get<1>(key)
        << " " << std::get<4>(key);
  }
}

TEST_P(QueryConcurrencyTest, EveryReadSeesWholeBatches) {
  constexpr int kBatches = 25;
  std::atomic<bool> writer_done{false};
  std::thread writer([&] {
    for (int k = 1; k <= kBatches; ++k) {
      auto version = testing::IngestBatch(*ingest_, WriterBatch(k), "writer");
      ASSERT_TRUE(version.ok()) << version.status();
      // Each batch moves data_version by exactly one.
      EXPECT_EQ(*version, base_version_ + k);
    }
    writer_done.store(true);
  });

  int reads = 0;
  int64_t last_version = base_version_;
  // Keep reading until the writer is done, then once more.
  for (bool last = false; !last;) {
    last = writer_done.load();
    ++reads;
    v1::GetSeriesRequest request;
    request.set_reporter("KOR");
    *request.mutable_start() = P(2020, 1);
    *request.mutable_end() = P(2022, 12);
    grpc::ClientContext context;
    v1::GetSeriesResponse series;
    grpc::Status status = server_->stub().GetSeries(&context, request, &series);
    if (status.error_code() == grpc::StatusCode::NOT_FOUND) continue;  // k=0
    ASSERT_TRUE(status.ok()) << status.error_message();
    // Whole batches: months 1..n have data, month k worth 2k, and n is
    // exactly the number of batches the snapshot's data_version names.
    const int64_t batches = series.data_version() - base_version_;
    ASSERT_GE(series.data_version(), last_version);  // never goes back
    last_version = series.data_version();
    for (int i = 0; i < series.points_size(); ++i) {
      const v1::SeriesPoint& p = series.points(i);
      const int k = i + 1;
      ASSERT_EQ(p.has_data(), k <= batches)
          << "month " << k << " at version " << series.data_version();
      if (p.has_data()) {
        ASSERT_EQ(p.value_usd(), 2 * k);
        ASSERT_EQ(p.quantity(), 2);
      }
    }

    grpc::ClientContext info_context;
    v1::GetStoreInfoResponse info;
    ASSERT_TRUE(
        server_->stub()
            .GetStoreInfo(&info_context, v1::GetStoreInfoRequest(), &info)
            .ok());
    ASSERT_EQ(info.record_count(),
              22 + 2 * (info.data_version() - base_version_));
  }
  writer.join();
  EXPECT_EQ(last_version, base_version_ + kBatches);
  EXPECT_GT(reads, 1);
}

}  // namespace
}  // namespace evtrade

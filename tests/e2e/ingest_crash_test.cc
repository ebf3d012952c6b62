// Crash safety with real processes: the ingest service is killed with
// SIGKILL in the middle of a stream, at several points, and restarted on the
// same store. Every acknowledged batch must be there, whole, and nothing of
// the interrupted stream.
#include <csignal>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "SQLiteCpp/SQLiteCpp.h"
#include "absl/strings/str_cat.h"
#include "common/client/ingest_client.h"
#include "gtest/gtest.h"
#include "tests/support/paths.h"
#include "tests/support/process.h"

namespace evtrade {
namespace {

constexpr char kToken[] = "crash-test-token";
constexpr int kRecordsPerMessage = 1000;

// The partners batches write to: each batch gets its own, so record keys
// never collide and counts add up.
constexpr const char* kPartners[] = {"BEL", "GBR", "FRA", "DEU", "ESP", "ITA",
                                     "NLD", "AUS", "THA", "MEX", "CHL", "BRA",
                                     "RUS", "SAU", "ARE", "ISR", "KOR", "JPN"};

// `count` records for one partner: distinct (hs_code, period) keys.
std::vector<v1::TradeRecord> Records(const std::string& partner, int first,
                                     int count) {
  static constexpr const char* kCodes[] = {
      "870321", "870322", "870323", "870324", "870331", "870332",
      "870333", "870340", "870350", "870360", "870370", "870380"};
  std::vector<v1::TradeRecord> out;
  for (int i = first; i < first + count; ++i) {
    v1::TradeRecord r;
    r.set_reporter("CHN");
    r.set_partner(partner);
    r.set_flow(v1::FLOW_EXPORT);
    r.set_hs_code(kCodes[i % 12]);
    r.mutable_period()->set_year(1950 + i / 12 / 12);
    r.mutable_period()->set_month(1 + i / 12 % 12);
    r.set_value_usd(1000 + i);
    r.set_quantity(1);
    out.push_back(std::move(r));
  }
  return out;
}

class IngestCrashTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::MakeTempDir("ingest_crash");
    db_path_ = dir_ + "/evtrade.db";
    token_path_ = dir_ + "/ingest.token";
    std::ofstream(token_path_) << kToken << "\n";
  }

  void Start() {
    address_ = testing::FreeLoopbackAddress();
    auto process = testing::Process::Start(
        {.binary = testing::BinDir() + "/ingest_service",
         .args = {absl::StrCat("--listen=", address_),
                  absl::StrCat("--db=", db_path_),
                  absl::StrCat("--token_file=", token_path_),
                  absl::StrCat("--metrics_listen=",
                               testing::FreeLoopbackAddress()),
                  "--log_level=warn"},
         .env = {},
         .unset_env = {"EVTRADE_LISTEN", "EVTRADE_DB", "EVTRADE_TOKEN_FILE",
                       "EVTRADE_TOKEN_ENV", "EVTRADE_METRICS_LISTEN"},
         .log_dir = dir_});
    ASSERT_TRUE(process.ok()) << process.status();
    process_ = *std::move(process);
    ASSERT_TRUE(testing::WaitForHealthServing(address_, absl::Seconds(20)).ok())
        << process_->Stderr();
    client_ = std::make_unique<IngestClient>(
        IngestClientConfig{.address = address_, .token = kToken});
  }

  void KillHard() {
    ASSERT_TRUE(process_->Kill(SIGKILL).ok());
    auto code = process_->Wait(absl::Seconds(10));
    ASSERT_TRUE(code.ok()) << code.status();
    EXPECT_EQ(*code, 128 + SIGKILL);
    client_.reset();
    process_.reset();
  }

  // A full, acknowledged batch of `messages` messages for `partner`.
  void IngestAcknowledged(const std::string& partner, int messages) {
    auto stream = client_->StartIngest({.request_id = partner});
    for (int m = 0; m < messages; ++m) {
      ASSERT_TRUE(stream->Send(
          Records(partner, m * kRecordsPerMessage, kRecordsPerMessage)));
    }
    auto response = stream->Finish();
    ASSERT_TRUE(response.ok()) << response.status();
    ASSERT_EQ(response->inserted(), messages * kRecordsPerMessage);
    acknowledged_.push_back({partner, messages * kRecordsPerMessage});
  }

  int64_t Count(const std::string& sql) {
    SQLite::Database db(db_path_, SQLite::OPEN_READONLY);
    return db.execAndGet(sql).getInt64();
  }

  // The store holds exactly the acknowledged batches.
  void ExpectOnlyAcknowledged(const std::string& interrupted) {
    int64_t records = 0;
    for (const auto& [partner, count] : acknowledged_) {
      EXPECT_EQ(Count(absl::StrCat("SELECT COUNT(*) FROM records WHERE "
                                   "partner = '",
                                   partner, "'")),
                count)
          << partner;
      records += count;
    }
    EXPECT_EQ(
        Count(absl::StrCat("SELECT COUNT(*) FROM records WHERE partner = '",
                           interrupted, "'")),
        0)
        << "interrupted stream " << interrupted;
    EXPECT_EQ(Count("SELECT COUNT(*) FROM records"), records);
    EXPECT_EQ(Count("SELECT value FROM meta WHERE key = 'record_count'"),
              records);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM batches"),
              static_cast<int64_t>(acknowledged_.size()));
    // And the restarted service agrees.
    auto page = client_->ListBatches(100, "");
    ASSERT_TRUE(page.ok()) << page.status();
    ASSERT_EQ(page->batches_size(), static_cast<int>(acknowledged_.size()));
    for (int i = 0; i < page->batches_size(); ++i) {
      const auto& [partner, count] =
          acknowledged_[acknowledged_.size() - 1 - i];
      EXPECT_EQ(page->batches(i).request_id(), partner);
      EXPECT_EQ(page->batches(i).inserted(), count);
    }
  }

  std::string dir_;
  std::string db_path_;
  std::string token_path_;
  std::string address_;
  std::unique_ptr<testing::Process> process_;
  std::unique_ptr<IngestClient> client_;
  std::vector<std::pair<std::string, int>> acknowledged_;
};

TEST_F(IngestCrashTest, KilledMidStreamKeepsAcknowledgedBatchesOnly) {
  // How many messages of the interrupted stream are sent before the kill:
  // none (stream open, batch not begun), one, several, and all of them
  // without the half-close.
  const int kSentBeforeKill[] = {0, 1, 4, 12};
  int partner = 0;
  Start();
  for (int sent : kSentBeforeKill) {
    SCOPED_TRACE(absl::StrCat("killed after ", sent, " messages"));
    IngestAcknowledged(kPartners[partner++], 2);
    const std::string interrupted = kPartners[partner++];
    auto stream = client_->StartIngest({.request_id = interrupted});
    for (int m = 0; m < sent; ++m) {
      ASSERT_TRUE(stream->Send(
          Records(interrupted, m * kRecordsPerMessage, kRecordsPerMessage)));
    }
    // Give the server time to write what it got into its transaction.
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    KillHard();
    EXPECT_FALSE(stream->Finish().ok());
    Start();
    ExpectOnlyAcknowledged(interrupted);
    // The interrupted request id was never committed: a retry writes.
    auto retry = client_->StartIngest({.request_id = interrupted});
    ASSERT_TRUE(retry->Send(Records(interrupted, 0, 10)));
    auto response = retry->Finish();
    ASSERT_TRUE(response.ok()) << response.status();
    EXPECT_FALSE(response->replayed());
    EXPECT_EQ(response->inserted(), 10);
    acknowledged_.push_back({interrupted, 10});
  }
}

TEST_F(IngestCrashTest, KilledDuringCommitLeavesTheBatchWholeOrAbsent) {
  Start();
  IngestAcknowledged("BEL", 1);
  auto stream = client_->StartIngest({.request_id = "GBR"});
  for (int m = 0; m < 20; ++m) {
    ASSERT_TRUE(stream->Send(
        Records("GBR", m * kRecordsPerMessage, kRecordsPerMessage)));
  }
  // Half-close, then kill without waiting for the answer: the commit may
  // or may not have happened, but never in part.
  std::thread finisher([&] { stream->Finish().IgnoreError(); });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  KillHard();
  finisher.join();
  Start();
  const int64_t gbr =
      Count("SELECT COUNT(*) FROM records WHERE partner = 'GBR'");
  const int64_t batches = Count("SELECT COUNT(*) FROM batches");
  if (gbr == 0) {
    EXPECT_EQ(batches, 1);
  } else {
    EXPECT_EQ(gbr, 20 * kRecordsPerMessage);
    EXPECT_EQ(batches, 2);
  }
  EXPECT_EQ(Count("SELECT COUNT(*) FROM records WHERE partner = 'BEL'"),
            kRecordsPerMessage);
}

}  // namespace
}  // namespace evtrade

// IngestStore, the same contract on both backends (SQLite file and
// PostgreSQL database): batches, revisions, rollups, request ids, writers.
#include "common/store/ingest_store.h"

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <iostream>
#include <map>
#include <memory>
#include <numeric>
#include <random>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "common/store/open_store.h"
#include "common/store/rollup_check.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/ingest_store_fixture.h"
#include "tests/support/store_backends.h"

namespace evtrade::store {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

v1::TradeRecord Rec(std::string reporter, std::string partner,
                    std::string hs_code, int period_key, int64_t value,
                    int64_t quantity, int64_t weight = 0,
                    std::string manufacturer = "",
                    v1::Flow flow = v1::FLOW_EXPORT) {
  v1::TradeRecord r;
  r.set_reporter(std::move(reporter));
  r.set_partner(std::move(partner));
  r.set_flow(flow);
  r.set_hs_code(std::move(hs_code));
  r.mutable_period()->set_year(period_key / 100);
  r.mutable_period()->set_month(period_key % 100);
  r.set_value_usd(value);
  r.set_quantity(quantity);
  r.set_net_weight_kg(weight);
  r.set_manufacturer(std::move(manufacturer));
  r.set_source("test");
  return r;
}

class IngestStoreTest : public testing::FreshIngestStoreTest {
 protected:
  std::unique_ptr<BatchWriter> Begin(std::string request_id = "") {
    BatchMeta meta;
    meta.request_id = std::move(request_id);
    meta.source = "unit";
    meta.writer = "tester";
    auto batch = store_->BeginBatch(meta);
    EXPECT_TRUE(batch.ok()) << batch.status();
    return batch.ok() ? *std::move(batch) : nullptr;
  }

  UpsertOutcome Up(BatchWriter& batch, const v1::TradeRecord& record) {
    absl::StatusOr<UpsertOutcome> outcome = batch.Upsert(record);
    EXPECT_TRUE(outcome.ok()) << outcome.status();
    return outcome.value_or(UpsertOutcome::kUnchanged);
  }

  BatchInfo Commit(BatchWriter& batch, BatchCounts counts = {},
                   std::string response = "r") {
    absl::StatusOr<BatchInfo> info = batch.Commit(counts, std::move(response));
    EXPECT_TRUE(info.ok()) << info.status();
    return info.value_or(BatchInfo{});
  }

  int64_t Int(const std::string& sql) {
    const std::vector<std::string> rows = Rows(sql);
    EXPECT_EQ(rows.size(), 1u) << sql;
    return rows.empty() ? -1 : std::stoll(rows[0]);
  }

  int64_t Meta(const std::string& key) {
    return Int("SELECT value FROM meta WHERE key = '" + key + "'");
  }

  // Rows of `sql` (on a connection of its own) as strings, columns joined
  // by '|'.
  std::vector<std::string> Rows(const std::string& sql) {
    absl::StatusOr<std::vector<SqlRows>> result = RunStoreSql(config_, {sql});
    EXPECT_TRUE(result.ok()) << result.status();
    std::vector<std::string> rows;
    if (!result.ok()) return rows;
    for (const std::vector<std::string>& row : (*result)[0]) {
      rows.push_back(absl::StrJoin(row, "|"));
    }
    return rows;
  }

  void Exec(const std::string& sql) {
    absl::StatusOr<std::vector<SqlRows>> result = RunStoreSql(config_, {sql});
    ASSERT_TRUE(result.ok()) << result.status();
  }

  void ExpectRollupsConsistent() {
    absl::StatusOr<std::vector<std::string>> diff = RollupDifferences(config_);
    ASSERT_TRUE(diff.ok()) << diff.status();
    EXPECT_THAT(*diff, IsEmpty());
  }
};

EVTRADE_INSTANTIATE_FOR_EACH_BACKEND(IngestStoreTest);

TEST_P(IngestStoreTest, InsertThenUnchangedThenUpdated) {
  auto b1 = Begin();
  EXPECT_EQ(b1->batch_id(), 1);
  EXPECT_EQ(b1->data_version(), 1);
  EXPECT_EQ(Up(*b1, Rec("CHN", "BEL", "870380", 202211, 1000, 40, 70)),
            UpsertOutcome::kInserted);
  EXPECT_EQ(Up(*b1, Rec("CHN", "GBR", "870380", 202211, 500, 20, 30)),
            UpsertOutcome::kInserted);
  Commit(*b1);
  b1.reset();

  auto b2 = Begin();
  EXPECT_EQ(b2->batch_id(), 2);
  EXPECT_EQ(b2->data_version(), 2);
  EXPECT_EQ(Up(*b2, Rec("CHN", "BEL", "870380", 202211, 1000, 40, 70)),
            UpsertOutcome::kUnchanged);
  EXPECT_EQ(Up(*b2, Rec("CHN", "GBR", "870380", 202211, 650, 25, 30)),
            UpsertOutcome::kUpdated);
  // Only the weight differs: still a revision.
  EXPECT_EQ(Up(*b2, Rec("CHN", "BEL", "870380", 202211, 1000, 40, 71)),
            UpsertOutcome::kUpdated);
  // A different key (other month) is new.
  EXPECT_EQ(Up(*b2, Rec("CHN", "BEL", "870380", 202210, 900, 35)),
            UpsertOutcome::kInserted);
  Commit(*b2);
  b2.reset();

  EXPECT_THAT(Rows("SELECT partner, period, value_usd, quantity, "
                   "net_weight_kg, batch_id FROM records ORDER BY record_id"),
              ElementsAre("BEL|202211|1000|40|71|2", "GBR|202211|650|25|30|2",
                          "BEL|202210|900|35|0|2"));
  EXPECT_EQ(Meta("record_count"), 3);
  ExpectRollupsConsistent();
}

TEST_P(IngestStoreTest, RevisionKeepsOldFiguresWithTheirBatch) {
  auto b1 = Begin();
  Up(*b1, Rec("CHN", "BEL", "870380", 202211, 1000, 40, 70));
  Commit(*b1);
  b1.reset();
  auto b2 = Begin();
  Up(*b2, Rec("CHN", "DEU", "870380", 202211, 1, 1));  // unrelated
  Commit(*b2);
  b2.reset();
  auto b3 = Begin();
  v1::TradeRecord revised = Rec("CHN", "BEL", "870380", 202211, 1200, 45, 80);
  revised.set_source("revised-source");
  EXPECT_EQ(Up(*b3, revised), UpsertOutcome::kUpdated);
  Commit(*b3);
  b3.reset();
  auto b4 = Begin();
  EXPECT_EQ(Up(*b4, Rec("CHN", "BEL", "870380", 202211, 1300, 45, 80)),
            UpsertOutcome::kUpdated);
  Commit(*b4);
  b4.reset();

  // record_id 1 is CHN->BEL. Each revision row holds the figures it
  // replaced, the batch that had written them and the batch that replaced
  // them.
  EXPECT_THAT(
      Rows("SELECT record_id, batch_id, replaced_by_batch, "
           "value_usd, quantity, net_weight_kg, source "
           "FROM record_revisions ORDER BY revision_id"),
      ElementsAre("1|1|3|1000|40|70|test", "1|3|4|1200|45|80|revised-source"));
  EXPECT_THAT(Rows("SELECT value_usd, quantity, batch_id, source "
                   "FROM records WHERE record_id = 1"),
              ElementsAre("1300|45|4|test"));
  EXPECT_EQ(Meta("record_count"), 2);
}

TEST_P(IngestStoreTest, RollupsOfWorldPartnerAndManufacturerRows) {
  auto b = Begin();
  Up(*b, Rec("CHN", "W00", "870380", 202211, 3000, 100));
  Up(*b, Rec("CHN", "BEL", "870380", 202211, 1000, 40));
  Up(*b, Rec("CHN", "GBR", "870380", 202211, 800, 30));
  Up(*b, Rec("CHN", "S19", "870360", 202211, 200, 10));
  Up(*b, Rec("CHN", "W00", "870380", 202211, 900, 37, 0, "Tesla"));
  Up(*b, Rec("CHN", "BEL", "870380", 202211, 400, 16, 0, "Tesla"));
  Up(*b, Rec("CHN", "BEL", "850760", 202211, 55, 5));
  Commit(*b);
  b.reset();

  EXPECT_THAT(
      Rows("SELECT manufacturer, hs_code, powertrain, has_world, world_value, "
           "world_quantity, partner_rows, partner_value, partner_quantity "
           "FROM hs_month ORDER BY manufacturer, hs_code"),
      ElementsAre("|850760|0|0|0|0|1|55|5", "|870360|2|0|0|0|1|200|10",
                  "|870380|1|1|3000|100|2|1800|70",
                  "Tesla|870380|1|1|900|37|1|400|16"));
  EXPECT_THAT(Rows("SELECT powertrain, partner, rows, value_usd, quantity "
                   "FROM partner_month ORDER BY powertrain, partner"),
              ElementsAre("0|BEL|1|55|5", "1|BEL|1|1000|40", "1|GBR|1|800|30",
                          "2|S19|1|200|10"));

  // Revisions move the rollups by the difference.
  b = Begin();
  Up(*b, Rec("CHN", "W00", "870380", 202211, 3200, 110));
  Up(*b, Rec("CHN", "BEL", "870380", 202211, 700, 25));
  Commit(*b);
  b.reset();
  EXPECT_THAT(Rows("SELECT world_value, world_quantity, partner_rows, "
                   "partner_value, partner_quantity FROM hs_month "
                   "WHERE manufacturer = '' AND hs_code = '870380'"),
              ElementsAre("3200|110|2|1500|55"));
  EXPECT_THAT(Rows("SELECT rows, value_usd, quantity FROM partner_month "
                   "WHERE partner = 'BEL' AND powertrain = 1"),
              ElementsAre("1|700|25"));
  ExpectRollupsConsistent();
}

TEST_P(IngestStoreTest, DestroyWithoutCommitRollsBack) {
  {
    auto b = Begin();
    Up(*b, Rec("CHN", "W00", "870380", 202211, 3000, 100));
    Up(*b, Rec("CHN", "BEL", "870380", 202211, 1000, 40));
  }
  EXPECT_EQ(Int("SELECT COUNT(*) FROM records"), 0);
  EXPECT_EQ(Int("SELECT COUNT(*) FROM hs_month"), 0);
  EXPECT_EQ(Int("SELECT COUNT(*) FROM partner_month"), 0);
  EXPECT_EQ(Int("SELECT COUNT(*) FROM batches"), 0);
  EXPECT_EQ(Meta("data_version"), 0);
  EXPECT_EQ(Meta("record_count"), 0);

  // The rolled-back batch used no id or version.
  auto b = Begin();
  EXPECT_EQ(b->batch_id(), 1);
  EXPECT_EQ(b->data_version(), 1);
  EXPECT_EQ(Up(*b, Rec("CHN", "BEL", "870380", 202211, 1000, 40)),
            UpsertOutcome::kInserted);
  Commit(*b);
  b.reset();

  // A revision rolled back leaves the old figures and no revision row.
  {
    auto r = Begin();
    EXPECT_EQ(Up(*r, Rec("CHN", "BEL", "870380", 202211, 5, 1)),
              UpsertOutcome::kUpdated);
  }
  EXPECT_THAT(Rows("SELECT value_usd, quantity FROM records"),
              ElementsAre("1000|40"));
  EXPECT_EQ(Int("SELECT COUNT(*) FROM record_revisions"), 0);
  ExpectRollupsConsistent();
}

TEST_P(IngestStoreTest, DataVersionGrowsByOnePerCommit) {
  for (int i = 1; i <= 3; ++i) {
    auto b = Begin();
    Up(*b, Rec("CHN", "BEL", "870380", 202200 + i, 10 * i, i));
    const absl::Time before = absl::Now();
    BatchInfo info = Commit(*b);
    EXPECT_EQ(info.batch_id, i);
    EXPECT_EQ(info.data_version, i);
    EXPECT_EQ(Meta("data_version"), i);
    EXPECT_EQ(Meta("record_count"), i);
    EXPECT_GE(Meta("last_ingest_ms"), absl::ToUnixMillis(before));
    EXPECT_EQ(Meta("last_ingest_ms"), absl::ToUnixMillis(info.ingest_time));
  }
  // An all-unchanged batch still commits a new version.
  auto b = Begin();
  EXPECT_EQ(Up(*b, Rec("CHN", "BEL", "870380", 202201, 10, 1)),
            UpsertOutcome::kUnchanged);
  EXPECT_EQ(Commit(*b).data_version, 4);
  EXPECT_EQ(Meta("data_version"), 4);
  EXPECT_EQ(Meta("record_count"), 3);
}

TEST_P(IngestStoreTest, CommitIsOnceOnly) {
  auto b = Begin();
  Up(*b, Rec("CHN", "BEL", "870380", 202211, 1000, 40));
  Commit(*b);
  absl::StatusOr<BatchInfo> again = b->Commit({}, "");
  EXPECT_EQ(again.status().code(), absl::StatusCode::kFailedPrecondition);
  absl::StatusOr<UpsertOutcome> late =
      b->Upsert(Rec("CHN", "GBR", "870380", 202211, 1, 1));
  EXPECT_EQ(late.status().code(), absl::StatusCode::kFailedPrecondition);
  b.reset();
  EXPECT_EQ(Meta("data_version"), 1);
  EXPECT_EQ(Int("SELECT COUNT(*) FROM records"), 1);
}

TEST_P(IngestStoreTest, BatchRowAndResponseByRequestId) {
  auto b = Begin("req-1");
  Up(*b, Rec("CHN", "BEL", "870380", 202211, 1000, 40));
  BatchCounts counts;
  counts.received = 3;
  counts.inserted = 1;
  counts.rejected = 2;
  Commit(*b, counts, std::string("resp\0bytes", 10));
  b.reset();

  absl::StatusOr<std::optional<std::string>> found =
      store_->FindResponse("req-1");
  ASSERT_TRUE(found.ok()) << found.status();
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ(**found, std::string("resp\0bytes", 10));
  found = store_->FindResponse("req-2");
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_FALSE(found->has_value());

  // Without a request id the column is NULL, so any number of them commit.
  for (int i = 0; i < 2; ++i) {
    auto anon = Begin();
    Commit(*anon);
  }
  // An empty response is kept as an empty response.
  auto empty = Begin("empty");
  Commit(*empty, {}, "");
  empty.reset();
  found = store_->FindResponse("empty");
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_EQ(found->value_or("absent"), "");
  EXPECT_THAT(Rows("SELECT batch_id, COALESCE(request_id, 'NULL'), source, "
                   "writer, received, inserted, updated, unchanged, "
                   "rejected, data_version FROM batches ORDER BY batch_id"),
              ElementsAre("1|req-1|unit|tester|3|1|0|0|2|1",
                          "2|NULL|unit|tester|0|0|0|0|0|2",
                          "3|NULL|unit|tester|0|0|0|0|0|3",
                          "4|empty|unit|tester|0|0|0|0|0|4"));
}

TEST_P(IngestStoreTest, SameRequestIdCommitsOnce) {
  // Both streams passed FindResponse before either committed.
  auto first = Begin("dup");
  Up(*first, Rec("CHN", "BEL", "870380", 202211, 1000, 40));
  Commit(*first, {}, "first response");
  first.reset();

  auto second = Begin("dup");
  EXPECT_EQ(Up(*second, Rec("CHN", "GBR", "870380", 202211, 5, 1)),
            UpsertOutcome::kInserted);
  absl::StatusOr<BatchInfo> info = second->Commit({}, "second response");
  ASSERT_FALSE(info.ok());
  EXPECT_EQ(info.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(std::string(info.status().message()),
              HasSubstr("request_id dup was committed by batch 1"));
  second.reset();

  EXPECT_EQ(Int("SELECT COUNT(*) FROM batches"), 1);
  EXPECT_THAT(Rows("SELECT partner FROM records"), ElementsAre("BEL"));
  EXPECT_EQ(Meta("data_version"), 1);
  absl::StatusOr<std::optional<std::string>> found =
      store_->FindResponse("dup");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->value_or(""), "first response");
  ExpectRollupsConsistent();
}

TEST_P(IngestStoreTest, ListBatchesNewestFirstByKeyset) {
  for (int i = 1; i <= 5; ++i) {
    auto b = Begin(i == 2 ? "two" : "");
    BatchCounts counts;
    counts.received = i;
    Commit(*b, counts);
  }
  absl::StatusOr<BatchPage> page = store_->ListBatches(2, std::nullopt);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->batches.size(), 2u);
  EXPECT_EQ(page->batches[0].batch_id, 5);
  EXPECT_EQ(page->batches[0].counts.received, 5);
  EXPECT_EQ(page->batches[0].data_version, 5);
  EXPECT_EQ(page->batches[0].meta.source, "unit");
  EXPECT_EQ(page->batches[0].meta.writer, "tester");
  EXPECT_EQ(page->batches[1].batch_id, 4);
  EXPECT_EQ(page->next_before_batch_id, 4);

  page = store_->ListBatches(2, 4);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->batches.size(), 2u);
  EXPECT_EQ(page->batches[0].batch_id, 3);
  EXPECT_EQ(page->batches[1].batch_id, 2);
  EXPECT_EQ(page->batches[1].meta.request_id, "two");
  EXPECT_EQ(page->next_before_batch_id, 2);

  page = store_->ListBatches(2, 2);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->batches.size(), 1u);
  EXPECT_EQ(page->batches[0].batch_id, 1);
  EXPECT_EQ(page->batches[0].meta.request_id, "");
  EXPECT_EQ(page->next_before_batch_id, std::nullopt);

  // Exactly a page left: no next token.
  page = store_->ListBatches(5, std::nullopt);
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->batches.size(), 5u);
  EXPECT_EQ(page->next_before_batch_id, std::nullopt);

  EXPECT_EQ(store_->ListBatches(0, std::nullopt).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_P(IngestStoreTest, ReadsAnswerWhileABatchIsOpen) {
  auto done = Begin("done");
  Commit(*done, {}, "done response");
  done.reset();
  auto open = Begin();
  Up(*open, Rec("CHN", "BEL", "870380", 202211, 1000, 40));
  // The writer slot is held; FindResponse and ListBatches still answer and
  // see only committed batches.
  absl::StatusOr<std::optional<std::string>> found =
      store_->FindResponse("done");
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_EQ(found->value_or(""), "done response");
  absl::StatusOr<BatchPage> page = store_->ListBatches(10, std::nullopt);
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->batches.size(), 1u);
  EXPECT_EQ(Int("SELECT COUNT(*) FROM records"), 0);
}

TEST_P(IngestStoreTest, BeginBatchWaitsForTheOpenBatch) {
  auto first = Begin();
  std::atomic<bool> second_began = false;
  int64_t second_id = 0;
  std::thread waiter([&] {
    auto second = Begin();
    second_began = true;
    second_id = second->batch_id();
    Commit(*second);
  });
  absl::SleepFor(absl::Milliseconds(100));
  EXPECT_FALSE(second_began.load());
  Commit(*first);
  first.reset();  // releases the slot
  waiter.join();
  EXPECT_TRUE(second_began.load());
  EXPECT_EQ(second_id, 2);
  EXPECT_EQ(Meta("data_version"), 2);
}

TEST_P(IngestStoreTest, SecondStoreWaitsOrFailsUnavailable) {
  // Another process (here: another store) holds the writer lock longer than
  // the lock timeout: BeginBatch fails UNAVAILABLE instead of interleaving.
  StoreConfig impatient = config_;
  impatient.lock_timeout = absl::Milliseconds(50);
  auto other = OpenIngestStore(impatient);
  ASSERT_TRUE(other.ok()) << other.status();
  auto held = Begin();
  auto blocked = (*other)->BeginBatch(BatchMeta{});
  ASSERT_FALSE(blocked.ok());
  EXPECT_EQ(blocked.status().code(), absl::StatusCode::kUnavailable);
  Commit(*held);
  held.reset();
  // Once released, the other store writes the next batch.
  auto next = (*other)->BeginBatch(BatchMeta{});
  ASSERT_TRUE(next.ok()) << next.status();
  EXPECT_EQ((*next)->batch_id(), 2);
  EXPECT_EQ((*next)->data_version(), 2);
}

TEST_P(IngestStoreTest, RollupCheckFindsTamperedRows) {
  auto b = Begin();
  Up(*b, Rec("CHN", "W00", "870380", 202211, 3000, 100));
  Up(*b, Rec("CHN", "BEL", "870380", 202211, 1000, 40));
  Commit(*b);
  b.reset();
  ExpectRollupsConsistent();
  Exec("UPDATE hs_month SET world_value = world_value + 1");
  Exec("DELETE FROM partner_month");
  Exec(
      "INSERT INTO partner_month (reporter, flow, powertrain, period, "
      "partner, rows, value_usd, quantity) "
      "VALUES ('DEU', 1, 1, 202211, 'FRA', 1, 5, 1)");
  absl::StatusOr<std::vector<std::string>> diff = RollupDifferences(config_);
  ASSERT_TRUE(diff.ok()) << diff.status();
  EXPECT_THAT(
      *diff, ElementsAre(
                 "hs_month CHN/1/''/202211/870380: world_value stored 3001 "
                 "recomputed 3000",
                 "partner_month CHN/1/1/202211/BEL: missing (recomputed rows=1 "
                 "value_usd=1000 quantity=40)",
                 "partner_month DEU/1/1/202211/FRA: extra (stored rows=1 "
                 "value_usd=5 quantity=1)"));
}

// The rollups must equal a recomputation from the records after any mix of
// inserts, revisions, identical re-ingests, World/partner/special-area rows
// and manufacturer rows, across committed and rolled-back batches. A model
// of the current figures checks every upsert outcome too.
TEST_P(IngestStoreTest, RandomMixKeepsRollupsExact) {
  std::mt19937 rng(20221129);
  const std::vector<std::string> reporters = {"CHN", "DEU"};
  const std::vector<std::string> partners = {"W00", "BEL", "GBR", "S19"};
  const std::vector<v1::Flow> flows = {v1::FLOW_EXPORT, v1::FLOW_IMPORT};
  const std::vector<std::string> hs_codes = {"870380", "870360", "870323",
                                             "850760"};
  const std::vector<int> periods = {202210, 202211};
  const std::vector<std::string> manufacturers = {"", "", "Tesla"};
  auto pick = [&rng](const auto& v) {
    return v[std::uniform_int_distribution<size_t>(0, v.size() - 1)(rng)];
  };
  using Key =
      std::tuple<std::string, std::string, int, std::string, int, std::string>;
  using Figures = std::tuple<int64_t, int64_t, int64_t>;
  std::map<Key, Figures> committed;
  int64_t versions = 0;
  int outcomes[3] = {0, 0, 0};

  for (int batch = 0; batch < 16; ++batch) {
    const bool roll_back = batch % 5 == 3;
    std::map<Key, Figures> pending = committed;
    auto b = Begin();
    ASSERT_NE(b, nullptr);
    EXPECT_EQ(b->data_version(), versions + 1);
    for (int i = 0; i < 40; ++i) {
      // Drawn one by one: argument evaluation order is unspecified. Few
      // distinct figures, so identical re-ingests happen often.
      std::string reporter = pick(reporters);
      std::string partner = pick(partners);
      std::string hs_code = pick(hs_codes);
      const int period = pick(periods);
      const int64_t value =
          std::uniform_int_distribution<int64_t>(0, 2)(rng) * 1000;
      const int64_t quantity =
          std::uniform_int_distribution<int64_t>(0, 1)(rng) * 10;
      const int64_t weight =
          std::uniform_int_distribution<int64_t>(0, 3)(rng) / 3;
      std::string manufacturer = pick(manufacturers);
      const v1::Flow flow = pick(flows);
      const v1::TradeRecord r =
          Rec(std::move(reporter), std::move(partner), std::move(hs_code),
              period, value, quantity, weight, std::move(manufacturer), flow);
      const Key key{r.reporter(),
                    r.partner(),
                    r.flow(),
                    r.hs_code(),
                    r.period().year() * 100 + r.period().month(),
                    r.manufacturer()};
      const Figures figures{r.value_usd(), r.quantity(), r.net_weight_kg()};
      UpsertOutcome want = UpsertOutcome::kInserted;
      if (auto it = pending.find(key); it != pending.end()) {
        want = it->second == figures ? UpsertOutcome::kUnchanged
                                     : UpsertOutcome::kUpdated;
      }
      pending[key] = figures;
      const UpsertOutcome got = Up(*b, r);
      ASSERT_EQ(got, want) << "batch " << batch << " record " << i;
      ++outcomes[static_cast<int>(got)];
    }
    if (!roll_back) {
      Commit(*b);
      committed = pending;
      ++versions;
    }
    b.reset();
    ExpectRollupsConsistent();
  }
  // The mix really mixed.
  EXPECT_GT(outcomes[static_cast<int>(UpsertOutcome::kInserted)], 50);
  EXPECT_GT(outcomes[static_cast<int>(UpsertOutcome::kUpdated)], 50);
  EXPECT_GT(outcomes[static_cast<int>(UpsertOutcome::kUnchanged)], 10);

  EXPECT_EQ(Meta("data_version"), versions);
  EXPECT_EQ(Meta("record_count"), static_cast<int64_t>(committed.size()));
  EXPECT_EQ(Int("SELECT COUNT(*) FROM records"),
            static_cast<int64_t>(committed.size()));
  // Current figures are the model's.
  int64_t model_value = 0;
  for (const auto& [key, figures] : committed) {
    model_value += std::get<0>(figures);
  }
  EXPECT_EQ(Int("SELECT COALESCE(SUM(value_usd), 0) FROM records"),
            model_value);
}

// Readers on connections of their own (SQLite: with no busy timeout at
// all, so any lock wait would fail them at once) read while the writer
// commits batches. Each batch adds kPerBatch records of value kValue, so a
// reader that saw part of a batch would see a sum that is not a whole
// number of batches.
TEST_P(IngestStoreTest, ReaderSeesWholeBatchesAndIsNeverBlocked) {
  constexpr int kBatches = 20;
  constexpr int kPerBatch = 10;
  constexpr int64_t kValue = 7;
  StoreConfig reader_config = config_;
  reader_config.lock_timeout = absl::ZeroDuration();

  std::atomic<bool> writing = true;
  std::atomic<int> reads = 0;
  std::vector<std::string> failures;
  std::thread reader([&] {
    while (writing.load() || reads.load() == 0) {
      absl::StatusOr<std::vector<SqlRows>> read = RunStoreSql(
          reader_config,
          {"SELECT COALESCE(SUM(value_usd), 0), COUNT(*) FROM records",
           "SELECT value FROM meta WHERE key = 'data_version'",
           "SELECT COALESCE(SUM(partner_value), 0) FROM hs_month"});
      if (!read.ok()) {
        failures.push_back(read.status().ToString());
        return;
      }
      ++reads;
      const int64_t sum = std::stoll((*read)[0][0][0]);
      const int64_t count = std::stoll((*read)[0][0][1]);
      const int64_t version = std::stoll((*read)[1][0][0]);
      const int64_t rollup = std::stoll((*read)[2][0][0]);
      if (sum % (kPerBatch * kValue) != 0 || count != version * kPerBatch ||
          sum != count * kValue || rollup != sum) {
        failures.push_back("sum " + std::to_string(sum) + " count " +
                           std::to_string(count) + " version " +
                           std::to_string(version) + " rollup " +
                           std::to_string(rollup));
      }
    }
  });

  for (int batch = 0; batch < kBatches; ++batch) {
    auto b = Begin();
    ASSERT_NE(b, nullptr);
    for (int i = 0; i < kPerBatch; ++i) {
      // Distinct keys: one partner per batch, one month per record.
      v1::TradeRecord r = Rec("CHN", batch % 2 == 0 ? "BEL" : "GBR", "870380",
                              (2000 + batch) * 100 + i + 1, kValue, 1);
      ASSERT_EQ(Up(*b, r), UpsertOutcome::kInserted);
    }
    Commit(*b);
  }
  writing = false;
  reader.join();
  EXPECT_THAT(failures, IsEmpty());
  EXPECT_GT(reads.load(), 0);
  EXPECT_EQ(Int("SELECT COUNT(*) FROM records"), kBatches * kPerBatch);
}

// Several writers, each with a store instance of its own (as separate
// ingest replicas or processes would have), write overlapping keys with
// revisions at the same time. The stores serialize whole batches (SQLite's
// write lock; PostgreSQL's advisory writer lock), so: data_versions are
// distinct and dense, record_count and the revision rows match what the
// writers were told, and the rollups equal a recomputation from the
// records.
TEST_P(IngestStoreTest, ConcurrentWritersWithOwnStoresStayExact) {
  constexpr int kWriters = 4;
  constexpr int kBatchesEach = 5;
  constexpr int kRecordsEach = 30;
  std::atomic<int64_t> inserted = 0;
  std::atomic<int64_t> updated = 0;
  std::vector<std::vector<int64_t>> versions(kWriters);
  std::vector<std::string> failures(kWriters);
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      StoreConfig patient = config_;
      patient.lock_timeout = absl::Seconds(60);
      auto store = OpenIngestStore(patient);
      if (!store.ok()) {
        failures[w] = store.status().ToString();
        return;
      }
      std::mt19937 rng(1000 + w);
      for (int b = 0; b < kBatchesEach; ++b) {
        BatchMeta meta;
        meta.source = "writer";
        meta.writer = std::to_string(w);
        auto batch = (*store)->BeginBatch(meta);
        if (!batch.ok()) {
          failures[w] = batch.status().ToString();
          return;
        }
        BatchCounts counts;
        for (int i = 0; i < kRecordsEach; ++i) {
          // 12 keys shared by every writer; values differ per writer, so
          // the same key is inserted once and revised by the others.
          const int key = std::uniform_int_distribution<int>(0, 11)(rng);
          const std::string partner = key % 3 == 0 ? "W00" : "BEL";
          const int64_t value =
              1 + std::uniform_int_distribution<int64_t>(0, 1000)(rng);
          auto outcome = (*batch)->Upsert(
              Rec("CHN", partner, key % 2 == 0 ? "870380" : "870360",
                  202201 + key / 3, value, value % 17));
          if (!outcome.ok()) {
            failures[w] = outcome.status().ToString();
            return;
          }
          ++counts.received;
          if (*outcome == UpsertOutcome::kInserted) ++counts.inserted;
          if (*outcome == UpsertOutcome::kUpdated) ++counts.updated;
          if (*outcome == UpsertOutcome::kUnchanged) ++counts.unchanged;
        }
        auto info = (*batch)->Commit(counts, "r");
        if (!info.ok()) {
          failures[w] = info.status().ToString();
          return;
        }
        versions[w].push_back(info->data_version);
        inserted += counts.inserted;
        updated += counts.updated;
      }
    });
  }
  for (std::thread& t : writers) t.join();
  for (const std::string& failure : failures) EXPECT_EQ(failure, "");

  std::vector<int64_t> all;
  for (const auto& v : versions) all.insert(all.end(), v.begin(), v.end());
  std::sort(all.begin(), all.end());
  std::vector<int64_t> dense(kWriters * kBatchesEach);
  std::iota(dense.begin(), dense.end(), 1);
  EXPECT_EQ(all, dense);
  EXPECT_EQ(Meta("data_version"), kWriters * kBatchesEach);
  EXPECT_EQ(inserted.load(), 12);
  EXPECT_EQ(Meta("record_count"), 12);
  EXPECT_EQ(Int("SELECT COUNT(*) FROM records"), 12);
  EXPECT_EQ(Int("SELECT COUNT(*) FROM record_revisions"), updated.load());
  EXPECT_EQ(Int("SELECT SUM(updated) FROM batches"), updated.load());
  // Each batch's data_version is its batch_id: both in commit order.
  EXPECT_EQ(Int("SELECT COUNT(*) FROM batches WHERE batch_id = data_version"),
            kWriters * kBatchesEach);
  ExpectRollupsConsistent();
}

}  // namespace
}  // namespace evtrade::store

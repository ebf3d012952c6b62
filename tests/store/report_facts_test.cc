// The report facts kept at ingest (common/store/report_facts.h) equal a
// rebuild from the records (facts_check.h) after random ingests and
// revisions, and after the v2 migration of a store written without them.
// Both backends.
#include "common/store/report_facts.h"

#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/store/facts_check.h"
#include "common/store/open_store.h"
#include "common/store/rollup_check.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/ingest_store_fixture.h"
#include "tests/support/store_backends.h"

namespace evtrade::store {
namespace {

using ::testing::IsEmpty;

v1::TradeRecord Rec(const std::string& reporter, const std::string& partner,
                    const std::string& hs_code, int period_key, int64_t value,
                    int64_t quantity, const std::string& manufacturer = "",
                    v1::Flow flow = v1::FLOW_EXPORT) {
  v1::TradeRecord r;
  r.set_reporter(reporter);
  r.set_partner(partner);
  r.set_flow(flow);
  r.set_hs_code(hs_code);
  r.mutable_period()->set_year(period_key / 100);
  r.mutable_period()->set_month(period_key % 100);
  r.set_value_usd(value);
  r.set_quantity(quantity);
  r.set_manufacturer(manufacturer);
  r.set_source("test");
  return r;
}

class ReportFactsTest : public testing::FreshIngestStoreTest {
 protected:
  void Ingest(const std::vector<v1::TradeRecord>& records, bool commit = true) {
    auto batch = store_->BeginBatch(BatchMeta{"", "unit", "tester"});
    ASSERT_TRUE(batch.ok()) << batch.status();
    for (const v1::TradeRecord& r : records) {
      ASSERT_TRUE((*batch)->Upsert(r).ok());
    }
    if (commit) {
      ASSERT_TRUE((*batch)->Commit({}, "r").ok());
    }
  }

  // Reopens the store writing its rollups every `max_rollup_cells` cells.
  void Reopen(size_t max_rollup_cells) {
    config_.max_rollup_cells = max_rollup_cells;
    OpenStore();
  }

  void RandomIngestsAndRevisions();

  std::vector<std::string> Differences() {
    absl::StatusOr<std::vector<std::string>> diff =
        ReportFactsDifferences(config_);
    EXPECT_TRUE(diff.ok()) << diff.status();
    return diff.value_or(std::vector<std::string>{"(unreadable)"});
  }

  std::vector<std::string> Rows(const std::string& sql) {
    absl::StatusOr<std::vector<SqlRows>> result = RunStoreSql(config_, {sql});
    EXPECT_TRUE(result.ok()) << result.status();
    std::vector<std::string> rows;
    if (!result.ok()) return rows;
    for (const std::vector<std::string>& row : (*result)[0]) {
      std::string line;
      for (const std::string& cell : row) {
        line += (line.empty() ? "" : "|") + cell;
      }
      rows.push_back(line);
    }
    return rows;
  }
};

EVTRADE_INSTANTIATE_FOR_EACH_BACKEND(ReportFactsTest);

// Hand-computed: a record high, then a revision that removes it, which
// moves the record of every later month; YTD, year-earlier, streak, share.
TEST_P(ReportFactsTest, RevisionMovesLaterRecordHighs) {
  Ingest({Rec("CHN", "BEL", "870380", 202109, 60, 1),
          Rec("CHN", "BEL", "870323", 202109, 40, 1),
          Rec("CHN", "BEL", "870380", 202110, 100, 2),
          Rec("CHN", "BEL", "870380", 202111, 80, 1),
          Rec("CHN", "GBR", "870380", 202209, 90, 3),
          Rec("CHN", "GBR", "870323", 202209, 10, 1)});
  EXPECT_THAT(Differences(), IsEmpty());
  const std::string electric =
      "SELECT period, value_usd, ytd_value, ye_value, record_period,"
      " record_value, all_value, streak FROM series_facts WHERE reporter ="
      " 'CHN' AND flow = 1 AND segment = 2 ORDER BY period";
  // 202109: 60 of 100 (60%, streak 1); 202110 a record (best before is
  // 202109's 60), streak 2; 202111: 80, record still 202110's 100; 202209:
  // a year after 202109, a record? 90 < 100, no; streak 1 (months between
  // have no data).
  EXPECT_THAT(Rows(electric),
              ::testing::ElementsAre("202109|60|60||||100|1",
                                     "202110|100|160||202109|60|100|2",
                                     "202111|80|240||202110|100|80|3",
                                     "202209|90|90|60|202110|100|100|1"));
  // Revise 202110 down to 50: 202111 becomes the record over 202109.
  Ingest({Rec("CHN", "BEL", "870380", 202110, 50, 2)});
  EXPECT_THAT(Differences(), IsEmpty());
  EXPECT_THAT(Rows(electric),
              ::testing::ElementsAre("202109|60|60||||100|1",
                                     "202110|50|110||202109|60|50|2",
                                     "202111|80|190||202109|60|80|3",
                                     "202209|90|90|60|202111|80|100|1"));
  // Standings of exports (all vehicles, YTD) run to December.
  EXPECT_THAT(Rows("SELECT COUNT(*), MIN(period), MAX(period) FROM"
                   " exporter_standing WHERE reporter = 'CHN'"),
              ::testing::ElementsAre("8|202109|202212"));
}

TEST_P(ReportFactsTest, WorldRowReplacesPartnerSumInTotals) {
  Ingest({Rec("DEU", "BEL", "870380", 202211, 10, 1),
          Rec("DEU", "FRA", "870380", 202211, 20, 1),
          Rec("DEU", "W00", "870380", 202211, 100, 5, "BMW"),
          Rec("DEU", "BEL", "870380", 202211, 7, 1, "BMW")});
  EXPECT_THAT(Rows("SELECT value_usd FROM series_facts WHERE segment = 1"),
              ::testing::ElementsAre("30"));
  Ingest({Rec("DEU", "W00", "870380", 202211, 45, 3)});
  EXPECT_THAT(Rows("SELECT value_usd, quantity FROM series_facts"
                   " WHERE segment = 1"),
              ::testing::ElementsAre("45|3"));
  EXPECT_THAT(Rows("SELECT manufacturer, value_usd FROM maker_facts"
                   " WHERE segment = 1"),
              ::testing::ElementsAre("BMW|100"));
  EXPECT_THAT(Rows("SELECT partner, value_usd FROM partner_facts"
                   " WHERE segment = 1 ORDER BY partner"),
              ::testing::ElementsAre("BEL|10", "FRA|20"));
  EXPECT_THAT(Differences(), IsEmpty());
}

// Random inserts, revisions (up and down, so record highs appear and
// vanish), World and manufacturer rows, several years, rolled-back
// batches: after every batch the facts equal their rebuild.
void ReportFactsTest::RandomIngestsAndRevisions() {
  std::mt19937 rng(20221204);
  const std::vector<std::string> reporters = {"CHN", "DEU", "JPN"};
  const std::vector<std::string> partners = {"W00", "BEL", "GBR", "S19", "USA"};
  const std::vector<v1::Flow> flows = {v1::FLOW_EXPORT, v1::FLOW_EXPORT,
                                       v1::FLOW_IMPORT};
  const std::vector<std::string> hs_codes = {"870380", "870360", "870340",
                                             "870323", "870310", "850760"};
  const std::vector<std::string> manufacturers = {"", "", "", "Tesla", "BYD"};
  auto pick = [&rng](const auto& v) {
    return v[std::uniform_int_distribution<size_t>(0, v.size() - 1)(rng)];
  };
  for (int batch = 0; batch < 14; ++batch) {
    std::vector<v1::TradeRecord> records;
    const int count = batch < 3 ? 60 : 15;
    for (int i = 0; i < count; ++i) {
      // Later batches mostly revise the early months.
      const int year =
          2020 + std::uniform_int_distribution<int>(0, batch < 3 ? 2 : 1)(rng);
      const int month = std::uniform_int_distribution<int>(1, 12)(rng);
      std::string reporter = pick(reporters);
      std::string partner = pick(partners);
      std::string hs_code = pick(hs_codes);
      std::string manufacturer = pick(manufacturers);
      const v1::Flow flow = pick(flows);
      const int64_t value =
          std::uniform_int_distribution<int64_t>(0, 9)(rng) * 100;
      const int64_t quantity =
          std::uniform_int_distribution<int64_t>(0, 4)(rng);
      records.push_back(Rec(reporter, partner, hs_code, year * 100 + month,
                            value, quantity, manufacturer, flow));
    }
    Ingest(records, /*commit=*/batch % 6 != 5);
    const std::vector<std::string> diff = Differences();
    ASSERT_THAT(diff, IsEmpty()) << "after batch " << batch;
  }
  absl::StatusOr<std::vector<std::string>> rollups = RollupDifferences(config_);
  ASSERT_TRUE(rollups.ok());
  EXPECT_THAT(*rollups, IsEmpty());
  // The mix made record highs and standings.
  EXPECT_GT(std::stoi(Rows("SELECT COUNT(*) FROM series_facts WHERE"
                           " value_usd > record_value")[0]),
            10);
  EXPECT_GT(std::stoi(Rows("SELECT COUNT(*) FROM exporter_standing")[0]), 30);
}

TEST_P(ReportFactsTest, RandomIngestsAndRevisionsKeepFactsExact) {
  RandomIngestsAndRevisions();
}

// The same with the rollups written every 2 cells: many flushes inside each
// batch, revisions and World rows on both sides of a flush.
TEST_P(ReportFactsTest, RandomIngestsWithTinyRollupFlushesKeepFactsExact) {
  Reopen(2);
  RandomIngestsAndRevisions();
}

// Rollups written every 3 cells. Batch 1: a revision of a record already
// flushed, a World row after its cell's partner rows, a partner row after
// the World row, a revised World row, a manufacturer's World and partner
// rows. Batch 2: a World row for a cell whose partners came in batch 1,
// revisions and unchanged rows. Every figure hand-computed.
TEST_P(ReportFactsTest, RollupsFlushedMidBatchAreExact) {
  Reopen(3);
  Ingest({Rec("DEU", "BEL", "870380", 202211, 10, 1),
          Rec("DEU", "FRA", "870380", 202211, 20, 2),
          Rec("DEU", "BEL", "870360", 202211, 7, 1),
          Rec("DEU", "BEL", "870380", 202212, 50, 2),
          Rec("DEU", "BEL", "870380", 202211, 15, 1),  // revision: +5
          Rec("DEU", "W00", "870380", 202211, 100, 5),
          Rec("DEU", "GBR", "870380", 202211, 30, 3),
          Rec("DEU", "W00", "870380", 202211, 120, 6),  // revision: +20
          Rec("DEU", "W00", "870380", 202211, 40, 2, "BMW"),
          Rec("DEU", "BEL", "870380", 202211, 5, 1, "BMW"),
          Rec("DEU", "USA", "870380", 202212, 60, 3)});
  const std::string hs_month =
      "SELECT period, hs_code, powertrain, has_world, world_value,"
      " world_quantity, partner_rows, partner_value, partner_quantity,"
      " manufacturer FROM hs_month ORDER BY manufacturer, period, hs_code";
  const std::string partner_month =
      "SELECT period, powertrain, partner, rows, value_usd, quantity"
      " FROM partner_month ORDER BY period, powertrain, partner";
  const std::string all =
      "SELECT period, value_usd, quantity FROM series_facts WHERE segment = 1"
      " ORDER BY period";
  const std::string partners =
      "SELECT period, partner, value_usd, quantity FROM partner_facts"
      " WHERE segment = 1 ORDER BY period, partner";
  const std::string makers =
      "SELECT period, manufacturer, value_usd, quantity FROM maker_facts"
      " WHERE segment = 1 ORDER BY period, manufacturer";
  EXPECT_THAT(Rows(hs_month),
              ::testing::ElementsAre("202211|870360|2|0|0|0|1|7|1|",
                                     "202211|870380|1|1|120|6|3|65|6|",
                                     "202212|870380|1|0|0|0|2|110|5|",
                                     "202211|870380|1|1|40|2|1|5|1|BMW"));
  EXPECT_THAT(
      Rows(partner_month),
      ::testing::ElementsAre("202211|1|BEL|1|15|1", "202211|1|FRA|1|20|2",
                             "202211|1|GBR|1|30|3", "202211|2|BEL|1|7|1",
                             "202212|1|BEL|1|50|2", "202212|1|USA|1|60|3"));
  // 202211: World 120 (not the partners' 65) + the PHEV cell's 7.
  EXPECT_THAT(Rows(all),
              ::testing::ElementsAre("202211|127|7", "202212|110|5"));
  EXPECT_THAT(Rows(partners),
              ::testing::ElementsAre("202211|BEL|22|2", "202211|FRA|20|2",
                                     "202211|GBR|30|3", "202212|BEL|50|2",
                                     "202212|USA|60|3"));
  EXPECT_THAT(Rows(makers), ::testing::ElementsAre("202211|BMW|40|2"));
  EXPECT_THAT(Differences(), IsEmpty());

  Ingest({Rec("DEU", "W00", "870380", 202212, 200, 9),
          Rec("DEU", "BEL", "870380", 202211, 25, 1),   // revision: +10
          Rec("DEU", "W00", "870380", 202211, 120, 6),  // unchanged
          Rec("DEU", "BEL", "870360", 202211, 7, 1),    // unchanged
          Rec("DEU", "W00", "870380", 202211, 44, 2, "BMW"),
          Rec("DEU", "FRA", "870380", 202212, 5, 1)});
  EXPECT_THAT(Rows(hs_month),
              ::testing::ElementsAre("202211|870360|2|0|0|0|1|7|1|",
                                     "202211|870380|1|1|120|6|3|75|6|",
                                     "202212|870380|1|1|200|9|3|115|6|",
                                     "202211|870380|1|1|44|2|1|5|1|BMW"));
  EXPECT_THAT(
      Rows(partner_month),
      ::testing::ElementsAre("202211|1|BEL|1|25|1", "202211|1|FRA|1|20|2",
                             "202211|1|GBR|1|30|3", "202211|2|BEL|1|7|1",
                             "202212|1|BEL|1|50|2", "202212|1|FRA|1|5|1",
                             "202212|1|USA|1|60|3"));
  // 202212: the World row (200) replaces the partners' 110, and the later
  // FRA row does not count in it.
  EXPECT_THAT(Rows(all),
              ::testing::ElementsAre("202211|127|7", "202212|200|9"));
  EXPECT_THAT(Rows(partners),
              ::testing::ElementsAre("202211|BEL|32|2", "202211|FRA|20|2",
                                     "202211|GBR|30|3", "202212|BEL|50|2",
                                     "202212|FRA|5|1", "202212|USA|60|3"));
  EXPECT_THAT(Rows(makers), ::testing::ElementsAre("202211|BMW|44|2"));
  EXPECT_THAT(Differences(), IsEmpty());
  absl::StatusOr<std::vector<std::string>> rollups = RollupDifferences(config_);
  ASSERT_TRUE(rollups.ok()) << rollups.status();
  EXPECT_THAT(*rollups, IsEmpty());
}

// One flush of more cells than a multi-row statement holds (SQLite writes 64
// rows per INSERT, the rest one by one): 120 hs_month cells, 360
// partner_month cells, then every record revised by +1 in a second batch.
TEST_P(ReportFactsTest, ManyCellsInOneFlushAreExact) {
  const std::vector<std::string> reporters = {"CHN", "DEU", "JPN", "KOR",
                                              "USA"};
  const std::vector<std::string> partners = {"BEL", "FRA", "GBR", "W00"};
  const std::vector<std::string> hs_codes = {"870380", "870360"};
  for (int revision = 0; revision < 2; ++revision) {
    std::vector<v1::TradeRecord> records;
    for (const std::string& reporter : reporters) {
      for (int month = 1; month <= 12; ++month) {
        for (const std::string& partner : partners) {
          for (const std::string& hs_code : hs_codes) {
            // World: 100 per month; each other partner: the month.
            const int64_t value = (partner == "W00" ? 100 : month) + revision;
            records.push_back(
                Rec(reporter, partner, hs_code, 202200 + month, value, 1));
          }
        }
      }
    }
    Ingest(records);
    // Partner values: 5 reporters x 2 codes x 3 partners x (1 + ... + 12)
    // = 30 x 78 = 2340, plus 360 x revision.
    EXPECT_THAT(
        Rows("SELECT COUNT(*), SUM(has_world), SUM(world_value),"
             " SUM(partner_rows), SUM(partner_value) FROM hs_month"),
        ::testing::ElementsAre(absl::StrCat("120|120|", 120 * (100 + revision),
                                            "|360|", 2340 + 360 * revision)));
    EXPECT_THAT(Rows("SELECT COUNT(*), SUM(rows), SUM(value_usd) FROM"
                     " partner_month"),
                ::testing::ElementsAre(
                    absl::StrCat("360|360|", 2340 + 360 * revision)));
    // All vehicles: each month the World rows of both codes.
    EXPECT_THAT(
        Rows("SELECT COUNT(*), SUM(value_usd) FROM series_facts"
             " WHERE segment = 1"),
        ::testing::ElementsAre(absl::StrCat("60|", 120 * (100 + revision))));
    EXPECT_THAT(Differences(), IsEmpty()) << "revision " << revision;
  }
  absl::StatusOr<std::vector<std::string>> rollups = RollupDifferences(config_);
  ASSERT_TRUE(rollups.ok()) << rollups.status();
  EXPECT_THAT(*rollups, IsEmpty());
}

// Names travel through the flushes intact, also characters that array
// literals (PostgreSQL's unnest) and SQL quote or escape.
TEST_P(ReportFactsTest, NamesWithQuotesAndBracesSurviveTheFlush) {
  const std::string maker = "Mc\"Laren\\, {NULL} 'é'";
  Ingest({Rec("DEU", "W00", "870380", 202211, 40, 2, maker),
          Rec("DEU", "BEL", "870380", 202211, 5, 1, maker),
          Rec("DEU", "BEL", "870380", 202211, 9, 1)});
  EXPECT_THAT(Rows("SELECT world_value, partner_value, manufacturer FROM"
                   " hs_month ORDER BY manufacturer"),
              ::testing::ElementsAre("0|9|", "40|5|" + maker));
  EXPECT_THAT(Rows("SELECT manufacturer, value_usd FROM maker_facts"
                   " WHERE segment = 1"),
              ::testing::ElementsAre(maker + "|40"));
  EXPECT_THAT(Differences(), IsEmpty());
  absl::StatusOr<std::vector<std::string>> rollups = RollupDifferences(config_);
  ASSERT_TRUE(rollups.ok()) << rollups.status();
  EXPECT_THAT(*rollups, IsEmpty());
}

// A v1 store (written before the facts existed) gets them from the v2
// migration: drop them, step the version back, reopen.
TEST_P(ReportFactsTest, MigrationFromV1BuildsTheFacts) {
  Ingest({Rec("CHN", "BEL", "870380", 202110, 100, 2),
          Rec("CHN", "W00", "870323", 202111, 80, 1),
          Rec("CHN", "BEL", "870380", 202111, 30, 1, "BYD"),
          Rec("DEU", "GBR", "870360", 202111, 50, 1)});
  const std::vector<std::string> before = Rows(
      "SELECT * FROM series_facts ORDER BY reporter, flow, segment, period");
  ASSERT_EQ(before.size(), 8u);  // CHN: ALL x2, ELECTRIC, BEV, ICE; DEU: 3
  store_.reset();
  const bool sqlite = GetParam() == testing::Backend::kSqlite;
  ASSERT_TRUE(
      RunStoreSql(config_,
                  {"DROP TABLE series_facts", "DROP TABLE partner_facts",
                   "DROP TABLE maker_facts", "DROP TABLE exporter_standing",
                   sqlite ? "PRAGMA user_version = 1"
                          : "DELETE FROM schema_migrations WHERE version = 2"})
          .ok());
  auto reopened = OpenIngestStore(config_);
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  EXPECT_EQ(Rows("SELECT * FROM series_facts ORDER BY reporter, flow,"
                 " segment, period"),
            before);
  EXPECT_THAT(Differences(), IsEmpty());
}

}  // namespace
}  // namespace evtrade::store

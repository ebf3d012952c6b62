#include "bench/load/sql_report.h"

#include <unistd.h>

#include <filesystem>
#include <string>

#include "common/store/sqlite_ingest_store.h"
#include "gtest/gtest.h"

namespace evtrade::bench {
namespace {

v1::TradeRecord Row(std::string reporter, std::string partner,
                    std::string hs_code, int year, int month, int64_t value,
                    int64_t quantity, std::string manufacturer = "") {
  v1::TradeRecord r;
  r.set_reporter(reporter);
  r.set_partner(partner);
  r.set_flow(v1::FLOW_EXPORT);
  r.set_hs_code(hs_code);
  r.mutable_period()->set_year(year);
  r.mutable_period()->set_month(month);
  r.set_value_usd(value);
  r.set_quantity(quantity);
  r.set_manufacturer(manufacturer);
  r.set_source("test");
  return r;
}

class SqlReportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(::testing::TempDir()) /
           ("sql_report_test_" + std::to_string(getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "store.db").string();
    store::SqliteStoreConfig config;
    config.path = path_;
    auto db = store::SqliteIngestStore::Open(config);
    ASSERT_TRUE(db.ok()) << db.status();
    auto batch = (*db)->BeginBatch(store::BatchMeta{"", "test", "test"});
    ASSERT_TRUE(batch.ok()) << batch.status();
    for (const v1::TradeRecord& r : {
             // An earlier year: a big all-vehicle month, no electric.
             Row("CHN", "GBR", "870323", 2021, 12, 5000, 50),
             // Jan: electric 100 of 400 (partner sums).
             Row("CHN", "BEL", "870380", 2022, 1, 100, 1),
             Row("CHN", "GBR", "870323", 2022, 1, 300, 3),
             // Feb: electric 500 + 200; ICE from the World row (150, not
             // the partner sum 100): 700 of 850.
             Row("CHN", "BEL", "870380", 2022, 2, 500, 5),
             Row("CHN", "GBR", "870360", 2022, 2, 200, 2),
             Row("CHN", "GBR", "870323", 2022, 2, 100, 1),
             Row("CHN", "W00", "870323", 2022, 2, 150, 2),
             // Mar: BEV from the World row (800, not 650): 800 of 900.
             Row("CHN", "BEL", "870380", 2022, 3, 600, 6),
             Row("CHN", "DEU", "870380", 2022, 3, 50, 1),
             Row("CHN", "W00", "870380", 2022, 3, 800, 8),
             Row("CHN", "GBR", "870323", 2022, 3, 100, 1),
             // Manufacturer rows: a breakdown, never in totals.
             Row("CHN", "W00", "870380", 2022, 3, 70, 7, "Tesla"),
             Row("CHN", "W00", "870380", 2022, 3, 90, 9, "BYD"),
             // Other exporters, year to date March: DEU 3000, JPN 1200.
             Row("JPN", "USA", "870323", 2022, 1, 1000, 10),
             Row("JPN", "USA", "870323", 2022, 3, 200, 2),
             Row("DEU", "FRA", "870380", 2022, 2, 3000, 30),
         }) {
      ASSERT_TRUE((*batch)->Upsert(r).ok());
    }
    ASSERT_TRUE((*batch)->Commit(store::BatchCounts{}, "").ok());
  }

  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::filesystem::path dir_;
  std::string path_;
};

TEST_F(SqlReportTest, ComputesTheReportFiguresFromRawRecords) {
  auto sql = SqlReport::Open(path_);
  ASSERT_TRUE(sql.ok()) << sql.status();
  auto figures = (*sql)->Compute("CHN", Month{2022, 3});
  ASSERT_TRUE(figures.ok()) << figures.status();
  EXPECT_EQ(figures->segment_value, 800);
  EXPECT_EQ(figures->segment_quantity, 8);
  EXPECT_EQ(figures->all_value, 900);
  EXPECT_EQ(figures->all_quantity, 9);
  EXPECT_TRUE(figures->segment_record_high);       // 800 > 700 (Feb)
  EXPECT_FALSE(figures->all_record_high);          // 900 < 5000 (Dec 2021)
  EXPECT_EQ(figures->segment_majority_streak, 2);  // Mar, Feb; not Jan
  EXPECT_EQ(figures->ytd_segment_value, 100 + 700 + 800);
  EXPECT_EQ(figures->ytd_all_value, 400 + 850 + 900);
  EXPECT_EQ(figures->top_partners, (std::vector<std::string>{"BEL", "DEU"}));
  EXPECT_EQ(figures->top_manufacturers,
            (std::vector<std::string>{"BYD", "Tesla"}));
  EXPECT_EQ(figures->exporter_rank, 2);  // DEU 3000, CHN 2150, JPN 1200
}

TEST_F(SqlReportTest, FirstMonthHasNoRecordAndNoStreak) {
  auto sql = SqlReport::Open(path_);
  ASSERT_TRUE(sql.ok()) << sql.status();
  auto figures = (*sql)->Compute("CHN", Month{2022, 1});
  ASSERT_TRUE(figures.ok()) << figures.status();
  EXPECT_EQ(figures->segment_value, 100);
  EXPECT_EQ(figures->all_value, 400);
  EXPECT_TRUE(figures->segment_record_high);  // 100 > 0 (Dec 2021)
  EXPECT_FALSE(figures->all_record_high);
  EXPECT_EQ(figures->segment_majority_streak, 0);
  EXPECT_EQ(figures->exporter_rank, 2);  // JPN 1000, CHN 400
}

TEST_F(SqlReportTest, ComparesWithAServiceReport) {
  SqlReportFigures sql;
  sql.segment_value = 800;
  sql.all_value = 900;
  sql.top_partners = {"BEL", "DEU"};
  sql.exporter_rank = 2;
  v1::MarketReport report;
  report.mutable_segment()->set_value_usd(800);
  report.mutable_all_vehicles()->set_value_usd(901);
  report.add_top_partners()->set_partner("BEL");
  report.add_top_partners()->set_partner("DEU");
  report.mutable_exporter_rank()->set_rank(2);
  EXPECT_EQ(CompareReport(report, sql),
            (std::vector<std::string>{
                "all_vehicles.value_usd: service 901, sql 900"}));
}

TEST(SqlReportOpenTest, MissingFileIsAnError) {
  EXPECT_FALSE(SqlReport::Open("/nonexistent/evtrade/store.db").ok());
}

}  // namespace
}  // namespace evtrade::bench

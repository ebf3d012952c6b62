// Every SQL statement the reader prepares, run through EXPLAIN QUERY PLAN:
// none may scan the records table (reads come from the rollups or from an
// index range of records), so a query's work does not grow with the store.
#include <SQLiteCpp/SQLiteCpp.h>

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/store/sqlite_database.h"
#include "common/store/sqlite_ingest_store.h"
#include "common/store/sqlite_query_store.h"
#include "gtest/gtest.h"
#include "query_service/queries.h"
#include "tests/support/paths.h"
#include "tests/support/query_fixture.h"

namespace evtrade {
namespace {

v1::Period P(int year, int month) { return testing::MakePeriod(year, month); }

// Runs Parse + Answer and fails the test on an error.
template <typename Request, typename Parse, typename Answer>
void RunQuery(store::QueryStore& store, const Request& request, Parse parse,
              Answer answer) {
  auto query = parse(request);
  ASSERT_TRUE(query.ok()) << query.status();
  auto response = answer(store, *query);
  ASSERT_TRUE(response.ok()) << response.status();
}

TEST(QueryPlanTest, NoStatementScansTheRecordsTable) {
  const std::string db_path = testing::MakeTempDir("query_plan") + "/s.db";
  {
    store::SqliteStoreConfig config;
    config.path = db_path;
    auto ingest = store::SqliteIngestStore::Open(config);
    ASSERT_TRUE(ingest.ok()) << ingest.status();
    ASSERT_TRUE(
        testing::IngestBatch(**ingest, testing::FixtureBatch1(), "plan").ok());
  }
  store::SqliteQueryStoreOptions options;
  options.db_path = db_path;
  auto opened = store::SqliteQueryStore::Open(options);
  ASSERT_TRUE(opened.ok()) << opened.status();
  store::SqliteQueryStore& store = **opened;

  // Every kind of read each RPC can make.
  v1::GetSeriesRequest series;
  series.set_reporter("CHN");
  *series.mutable_start() = P(2022, 1);
  *series.mutable_end() = P(2022, 11);
  RunQuery(store, series, query::ParseGetSeries, query::AnswerGetSeries);
  series.set_partner("W00");
  RunQuery(store, series, query::ParseGetSeries, query::AnswerGetSeries);
  series.set_partner("BEL");
  RunQuery(store, series, query::ParseGetSeries, query::AnswerGetSeries);
  series.set_manufacturer("BYD");
  RunQuery(store, series, query::ParseGetSeries, query::AnswerGetSeries);
  series.clear_partner();
  series.set_manufacturer("Tesla");
  series.set_powertrain(v1::POWERTRAIN_BEV);
  RunQuery(store, series, query::ParseGetSeries, query::AnswerGetSeries);

  v1::GetPartnerBreakdownRequest partners;
  partners.set_reporter("CHN");
  *partners.mutable_start() = P(2022, 1);
  *partners.mutable_end() = P(2022, 11);
  RunQuery(store, partners, query::ParseGetPartnerBreakdown,
           query::AnswerGetPartnerBreakdown);

  v1::GetPowertrainMixRequest mix;
  mix.set_reporter("CHN");
  *mix.mutable_period() = P(2022, 11);
  RunQuery(store, mix, query::ParseGetPowertrainMix,
           query::AnswerGetPowertrainMix);
  mix.set_partner("BEL");
  RunQuery(store, mix, query::ParseGetPowertrainMix,
           query::AnswerGetPowertrainMix);

  v1::GetManufacturerBreakdownRequest manufacturers;
  manufacturers.set_reporter("CHN");
  *manufacturers.mutable_start() = P(2022, 1);
  *manufacturers.mutable_end() = P(2022, 11);
  RunQuery(store, manufacturers, query::ParseGetManufacturerBreakdown,
           query::AnswerGetManufacturerBreakdown);

  v1::GetExporterRankingRequest ranking;
  *ranking.mutable_start() = P(2022, 1);
  *ranking.mutable_end() = P(2022, 11);
  RunQuery(store, ranking, query::ParseGetExporterRanking,
           query::AnswerGetExporterRanking);
  ranking.set_partner("BEL");
  RunQuery(store, ranking, query::ParseGetExporterRanking,
           query::AnswerGetExporterRanking);

  v1::ListRecordsRequest list;
  list.set_reporter("CHN");
  list.set_page_size(3);
  RunQuery(store, list, query::ParseListRecords, query::AnswerListRecords);

  RunQuery(store, v1::GetStoreInfoRequest(), query::ParseGetStoreInfo,
           query::AnswerGetStoreInfo);

  const std::vector<std::string> statements = store.PreparedSql();
  // Series (total, World, partner, manufacturer+partner, two class sets),
  // partner totals, manufacturer totals, two rankings, records, reporter
  // check, data_version, meta, reporters, period range.
  ASSERT_GE(statements.size(), 15u);
  int reading_records = 0;
  SQLite::Database db(db_path, SQLite::OPEN_READONLY);
  for (const std::string& sql : statements) {
    if (absl::StrContains(sql, "FROM records")) ++reading_records;
    SQLite::Statement explain(db, "EXPLAIN QUERY PLAN " + sql);
    std::string plan;
    while (explain.executeStep()) {
      absl::StrAppend(&plan, explain.getColumn(3).getString(), "\n");
    }
    EXPECT_FALSE(absl::StrContains(plan, "SCAN records"))
        << "full scan of records in:\n  " << sql << "\nplan:\n"
        << plan;
    // Reads of one reporter walk only that reporter's key range.
    if (absl::StrContains(sql, "reporter = ?1")) {
      EXPECT_FALSE(absl::StrContains(plan, "SCAN "))
          << "scan in a one-reporter read:\n  " << sql << "\nplan:\n"
          << plan;
    }
  }
  // ListRecords and the manufacturer-to-partner series read records.
  EXPECT_EQ(reading_records, 2);
}

}  // namespace
}  // namespace evtrade

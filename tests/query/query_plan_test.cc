// Every SQL statement the reader prepares, run through EXPLAIN QUERY PLAN:
// none may scan the records table (reads come from the rollups or from an
// index range of records), so a query's work does not grow with the store.
#include <SQLiteCpp/SQLiteCpp.h>

#include <memory>
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

// A store at `db_path` holding the fixture's first batch, and a reader.
void OpenFixtureStore(const std::string& db_path,
                      std::unique_ptr<store::SqliteQueryStore>& out) {
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
  out = *std::move(opened);
}

// The plan of `sql` on the store at `db_path`, one line per step.
std::string PlanOf(SQLite::Database& db, const std::string& sql) {
  SQLite::Statement explain(db, "EXPLAIN QUERY PLAN " + sql);
  std::string plan;
  while (explain.executeStep()) {
    absl::StrAppend(&plan, explain.getColumn(3).getString(), "\n");
  }
  return plan;
}

TEST(QueryPlanTest, NoStatementScansTheRecordsTable) {
  const std::string db_path = testing::MakeTempDir("query_plan") + "/s.db";
  std::unique_ptr<store::SqliteQueryStore> opened;
  ASSERT_NO_FATAL_FAILURE(OpenFixtureStore(db_path, opened));
  store::SqliteQueryStore& store = *opened;

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
    const std::string plan = PlanOf(db, sql);
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

// GetReportFacts reads only keyed rows and index ranges of the facts: no
// statement it prepares may scan a table or sort (a temp B-tree), so its
// cost does not grow with the history or the store.
TEST(QueryPlanTest, ReportFactsReadKeysAndIndexRangesOnly) {
  const std::string db_path = testing::MakeTempDir("query_plan") + "/f.db";
  std::unique_ptr<store::SqliteQueryStore> opened;
  ASSERT_NO_FATAL_FAILURE(OpenFixtureStore(db_path, opened));
  store::SqliteQueryStore& store = *opened;

  v1::GetReportFactsRequest facts;
  facts.set_reporter("CHN");
  *facts.mutable_period() = P(2022, 11);
  RunQuery(store, facts, query::ParseGetReportFacts,
           query::AnswerGetReportFacts);
  facts.set_segment(v1::POWERTRAIN_ALL);
  RunQuery(store, facts, query::ParseGetReportFacts,
           query::AnswerGetReportFacts);

  int facts_statements = 0;
  SQLite::Database db(db_path, SQLite::OPEN_READONLY);
  for (const std::string& sql : store.PreparedSql()) {
    if (!absl::StrContains(sql, "_facts") &&
        !absl::StrContains(sql, "exporter_standing")) {
      continue;
    }
    ++facts_statements;
    const std::string plan = PlanOf(db, sql);
    EXPECT_FALSE(absl::StrContains(plan, "SCAN "))
        << "scan in:\n  " << sql << "\nplan:\n"
        << plan;
    EXPECT_FALSE(absl::StrContains(plan, "TEMP B-TREE"))
        << "sort in:\n  " << sql << "\nplan:\n"
        << plan;
  }
  // Series, top partners, partners a year earlier, top manufacturers,
  // standing, ranked count, neighbours.
  EXPECT_EQ(facts_statements, 7);
}

}  // namespace
}  // namespace evtrade

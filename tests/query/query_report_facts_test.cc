// GetReportFacts (one snapshot, report facts) answers exactly what the six
// part RPCs answer from the rollups, for every reporter, month, segment and
// flow of a random store with revisions -- the figures a MarketReport is
// made of, compared field by field.
#include <google/protobuf/util/message_differencer.h>

#include <memory>
#include <random>
#include <string>
#include <vector>

#include "common/domain/month.h"
#include "common/store/sqlite_ingest_store.h"
#include "common/store/sqlite_query_store.h"
#include "gtest/gtest.h"
#include "query_service/queries.h"
#include "tests/support/paths.h"
#include "tests/support/query_fixture.h"

namespace evtrade {
namespace {

using google::protobuf::util::MessageDifferencer;

template <typename Request, typename Parse, typename Answer>
auto Run(store::QueryStore& store, const Request& request, Parse parse,
         Answer answer) {
  auto query = parse(request);
  EXPECT_TRUE(query.ok()) << query.status();
  return answer(store, *query);
}

void ExpectSame(const google::protobuf::Message& want,
                const google::protobuf::Message& got, const std::string& at) {
  std::string diff;
  MessageDifferencer differencer;
  differencer.ReportDifferencesToString(&diff);
  EXPECT_TRUE(differencer.Compare(want, got)) << at << ": " << diff;
}

// The six parts' answers for one report, as the gateway's six-part path
// asks for them.
void CompareWithParts(store::QueryStore& store, const std::string& reporter,
                      Month month, v1::Powertrain segment, v1::Flow flow,
                      int top) {
  const std::string at = absl::StrCat(reporter, " ", month.ToString(), " ",
                                      v1::Powertrain_Name(segment), " ",
                                      v1::Flow_Name(flow), " top ", top);
  v1::GetReportFactsRequest request;
  request.set_reporter(reporter);
  *request.mutable_period() = month.ToProto();
  request.set_segment(segment);
  request.set_flow(flow);
  request.set_top(top);
  auto facts = Run(store, request, query::ParseGetReportFacts,
                   query::AnswerGetReportFacts);
  ASSERT_TRUE(facts.ok()) << at << ": " << facts.status();

  for (v1::Powertrain powertrain : {segment, v1::POWERTRAIN_ALL}) {
    v1::GetSeriesRequest series;
    series.set_reporter(reporter);
    series.set_flow(flow);
    series.set_powertrain(powertrain);
    *series.mutable_start() = month.ToProto();
    *series.mutable_end() = month.ToProto();
    auto answer =
        Run(store, series, query::ParseGetSeries, query::AnswerGetSeries);
    ASSERT_TRUE(answer.ok()) << answer.status();
    v1::SeriesPoint want = answer->points(0);
    want.clear_value_mom_pct();  // not part of GetReportFacts
    if (powertrain == segment) ExpectSame(want, facts->segment(), at);
    if (powertrain == v1::POWERTRAIN_ALL) {
      ExpectSame(want, facts->all_vehicles(), at);
    }
  }

  v1::GetPowertrainMixRequest mix;
  mix.set_reporter(reporter);
  mix.set_flow(flow);
  *mix.mutable_period() = month.ToProto();
  mix.set_segment(segment);
  auto mix_answer = Run(store, mix, query::ParseGetPowertrainMix,
                        query::AnswerGetPowertrainMix);
  ASSERT_TRUE(mix_answer.ok());
  EXPECT_EQ(mix_answer->has_segment_value_share_pct(),
            facts->has_segment_value_share_pct())
      << at;
  EXPECT_EQ(mix_answer->segment_value_share_pct(),
            facts->segment_value_share_pct())
      << at;
  EXPECT_EQ(mix_answer->segment_majority_streak_months(),
            facts->segment_majority_streak_months())
      << at;

  v1::GetPartnerBreakdownRequest partners;
  partners.set_reporter(reporter);
  partners.set_flow(flow);
  partners.set_powertrain(segment);
  *partners.mutable_start() = month.ToProto();
  *partners.mutable_end() = month.ToProto();
  partners.set_limit(top);
  auto partner_answer = Run(store, partners, query::ParseGetPartnerBreakdown,
                            query::AnswerGetPartnerBreakdown);
  ASSERT_TRUE(partner_answer.ok());
  ASSERT_EQ(partner_answer->partners_size(), facts->top_partners_size()) << at;
  for (int i = 0; i < facts->top_partners_size(); ++i) {
    ExpectSame(partner_answer->partners(i), facts->top_partners(i), at);
  }

  v1::GetManufacturerBreakdownRequest makers;
  makers.set_reporter(reporter);
  makers.set_flow(flow);
  makers.set_powertrain(segment);
  *makers.mutable_start() = month.ToProto();
  *makers.mutable_end() = month.ToProto();
  makers.set_limit(top);
  auto maker_answer = Run(store, makers, query::ParseGetManufacturerBreakdown,
                          query::AnswerGetManufacturerBreakdown);
  ASSERT_TRUE(maker_answer.ok());
  ASSERT_EQ(maker_answer->manufacturers_size(), facts->top_manufacturers_size())
      << at;
  for (int i = 0; i < facts->top_manufacturers_size(); ++i) {
    ExpectSame(maker_answer->manufacturers(i), facts->top_manufacturers(i), at);
  }

  v1::GetExporterRankingRequest ranking;
  ranking.set_powertrain(v1::POWERTRAIN_ALL);
  *ranking.mutable_start() = month.YearStart().ToProto();
  *ranking.mutable_end() = month.ToProto();
  auto ranks = Run(store, ranking, query::ParseGetExporterRanking,
                   query::AnswerGetExporterRanking);
  ASSERT_TRUE(ranks.ok());
  v1::ExporterStanding want;
  want.set_reporters_ranked(ranks->ranks_size());
  for (int i = 0; i < ranks->ranks_size(); ++i) {
    if (ranks->ranks(i).reporter() != reporter) continue;
    want.set_rank(ranks->ranks(i).rank());
    want.set_value_usd(ranks->ranks(i).value_usd());
    if (i + 1 < ranks->ranks_size()) {
      want.set_ahead_of(ranks->ranks(i + 1).reporter());
    }
    if (i > 0) want.set_behind(ranks->ranks(i - 1).reporter());
  }
  ExpectSame(want, facts->exporter_rank(), at);
}

TEST(QueryReportFactsTest, EqualsTheSixPartsOnARandomStore) {
  const std::string db_path =
      testing::MakeTempDir("query_report_facts") + "/s.db";
  store::SqliteStoreConfig config;
  config.path = db_path;
  auto ingest = store::SqliteIngestStore::Open(config);
  ASSERT_TRUE(ingest.ok()) << ingest.status();

  std::mt19937 rng(20221205);
  const std::vector<std::string> reporters = {"CHN", "DEU", "JPN", "KOR"};
  const std::vector<std::string> partners = {"W00", "BEL", "GBR",
                                             "S19", "USA", "FRA"};
  const std::vector<std::string> hs_codes = {"870380", "870360", "870340",
                                             "870323", "870332", "870390"};
  const std::vector<std::string> manufacturers = {"", "",      "",
                                                  "", "Tesla", "BYD"};
  auto pick = [&rng](const auto& v) {
    return v[std::uniform_int_distribution<size_t>(0, v.size() - 1)(rng)];
  };
  for (int batch = 0; batch < 6; ++batch) {
    std::vector<v1::TradeRecord> records;
    for (int i = 0; i < (batch == 0 ? 400 : 60); ++i) {
      const std::string reporter = pick(reporters);
      const std::string partner = pick(partners);
      const std::string hs_code = pick(hs_codes);
      const std::string manufacturer = pick(manufacturers);
      const v1::Flow flow = i % 5 == 0 ? v1::FLOW_IMPORT : v1::FLOW_EXPORT;
      const int year = 2020 + std::uniform_int_distribution<int>(0, 2)(rng);
      const int month = std::uniform_int_distribution<int>(1, 12)(rng);
      // Few distinct values: ties in rankings and partner order happen.
      const int64_t value =
          std::uniform_int_distribution<int64_t>(0, 6)(rng) * 500;
      const int64_t quantity =
          std::uniform_int_distribution<int64_t>(0, 5)(rng);
      records.push_back(testing::Rec(reporter, partner, flow, hs_code, year,
                                     month, value, quantity, manufacturer));
    }
    ASSERT_TRUE(testing::IngestBatch(**ingest, records, "random").ok());
  }

  store::SqliteQueryStoreOptions options;
  options.db_path = db_path;
  auto opened = store::SqliteQueryStore::Open(options);
  ASSERT_TRUE(opened.ok()) << opened.status();
  int compared = 0;
  for (const std::string& reporter : reporters) {
    for (Month month{2020, 1}; month <= Month{2023, 2}; month = month.Next()) {
      for (v1::Powertrain segment :
           {v1::POWERTRAIN_ELECTRIC, v1::POWERTRAIN_ALL, v1::POWERTRAIN_BEV,
            v1::POWERTRAIN_ICE}) {
        for (v1::Flow flow : {v1::FLOW_EXPORT, v1::FLOW_IMPORT}) {
          ASSERT_NO_FATAL_FAILURE(CompareWithParts(
              **opened, reporter, month, segment, flow, compared % 3 + 1));
          ++compared;
        }
      }
    }
  }
  EXPECT_EQ(compared, 4 * 38 * 4 * 2);
}

}  // namespace
}  // namespace evtrade

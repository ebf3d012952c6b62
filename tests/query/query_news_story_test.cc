// The November 2022 story of docs/methodology.md, sentence by sentence, read
// back through the QueryService from the bundled sample data set (data/sample,
// key figures in its README), ingested with the shared format readers and
// the real writer.
#include <grpcpp/grpcpp.h>

#include <string>
#include <variant>
#include <vector>

#include "common/formats/record_reader.h"
#include "gtest/gtest.h"
#include "tests/support/paths.h"
#include "tests/support/query_fixture.h"

namespace evtrade {
namespace {

v1::Period P(int year, int month) { return testing::MakePeriod(year, month); }

class QueryNewsStoryTest : public testing::SharedQueryServerSuite {
 protected:
  void SetUp() override { UseSharedServer(Fill); }

  static void Fill(store::IngestStore& store) {
    for (const char* file :
         {"comtrade_chn_8703_2021_2022.csv",
          "comtrade_jpn_deu_8703_2021_2022.csv", "manufacturers.csv"}) {
      const std::string path = testing::SourceDir() + "/data/sample/" + file;
      auto reader = formats::RecordReader::Open(path);
      ASSERT_TRUE(reader.ok()) << reader.status();
      std::vector<v1::TradeRecord> records;
      while (true) {
        auto row = (*reader)->Next();
        ASSERT_TRUE(row.ok()) << row.status();
        if (!row->has_value()) break;
        const auto* record = std::get_if<formats::LineRecord>(&**row);
        ASSERT_NE(record, nullptr)
            << file << ": " << std::get<formats::RowError>(**row).reason;
        records.push_back(record->record);
      }
      auto version = testing::IngestBatch(store, records, file);
      ASSERT_TRUE(version.ok()) << file << ": " << version.status();
    }
  }

  template <typename Response, typename Request, typename Method>
  static Response Call(Method method, const Request& request) {
    return testing::CallQueryOk<Response>(stub(), method, request);
  }

  static v1::SeriesPoint ChinaNovember2022(v1::Powertrain powertrain) {
    v1::GetSeriesRequest request;
    request.set_reporter("CHN");
    request.set_powertrain(powertrain);
    *request.mutable_start() = P(2022, 11);
    *request.mutable_end() = P(2022, 11);
    auto response = Call<v1::GetSeriesResponse>(
        &v1::QueryService::Stub::GetSeries, request);
    EXPECT_EQ(response.points_size(), 1);
    return response.points_size() == 1 ? response.points(0) : v1::SeriesPoint();
  }
};

EVTRADE_INSTANTIATE_FOR_EACH_BACKEND(QueryNewsStoryTest);

// "China's electric car exports hit a record $3.2 billion in November, up
// 165% year on year, the highest monthly total on record."
TEST_P(QueryNewsStoryTest, ElectricRecordUp165Percent) {
  v1::SeriesPoint nov = ChinaNovember2022(v1::POWERTRAIN_ELECTRIC);
  EXPECT_EQ(nov.value_usd(), 3'216'400'000);
  EXPECT_EQ(nov.quantity(), 118'511);
  ASSERT_TRUE(nov.has_value_yoy_pct());
  EXPECT_DOUBLE_EQ(nov.value_yoy_pct(), (3'216'400'000.0 - 1'213'735'849.0) /
                                            1'213'735'849.0 * 100.0);
  EXPECT_NEAR(nov.value_yoy_pct(), 165.0, 1e-6);
  EXPECT_DOUBLE_EQ(nov.quantity_yoy_pct(),
                   (118'511.0 - 42'290.0) / 42'290.0 * 100.0);
  EXPECT_TRUE(nov.record_high());
  EXPECT_EQ(nov.previous_record().period().year(), 2022);
  EXPECT_EQ(nov.previous_record().period().month(), 10);
  EXPECT_EQ(nov.previous_record().value_usd(), 2'980'000'000);
  // Year to date, January-November 2022.
  EXPECT_EQ(nov.ytd_value_usd(), 21'566'400'000);
  EXPECT_EQ(nov.ytd_quantity(), 780'282);
}

// "Belgium and the United Kingdom took nearly 70% of them."
TEST_P(QueryNewsStoryTest, BelgiumAndUnitedKingdomNearly70Percent) {
  v1::GetPartnerBreakdownRequest request;
  request.set_reporter("CHN");
  request.set_powertrain(v1::POWERTRAIN_ELECTRIC);
  *request.mutable_start() = P(2022, 11);
  *request.mutable_end() = P(2022, 11);
  request.set_limit(3);
  auto response = Call<v1::GetPartnerBreakdownResponse>(
      &v1::QueryService::Stub::GetPartnerBreakdown, request);
  EXPECT_EQ(response.total_value_usd(), 3'216'400'000);
  // 870380 has World rows, the plug-in hybrid codes do not.
  EXPECT_EQ(response.total_basis(), v1::TOTAL_BASIS_MIXED);
  ASSERT_EQ(response.partners_size(), 3);
  EXPECT_EQ(response.partners(0).partner(), "BEL");
  EXPECT_EQ(response.partners(0).value_usd(), 1'352'161'694);
  EXPECT_EQ(response.partners(1).partner(), "GBR");
  EXPECT_EQ(response.partners(1).value_usd(), 870'613'544);
  EXPECT_EQ(response.partners(2).partner(), "THA");
  EXPECT_DOUBLE_EQ(response.partners(1).cumulative_share_pct(),
                   (1'352'161'694.0 + 870'613'544.0) / 3'216'400'000.0 * 100.0);
  EXPECT_NEAR(response.partners(1).cumulative_share_pct(), 69.1075, 5e-5);
}

// "Electric vehicles were more than half of China's vehicle exports for two
// months in a row."
TEST_P(QueryNewsStoryTest, ElectricMajorityTwoMonthsInARow) {
  v1::GetPowertrainMixRequest request;
  request.set_reporter("CHN");
  const double expected_share[] = {47.2072, 50.9402, 53.4286};
  for (int month = 9; month <= 11; ++month) {
    *request.mutable_period() = P(2022, month);
    auto response = Call<v1::GetPowertrainMixResponse>(
        &v1::QueryService::Stub::GetPowertrainMix, request);
    EXPECT_NEAR(response.electric_value_share_pct(), expected_share[month - 9],
                5e-5)
        << month;
    EXPECT_EQ(response.electric_majority_streak_months(), month - 9);
    if (month == 11) {
      const int64_t values[] = {2'733'940'000, 482'460'000, 228'350'283,
                                2'323'905'488, 251'344'229};
      ASSERT_EQ(response.shares_size(), 5);
      for (int i = 0; i < 5; ++i) {
        EXPECT_EQ(response.shares(i).value_usd(), values[i]) << i;
      }
      EXPECT_EQ(response.total_value_usd(), 6'020'000'000);
    }
  }
}

// "total vehicle exports were a record $6 billion."
TEST_P(QueryNewsStoryTest, AllVehiclesRecordSixBillion) {
  v1::SeriesPoint nov = ChinaNovember2022(v1::POWERTRAIN_ALL);
  EXPECT_EQ(nov.value_usd(), 6'020'000'000);
  EXPECT_EQ(nov.quantity(), 339'613);
  EXPECT_TRUE(nov.record_high());
  EXPECT_DOUBLE_EQ(nov.value_mom_pct(), (6'020'000'000.0 - 5'850'000'000.0) /
                                            5'850'000'000.0 * 100.0);
  EXPECT_DOUBLE_EQ(nov.value_yoy_pct(), (6'020'000'000.0 - 3'300'000'000.0) /
                                            3'300'000'000.0 * 100.0);
  // "China's car exports from January to November were 3 million units."
  EXPECT_EQ(nov.ytd_quantity(), 2'984'258);
}

// "Tesla's Shanghai plant exported 37,000 vehicles."
TEST_P(QueryNewsStoryTest, TeslaThirtySevenThousand) {
  v1::GetManufacturerBreakdownRequest request;
  request.set_reporter("CHN");
  *request.mutable_start() = P(2022, 11);
  *request.mutable_end() = P(2022, 11);
  auto response = Call<v1::GetManufacturerBreakdownResponse>(
      &v1::QueryService::Stub::GetManufacturerBreakdown, request);
  ASSERT_EQ(response.manufacturers_size(), 1);
  EXPECT_EQ(response.manufacturers(0).manufacturer(), "Tesla");
  EXPECT_EQ(response.manufacturers(0).quantity(), 37'000);
  EXPECT_EQ(response.manufacturers(0).value_usd(), 1'332'000'000);
  EXPECT_EQ(response.total_quantity(), 339'613);  // not counted twice
}

// "China overtook Germany as the world's second largest car exporter,
// after Japan."
TEST_P(QueryNewsStoryTest, SecondAfterJapanAheadOfGermany) {
  v1::GetExporterRankingRequest request;
  *request.mutable_start() = P(2022, 1);
  *request.mutable_end() = P(2022, 11);
  auto by_value = Call<v1::GetExporterRankingResponse>(
      &v1::QueryService::Stub::GetExporterRanking, request);
  ASSERT_EQ(by_value.ranks_size(), 3);
  EXPECT_EQ(by_value.ranks(0).reporter(), "JPN");
  EXPECT_EQ(by_value.ranks(0).value_usd(), 57'774'982'000);
  EXPECT_EQ(by_value.ranks(1).reporter(), "CHN");
  EXPECT_EQ(by_value.ranks(1).value_usd(), 50'570'000'000);
  EXPECT_EQ(by_value.ranks(2).reporter(), "DEU");
  EXPECT_EQ(by_value.ranks(2).value_usd(), 46'643'920'000);

  request.set_rank_by(v1::RANK_BY_QUANTITY);
  auto by_units = Call<v1::GetExporterRankingResponse>(
      &v1::QueryService::Stub::GetExporterRanking, request);
  ASSERT_EQ(by_units.ranks_size(), 3);
  EXPECT_EQ(by_units.ranks(0).quantity(), 3'273'669);
  EXPECT_EQ(by_units.ranks(1).reporter(), "CHN");
  EXPECT_EQ(by_units.ranks(1).quantity(), 2'984'258);
  EXPECT_EQ(by_units.ranks(2).quantity(), 2'369'391);
}

}  // namespace
}  // namespace evtrade

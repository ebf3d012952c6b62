// Every field of every QueryService RPC on the hand-computed fixture
// (tests/support/query_fixture.cc), through an in-process server and a real
// stub.
#include <grpcpp/grpcpp.h>

#include <optional>
#include <string>
#include <vector>

#include "common/store/open_store.h"
#include "gtest/gtest.h"
#include "tests/support/paths.h"
#include "tests/support/query_fixture.h"
#include "tests/support/store_backends.h"

namespace evtrade {
namespace {

using testing::Backend;
using testing::FixtureBatch1;
using testing::FixtureBatch2;
using testing::FreshStore;
using testing::IngestBatch;
using testing::InProcessQueryServer;
using testing::MakeTempDir;

v1::Period P(int year, int month) { return testing::MakePeriod(year, month); }

struct ExpectedPoint {
  int year;
  int month;
  bool has_data;
  int64_t value_usd;
  int64_t quantity;
  std::optional<double> value_yoy_pct;
  std::optional<double> quantity_yoy_pct;
  std::optional<double> value_mom_pct;
  bool record_high;
  // (year, month, value) of the previous record, when record_high.
  std::optional<std::tuple<int, int, int64_t>> previous_record;
  int64_t ytd_value_usd;
  int64_t ytd_quantity;
};

void ExpectOptional(bool has, double actual, std::optional<double> expected,
                    const char* what) {
  ASSERT_EQ(has, expected.has_value()) << what;
  if (expected) {
    EXPECT_DOUBLE_EQ(actual, *expected) << what;
  }
}

void ExpectPoints(const v1::GetSeriesResponse& response,
                  const std::vector<ExpectedPoint>& expected) {
  ASSERT_EQ(response.points_size(), static_cast<int>(expected.size()));
  for (size_t i = 0; i < expected.size(); ++i) {
    const v1::SeriesPoint& p = response.points(i);
    const ExpectedPoint& e = expected[i];
    SCOPED_TRACE(::testing::Message() << e.year << "-" << e.month);
    EXPECT_EQ(p.period().year(), e.year);
    EXPECT_EQ(p.period().month(), e.month);
    EXPECT_EQ(p.has_data(), e.has_data);
    EXPECT_EQ(p.value_usd(), e.value_usd);
    EXPECT_EQ(p.quantity(), e.quantity);
    ExpectOptional(p.has_value_yoy_pct(), p.value_yoy_pct(), e.value_yoy_pct,
                   "value_yoy_pct");
    ExpectOptional(p.has_quantity_yoy_pct(), p.quantity_yoy_pct(),
                   e.quantity_yoy_pct, "quantity_yoy_pct");
    ExpectOptional(p.has_value_mom_pct(), p.value_mom_pct(), e.value_mom_pct,
                   "value_mom_pct");
    EXPECT_EQ(p.record_high(), e.record_high);
    ASSERT_EQ(p.has_previous_record(), e.previous_record.has_value());
    if (e.previous_record) {
      EXPECT_EQ(p.previous_record().period().year(),
                std::get<0>(*e.previous_record));
      EXPECT_EQ(p.previous_record().period().month(),
                std::get<1>(*e.previous_record));
      EXPECT_EQ(p.previous_record().value_usd(),
                std::get<2>(*e.previous_record));
    }
    EXPECT_EQ(p.ytd_value_usd(), e.ytd_value_usd);
    EXPECT_EQ(p.ytd_quantity(), e.ytd_quantity);
  }
}

constexpr std::nullopt_t kAbsent = std::nullopt;

class QueryFiguresTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    absl::StatusOr<std::string> db = FreshStore(GetParam());
    ASSERT_TRUE(db.ok()) << db.status();
    db_path_ = *db;
    store::StoreConfig config;
    config.db = db_path_;
    auto ingest = store::OpenIngestStore(config);
    ASSERT_TRUE(ingest.ok()) << ingest.status();
    ingest_ = *std::move(ingest);
    auto version = IngestBatch(*ingest_, FixtureBatch1(), "fixture-1");
    ASSERT_TRUE(version.ok()) << version.status();
    version_ = *version;
    auto server = InProcessQueryServer::Start(db_path_);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
  }

  // The revision of 2021-11 (batch 2).
  void Revise() {
    auto version = IngestBatch(*ingest_, FixtureBatch2(), "fixture-2");
    ASSERT_TRUE(version.ok()) << version.status();
    ASSERT_GT(*version, version_);
    version_ = *version;
  }

  template <typename Response, typename Request, typename Method>
  Response Call(Method method, const Request& request) {
    return testing::CallQueryOk<Response>(server_->stub(), method, request);
  }

  v1::GetSeriesResponse Series(const v1::GetSeriesRequest& request) {
    return Call<v1::GetSeriesResponse>(&v1::QueryService::Stub::GetSeries,
                                       request);
  }
  v1::GetPartnerBreakdownResponse Partners(
      const v1::GetPartnerBreakdownRequest& request) {
    return Call<v1::GetPartnerBreakdownResponse>(
        &v1::QueryService::Stub::GetPartnerBreakdown, request);
  }
  v1::GetPowertrainMixResponse Mix(const v1::GetPowertrainMixRequest& request) {
    return Call<v1::GetPowertrainMixResponse>(
        &v1::QueryService::Stub::GetPowertrainMix, request);
  }
  v1::GetManufacturerBreakdownResponse Manufacturers(
      const v1::GetManufacturerBreakdownRequest& request) {
    return Call<v1::GetManufacturerBreakdownResponse>(
        &v1::QueryService::Stub::GetManufacturerBreakdown, request);
  }
  v1::GetExporterRankingResponse Ranking(
      const v1::GetExporterRankingRequest& request) {
    return Call<v1::GetExporterRankingResponse>(
        &v1::QueryService::Stub::GetExporterRanking, request);
  }
  v1::ListRecordsResponse List(const v1::ListRecordsRequest& request) {
    return Call<v1::ListRecordsResponse>(&v1::QueryService::Stub::ListRecords,
                                         request);
  }

  std::string db_path_;
  std::unique_ptr<store::IngestStore> ingest_;
  int64_t version_ = 0;
  std::unique_ptr<InProcessQueryServer> server_;
};

EVTRADE_INSTANTIATE_FOR_EACH_BACKEND(QueryFiguresTest);

v1::GetSeriesRequest ChnSeries(int y0, int m0, int y1, int m1) {
  v1::GetSeriesRequest request;
  request.set_reporter("CHN");
  *request.mutable_start() = P(y0, m0);
  *request.mutable_end() = P(y1, m1);
  return request;
}

// All vehicles: 2021-10 0 (PHEV BEL 0), 2021-11 World BEV + ICE partner sum,
// 2022-10 2000 + 1500, 2022-11 3000 + 1500 + 600. Manufacturer rows, the
// import and the non-vehicle code count nowhere.
TEST_P(QueryFiguresTest, SeriesAllVehiclesAfterRevision) {
  Revise();
  v1::GetSeriesResponse response = Series(ChnSeries(2021, 10, 2022, 12));
  EXPECT_EQ(response.data_version(), version_);
  std::vector<ExpectedPoint> expected = {
      // No earlier month: no growth, no record.
      {2021, 10, true, 0, 0, kAbsent, kAbsent, kAbsent, false, kAbsent, 0, 0},
      // Prior year missing; MoM over a 0 base; a record over 2021-10's 0.
      {2021, 11, true, 4500, 45, kAbsent, kAbsent, kAbsent, true,
       std::make_tuple(2021, 10, int64_t{0}), 4500, 45},
      {2021, 12, false, 0, 0, kAbsent, kAbsent, kAbsent, false, kAbsent, 4500,
       45},
  };
  for (int m = 1; m <= 9; ++m) {
    expected.push_back({2022, m, false, 0, 0, kAbsent, kAbsent, kAbsent, false,
                        kAbsent, 0, 0});
  }
  // Prior year (2021-10) is 0: YoY absent. 3500 < 4500: no record.
  expected.push_back({2022, 10, true, 3500, 35, kAbsent, kAbsent, kAbsent,
                      false, kAbsent, 3500, 35});
  expected.push_back({2022, 11, true, 5100, 51, 600.0 / 4500.0 * 100.0,
                      6.0 / 45.0 * 100.0, 1600.0 / 3500.0 * 100.0, true,
                      std::make_tuple(2021, 11, int64_t{4500}), 8600, 86});
  expected.push_back({2022, 12, false, 0, 0, kAbsent, kAbsent, kAbsent, false,
                      kAbsent, 8600, 86});
  ExpectPoints(response, expected);
}

// Before the revision 2021-11 was 1500: 2022-10 was a record over it, and
// 2022-11 a record over 2022-10. The revision moves the record back.
TEST_P(QueryFiguresTest, RevisionOfAnOldMonthChangesTheRecordHigh) {
  v1::GetSeriesResponse before = Series(ChnSeries(2022, 10, 2022, 11));
  EXPECT_EQ(before.data_version(), version_);
  ExpectPoints(before,
               {{2022, 10, true, 3500, 35, kAbsent, kAbsent, kAbsent, true,
                 std::make_tuple(2021, 11, int64_t{1500}), 3500, 35},
                {2022, 11, true, 5100, 51, 3600.0 / 1500.0 * 100.0,
                 36.0 / 15.0 * 100.0, 1600.0 / 3500.0 * 100.0, true,
                 std::make_tuple(2022, 10, int64_t{3500}), 8600, 86}});
  Revise();
  v1::GetSeriesResponse after = Series(ChnSeries(2022, 10, 2022, 11));
  EXPECT_EQ(after.data_version(), version_);
  ExpectPoints(after, {{2022, 10, true, 3500, 35, kAbsent, kAbsent, kAbsent,
                        false, kAbsent, 3500, 35},
                       {2022, 11, true, 5100, 51, 600.0 / 4500.0 * 100.0,
                        6.0 / 45.0 * 100.0, 1600.0 / 3500.0 * 100.0, true,
                        std::make_tuple(2021, 11, int64_t{4500}), 8600, 86}});
}

TEST_P(QueryFiguresTest, SeriesToOnePartnerAndToTheWorldRows) {
  Revise();
  v1::GetSeriesRequest bel = ChnSeries(2022, 10, 2022, 11);
  bel.set_partner("bel ");  // normalized like input codes
  bel.set_powertrain(v1::POWERTRAIN_BEV);
  ExpectPoints(
      Series(bel),
      {{2022, 10, true, 1200, 12, kAbsent, kAbsent, kAbsent, true,
        std::make_tuple(2021, 11, int64_t{600}), 1200, 12},
       {2022, 11, true, 1000, 10, 400.0 / 600.0 * 100.0, 4.0 / 6.0 * 100.0,
        -200.0 / 1200.0 * 100.0, false, kAbsent, 2200, 22}});

  v1::GetSeriesRequest world = ChnSeries(2022, 11, 2022, 11);
  world.set_partner("WLD");
  world.set_powertrain(v1::POWERTRAIN_BEV);
  ExpectPoints(Series(world), {{2022, 11, true, 3000, 30, -25.0, -25.0, 50.0,
                                false, kAbsent, 5000, 50}});
}

TEST_P(QueryFiguresTest, SeriesOfManufacturerRows) {
  v1::GetSeriesRequest tesla = ChnSeries(2022, 10, 2022, 11);
  tesla.set_manufacturer("Tesla");
  ExpectPoints(Series(tesla), {{2022, 10, false, 0, 0, kAbsent, kAbsent,
                                kAbsent, false, kAbsent, 0, 0},
                               {2022, 11, true, 1800, 18, kAbsent, kAbsent,
                                kAbsent, false, kAbsent, 1800, 18}});

  v1::GetSeriesRequest byd = ChnSeries(2022, 11, 2022, 11);
  byd.set_manufacturer("BYD");
  byd.set_partner("BEL");
  byd.set_powertrain(v1::POWERTRAIN_ELECTRIC);
  ExpectPoints(Series(byd), {{2022, 11, true, 300, 6, kAbsent, kAbsent, kAbsent,
                              false, kAbsent, 300, 6}});
}

TEST_P(QueryFiguresTest, PartnerBreakdownAllVehicles) {
  Revise();
  v1::GetPartnerBreakdownRequest request;
  request.set_reporter("CHN");
  *request.mutable_start() = P(2022, 11);
  *request.mutable_end() = P(2022, 11);
  v1::GetPartnerBreakdownResponse response = Partners(request);
  EXPECT_EQ(response.data_version(), version_);
  EXPECT_EQ(response.total_value_usd(), 5100);
  EXPECT_EQ(response.total_quantity(), 51);
  // BEV from the World row, ICE and PHEV from partner sums.
  EXPECT_EQ(response.total_basis(), v1::TOTAL_BASIS_MIXED);
  EXPECT_EQ(response.partner_count(), 4);
  ASSERT_EQ(response.partners_size(), 4);
  struct Row {
    const char* partner;
    int64_t value, quantity;
    double cumulative;
    std::optional<double> yoy;
    bool is_country;
    const char* name;
  };
  // 2021-11 bases: BEL 600 (BEV), DEU 500 (ICE), GBR 300; S19 none.
  const Row rows[] = {
      {"BEL", 1600, 16, 1600, 1000.0 / 600.0 * 100.0, true, "Belgium"},
      {"DEU", 1500, 15, 3100, 200.0, true, "Germany"},
      {"GBR", 1000, 10, 4100, 700.0 / 300.0 * 100.0, true, "United Kingdom"},
      {"S19", 400, 4, 4500, kAbsent, false, "Other Asia, nes"},
  };
  for (int i = 0; i < 4; ++i) {
    const v1::PartnerShare& p = response.partners(i);
    SCOPED_TRACE(rows[i].partner);
    EXPECT_EQ(p.rank(), i + 1);
    EXPECT_EQ(p.partner(), rows[i].partner);
    EXPECT_EQ(p.value_usd(), rows[i].value);
    EXPECT_EQ(p.quantity(), rows[i].quantity);
    ASSERT_TRUE(p.has_value_share_pct());
    EXPECT_DOUBLE_EQ(p.value_share_pct(), rows[i].value / 5100.0 * 100.0);
    ASSERT_TRUE(p.has_cumulative_share_pct());
    EXPECT_DOUBLE_EQ(p.cumulative_share_pct(),
                     rows[i].cumulative / 5100.0 * 100.0);
    ExpectOptional(p.has_value_yoy_pct(), p.value_yoy_pct(), rows[i].yoy,
                   "value_yoy_pct");
    EXPECT_EQ(p.is_country(), rows[i].is_country);
    EXPECT_EQ(p.partner_name(), rows[i].name);
  }
}

TEST_P(QueryFiguresTest, PartnerBreakdownTiesAndLimit) {
  v1::GetPartnerBreakdownRequest request;
  request.set_reporter("CHN");
  request.set_powertrain(v1::POWERTRAIN_BEV);
  *request.mutable_start() = P(2022, 11);
  *request.mutable_end() = P(2022, 11);
  request.set_limit(2);
  v1::GetPartnerBreakdownResponse response = Partners(request);
  EXPECT_EQ(response.total_value_usd(), 3000);
  EXPECT_EQ(response.total_quantity(), 30);
  EXPECT_EQ(response.total_basis(), v1::TOTAL_BASIS_WORLD_ROW);
  EXPECT_EQ(response.partner_count(), 3);  // BEL, GBR, S19; never W00
  ASSERT_EQ(response.partners_size(), 2);
  // BEL and GBR tie at 1000: code ascending.
  EXPECT_EQ(response.partners(0).partner(), "BEL");
  EXPECT_EQ(response.partners(0).rank(), 1);
  EXPECT_DOUBLE_EQ(response.partners(0).value_share_pct(), 1000.0 / 30.0);
  EXPECT_DOUBLE_EQ(response.partners(0).cumulative_share_pct(), 1000.0 / 30.0);
  EXPECT_DOUBLE_EQ(response.partners(0).value_yoy_pct(), 400.0 / 6.0);
  EXPECT_EQ(response.partners(1).partner(), "GBR");
  EXPECT_EQ(response.partners(1).rank(), 2);
  EXPECT_DOUBLE_EQ(response.partners(1).value_share_pct(), 1000.0 / 30.0);
  EXPECT_DOUBLE_EQ(response.partners(1).cumulative_share_pct(), 2000.0 / 30.0);
  EXPECT_DOUBLE_EQ(response.partners(1).value_yoy_pct(), 700.0 / 3.0);
}

TEST_P(QueryFiguresTest, PartnerBreakdownOverAZeroTotal) {
  v1::GetPartnerBreakdownRequest request;
  request.set_reporter("CHN");
  request.set_powertrain(v1::POWERTRAIN_PHEV);
  *request.mutable_start() = P(2021, 10);
  *request.mutable_end() = P(2021, 10);
  v1::GetPartnerBreakdownResponse response = Partners(request);
  EXPECT_EQ(response.total_value_usd(), 0);
  EXPECT_EQ(response.total_basis(), v1::TOTAL_BASIS_PARTNER_SUM);
  ASSERT_EQ(response.partners_size(), 1);
  EXPECT_EQ(response.partners(0).partner(), "BEL");
  EXPECT_FALSE(response.partners(0).has_value_share_pct());
  EXPECT_FALSE(response.partners(0).has_cumulative_share_pct());
  EXPECT_FALSE(response.partners(0).has_value_yoy_pct());

  // A range with no data at all has no basis.
  *request.mutable_start() = P(2020, 1);
  *request.mutable_end() = P(2020, 12);
  response = Partners(request);
  EXPECT_EQ(response.total_basis(), v1::TOTAL_BASIS_UNSPECIFIED);
  EXPECT_EQ(response.partner_count(), 0);
}

void ExpectShares(const v1::GetPowertrainMixResponse& response,
                  const std::vector<std::pair<int64_t, int64_t>>& figures,
                  int64_t total_value) {
  const v1::Powertrain order[] = {v1::POWERTRAIN_BEV, v1::POWERTRAIN_PHEV,
                                  v1::POWERTRAIN_HEV, v1::POWERTRAIN_ICE,
                                  v1::POWERTRAIN_OTHER};
  ASSERT_EQ(response.shares_size(), 5);
  for (int i = 0; i < 5; ++i) {
    const v1::PowertrainShare& s = response.shares(i);
    EXPECT_EQ(s.powertrain(), order[i]);
    EXPECT_EQ(s.value_usd(), figures[i].first);
    EXPECT_EQ(s.quantity(), figures[i].second);
    ASSERT_EQ(s.has_value_share_pct(), total_value != 0);
    if (total_value != 0) {
      EXPECT_DOUBLE_EQ(
          s.value_share_pct(),
          static_cast<double>(figures[i].first) / total_value * 100.0);
    }
  }
}

// Electric share by month (after the revision): 2021-11 4000/4500,
// 2022-10 2000/3500 (57.1%), 2022-11 3600/5100 (70.6%); 2022-09 missing.
TEST_P(QueryFiguresTest, PowertrainMixAndStreaks) {
  Revise();
  v1::GetPowertrainMixRequest request;
  request.set_reporter("CHN");
  *request.mutable_period() = P(2022, 11);
  v1::GetPowertrainMixResponse response = Mix(request);
  EXPECT_EQ(response.data_version(), version_);
  EXPECT_EQ(response.total_value_usd(), 5100);
  EXPECT_EQ(response.total_quantity(), 51);
  ExpectShares(response, {{3000, 30}, {600, 6}, {0, 0}, {1500, 15}, {0, 0}},
               5100);
  EXPECT_DOUBLE_EQ(response.electric_value_share_pct(), 3600.0 / 51.0);
  EXPECT_EQ(response.electric_majority_streak_months(), 2);
  EXPECT_DOUBLE_EQ(response.segment_value_share_pct(), 3600.0 / 51.0);
  EXPECT_EQ(response.segment_majority_streak_months(), 2);

  // At 60%, 2022-10 (57.1%) breaks the electric streak; BEV (58.8%) is not
  // above it at all.
  request.set_majority_threshold_pct(60);
  request.set_segment(v1::POWERTRAIN_BEV);
  response = Mix(request);
  EXPECT_EQ(response.electric_majority_streak_months(), 1);
  EXPECT_DOUBLE_EQ(response.segment_value_share_pct(), 3000.0 / 51.0);
  EXPECT_EQ(response.segment_majority_streak_months(), 0);
}

TEST_P(QueryFiguresTest, PowertrainMixToOnePartnerAndOverAZeroMonth) {
  v1::GetPowertrainMixRequest request;
  request.set_reporter("CHN");
  request.set_partner("BEL");
  *request.mutable_period() = P(2022, 11);
  v1::GetPowertrainMixResponse response = Mix(request);
  EXPECT_EQ(response.total_value_usd(), 1600);
  EXPECT_EQ(response.total_quantity(), 16);
  ExpectShares(response, {{1000, 10}, {600, 6}, {0, 0}, {0, 0}, {0, 0}}, 1600);
  EXPECT_DOUBLE_EQ(response.electric_value_share_pct(), 100.0);
  // BEL 2022-10: 1200 of 1700 electric; 2022-09 missing.
  EXPECT_EQ(response.electric_majority_streak_months(), 2);

  request.clear_partner();
  *request.mutable_period() = P(2021, 10);
  response = Mix(request);
  EXPECT_EQ(response.total_value_usd(), 0);
  ExpectShares(response, {{0, 0}, {0, 0}, {0, 0}, {0, 0}, {0, 0}}, 0);
  EXPECT_FALSE(response.has_electric_value_share_pct());
  EXPECT_FALSE(response.has_segment_value_share_pct());
  EXPECT_EQ(response.electric_majority_streak_months(), 0);
}

TEST_P(QueryFiguresTest, ManufacturerBreakdown) {
  v1::GetManufacturerBreakdownRequest request;
  request.set_reporter("CHN");
  *request.mutable_start() = P(2022, 11);
  *request.mutable_end() = P(2022, 11);
  v1::GetManufacturerBreakdownResponse response = Manufacturers(request);
  EXPECT_EQ(response.data_version(), version_);
  EXPECT_EQ(response.total_quantity(), 51);
  ASSERT_EQ(response.manufacturers_size(), 2);
  EXPECT_EQ(response.manufacturers(0).rank(), 1);
  EXPECT_EQ(response.manufacturers(0).manufacturer(), "Tesla");
  EXPECT_EQ(response.manufacturers(0).value_usd(), 1800);
  EXPECT_EQ(response.manufacturers(0).quantity(), 18);
  EXPECT_DOUBLE_EQ(response.manufacturers(0).quantity_share_pct(),
                   18.0 / 51.0 * 100.0);
  EXPECT_EQ(response.manufacturers(1).rank(), 2);
  EXPECT_EQ(response.manufacturers(1).manufacturer(), "BYD");
  EXPECT_EQ(response.manufacturers(1).value_usd(), 300);
  EXPECT_EQ(response.manufacturers(1).quantity(), 6);
  EXPECT_DOUBLE_EQ(response.manufacturers(1).quantity_share_pct(),
                   6.0 / 51.0 * 100.0);

  request.set_powertrain(v1::POWERTRAIN_BEV);
  request.set_limit(1);
  response = Manufacturers(request);
  EXPECT_EQ(response.total_quantity(), 30);
  ASSERT_EQ(response.manufacturers_size(), 1);
  EXPECT_EQ(response.manufacturers(0).manufacturer(), "Tesla");
  EXPECT_DOUBLE_EQ(response.manufacturers(0).quantity_share_pct(), 60.0);
}

TEST_P(QueryFiguresTest, ExporterRanking) {
  v1::GetExporterRankingRequest request;
  *request.mutable_start() = P(2022, 11);
  *request.mutable_end() = P(2022, 11);
  v1::GetExporterRankingResponse response = Ranking(request);
  EXPECT_EQ(response.data_version(), version_);
  // CHN and JPN tie at 5100: code ascending. Sum 12700.
  ASSERT_EQ(response.ranks_size(), 3);
  const char* by_value[] = {"CHN", "JPN", "DEU"};
  const int64_t values[] = {5100, 5100, 2500};
  const int64_t quantities[] = {51, 60, 25};
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(response.ranks(i).rank(), i + 1);
    EXPECT_EQ(response.ranks(i).reporter(), by_value[i]);
    EXPECT_EQ(response.ranks(i).value_usd(), values[i]);
    EXPECT_EQ(response.ranks(i).quantity(), quantities[i]);
    EXPECT_DOUBLE_EQ(response.ranks(i).share_pct(),
                     values[i] / 12700.0 * 100.0);
  }

  request.set_rank_by(v1::RANK_BY_QUANTITY);
  request.set_limit(2);
  response = Ranking(request);
  ASSERT_EQ(response.ranks_size(), 2);
  EXPECT_EQ(response.ranks(0).reporter(), "JPN");
  EXPECT_DOUBLE_EQ(response.ranks(0).share_pct(), 60.0 / 136.0 * 100.0);
  EXPECT_EQ(response.ranks(1).reporter(), "CHN");
  EXPECT_DOUBLE_EQ(response.ranks(1).share_pct(), 37.5);

  // To one partner: partner rows only.
  request.set_partner("BEL");
  request.set_rank_by(v1::RANK_BY_VALUE);
  request.set_limit(0);
  response = Ranking(request);
  ASSERT_EQ(response.ranks_size(), 1);
  EXPECT_EQ(response.ranks(0).reporter(), "CHN");
  EXPECT_EQ(response.ranks(0).reporter_name(), "China");
  EXPECT_EQ(response.ranks(0).value_usd(), 1600);
  EXPECT_EQ(response.ranks(0).quantity(), 16);
  EXPECT_DOUBLE_EQ(response.ranks(0).share_pct(), 100.0);
}

TEST_P(QueryFiguresTest, ListRecordsPagesAndFilters) {
  Revise();
  v1::ListRecordsRequest request;
  request.set_page_size(5);
  std::vector<v1::TradeRecord> all;
  int pages = 0;
  do {
    v1::ListRecordsResponse page = List(request);
    EXPECT_EQ(page.data_version(), version_);
    for (const auto& r : page.records()) all.push_back(r);
    request.set_page_token(page.next_page_token());
    ASSERT_LT(++pages, 10);
  } while (!request.page_token().empty());
  EXPECT_EQ(pages, 5);  // 5 + 5 + 5 + 5 + 2
  std::vector<v1::TradeRecord> expected = FixtureBatch1();
  ASSERT_EQ(all.size(), expected.size());
  // Inserted in order, so record_id order is the fixture's order; the
  // revised record keeps its place and shows its current figures.
  expected[0].set_value_usd(4000);
  expected[0].set_quantity(40);
  for (size_t i = 0; i < all.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(all[i].reporter(), expected[i].reporter());
    EXPECT_EQ(all[i].partner(), expected[i].partner());
    EXPECT_EQ(all[i].flow(), expected[i].flow());
    EXPECT_EQ(all[i].hs_code(), expected[i].hs_code());
    EXPECT_EQ(all[i].period().year(), expected[i].period().year());
    EXPECT_EQ(all[i].period().month(), expected[i].period().month());
    EXPECT_EQ(all[i].value_usd(), expected[i].value_usd());
    EXPECT_EQ(all[i].quantity(), expected[i].quantity());
    EXPECT_EQ(all[i].manufacturer(), expected[i].manufacturer());
    EXPECT_EQ(all[i].source(), "query-fixture");
  }

  v1::ListRecordsRequest filtered;
  filtered.set_hs_code("870323");
  *filtered.mutable_start() = P(2022, 11);
  *filtered.mutable_end() = P(2022, 11);
  v1::ListRecordsResponse page = List(filtered);
  ASSERT_EQ(page.records_size(), 3);  // CHN export, CHN import, JPN
  EXPECT_EQ(page.records(0).value_usd(), 1500);
  EXPECT_EQ(page.records(1).flow(), v1::FLOW_IMPORT);
  EXPECT_EQ(page.records(2).reporter(), "JPN");
  EXPECT_TRUE(page.next_page_token().empty());

  filtered.Clear();
  filtered.set_reporter("CHN");
  filtered.set_manufacturer("Tesla");
  page = List(filtered);
  ASSERT_EQ(page.records_size(), 1);
  EXPECT_EQ(page.records(0).quantity(), 18);

  filtered.Clear();
  filtered.set_partner("GBR");
  filtered.set_flow(v1::FLOW_EXPORT);
  page = List(filtered);
  EXPECT_EQ(page.records_size(), 3);
}

TEST_P(QueryFiguresTest, StoreInfo) {
  Revise();
  v1::GetStoreInfoResponse info = Call<v1::GetStoreInfoResponse>(
      &v1::QueryService::Stub::GetStoreInfo, v1::GetStoreInfoRequest());
  EXPECT_EQ(info.data_version(), version_);
  EXPECT_EQ(info.record_count(), 22);
  EXPECT_EQ(info.first_period().year(), 2021);
  EXPECT_EQ(info.first_period().month(), 10);
  EXPECT_EQ(info.last_period().year(), 2022);
  EXPECT_EQ(info.last_period().month(), 11);
  ASSERT_EQ(info.reporters_size(), 3);
  EXPECT_EQ(info.reporters(0), "CHN");
  EXPECT_EQ(info.reporters(1), "DEU");
  EXPECT_EQ(info.reporters(2), "JPN");
  // Names from the area table, for choosers.
  ASSERT_EQ(info.reporter_names_size(), 3);
  EXPECT_EQ(info.reporter_names().at("CHN"), "China");
  EXPECT_EQ(info.reporter_names().at("DEU"), "Germany");
  EXPECT_EQ(info.reporter_names().at("JPN"), "Japan");
  // Each batch's source once, ascending.
  ASSERT_EQ(info.sources_size(), 2);
  EXPECT_EQ(info.sources(0), "fixture-1");
  EXPECT_EQ(info.sources(1), "fixture-2");
  ASSERT_TRUE(info.has_last_ingest_time());
  EXPECT_GT(info.last_ingest_time().seconds(), 1600000000);
}

}  // namespace
}  // namespace evtrade

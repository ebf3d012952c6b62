#include "tests/support/canned_market.h"

#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace evtrade::testing {
namespace {

v1::Period P(int year, int month) {
  v1::Period p;
  p.set_year(year);
  p.set_month(month);
  return p;
}

absl::Status CheckReporter(const std::string& reporter) {
  if (reporter == "CHN") return absl::OkStatus();
  return absl::NotFoundError(
      absl::StrCat("reporter ", reporter, " has no data"));
}

v1::PartnerShare Partner(int rank, const std::string& code, int64_t value,
                         int64_t quantity, double share, double cumulative,
                         double yoy) {
  v1::PartnerShare p;
  p.set_rank(rank);
  p.set_partner(code);
  p.set_value_usd(value);
  p.set_quantity(quantity);
  p.set_value_share_pct(share);
  p.set_cumulative_share_pct(cumulative);
  p.set_value_yoy_pct(yoy);
  p.set_is_country(true);
  return p;
}

v1::ManufacturerShare Maker(int rank, const std::string& name, int64_t value,
                            int64_t quantity, double share) {
  v1::ManufacturerShare m;
  m.set_rank(rank);
  m.set_manufacturer(name);
  m.set_value_usd(value);
  m.set_quantity(quantity);
  m.set_quantity_share_pct(share);
  return m;
}

v1::ExporterRank Exporter(int rank, const std::string& reporter, int64_t value,
                          int64_t quantity, double share) {
  v1::ExporterRank r;
  r.set_rank(rank);
  r.set_reporter(reporter);
  r.set_value_usd(value);
  r.set_quantity(quantity);
  r.set_share_pct(share);
  return r;
}

// Partners of the segment in the month, ranked (all of them: the fake
// applies `limit` like the real service).
const v1::PartnerShare kPartners[] = {
    Partner(1, "BEL", 1'300'000'000, 40'000, 40.49844236760124,
            40.49844236760124, 210.0),
    Partner(2, "GBR", 915'000'000, 30'000, 28.50467289719626, 69.00311526479751,
            150.0),
    Partner(3, "THA", 300'000'000, 12'000, 9.345794392523365, 78.34890965732087,
            80.0),
    Partner(4, "AUS", 150'000'000, 6'000, 4.672897196261682, 83.02180685358256,
            20.0),
    Partner(5, "ESP", 100'000'000, 4'000, 3.115264797507788, 86.13707165109034,
            -10.0),
    Partner(6, "DEU", 90'000'000, 3'500, 2.803738317757009, 88.94080996884735,
            5.0),
};

}  // namespace

void InstallChinaNovember2022(
    FakeQueryService& fake,
    std::shared_ptr<std::atomic<int64_t>> data_version) {
  fake.OnGetStoreInfo([data_version](const v1::GetStoreInfoRequest&)
                          -> absl::StatusOr<v1::GetStoreInfoResponse> {
    v1::GetStoreInfoResponse info;
    info.set_data_version(data_version->load());
    info.set_record_count(1234);
    info.add_reporters("CHN");
    return info;
  });
  fake.OnGetSeries([data_version](const v1::GetSeriesRequest& request)
                       -> absl::StatusOr<v1::GetSeriesResponse> {
    if (absl::Status s = CheckReporter(request.reporter()); !s.ok()) return s;
    v1::GetSeriesResponse response;
    response.set_data_version(data_version->load());
    v1::SeriesPoint* point = response.add_points();
    *point->mutable_period() = P(2022, 11);
    point->set_has_data(true);
    if (request.powertrain() == v1::POWERTRAIN_ELECTRIC) {
      point->set_value_usd(3'210'000'000);
      point->set_quantity(112'000);
      point->set_value_yoy_pct(165.3);
      point->set_quantity_yoy_pct(120.5);
      point->set_value_mom_pct(18.9);
      point->set_record_high(true);
      *point->mutable_previous_record()->mutable_period() = P(2022, 10);
      point->mutable_previous_record()->set_value_usd(2'700'000'000);
      point->set_ytd_value_usd(17'500'000'000);
      point->set_ytd_quantity(600'000);
    } else if (request.powertrain() == v1::POWERTRAIN_ALL) {
      point->set_value_usd(6'050'000'000);
      point->set_quantity(329'000);
      point->set_value_yoy_pct(98.2);
      point->set_quantity_yoy_pct(64.8);
      point->set_record_high(true);
      *point->mutable_previous_record()->mutable_period() = P(2022, 10);
      point->mutable_previous_record()->set_value_usd(5'900'000'000);
      point->set_ytd_value_usd(56'000'000'000);
      point->set_ytd_quantity(3'000'000);
    } else {
      return absl::InvalidArgumentError("powertrain: not canned");
    }
    return response;
  });
  fake.OnGetPowertrainMix([data_version](const v1::GetPowertrainMixRequest& r)
                              -> absl::StatusOr<v1::GetPowertrainMixResponse> {
    if (absl::Status s = CheckReporter(r.reporter()); !s.ok()) return s;
    v1::GetPowertrainMixResponse mix;
    mix.set_data_version(data_version->load());
    mix.set_total_value_usd(6'050'000'000);
    mix.set_total_quantity(329'000);
    mix.set_electric_value_share_pct(53.05785123966942);
    mix.set_electric_majority_streak_months(2);
    mix.set_segment_value_share_pct(53.05785123966942);
    mix.set_segment_majority_streak_months(2);
    return mix;
  });
  fake.OnGetPartnerBreakdown(
      [data_version](const v1::GetPartnerBreakdownRequest& r)
          -> absl::StatusOr<v1::GetPartnerBreakdownResponse> {
        if (absl::Status s = CheckReporter(r.reporter()); !s.ok()) return s;
        v1::GetPartnerBreakdownResponse response;
        response.set_data_version(data_version->load());
        response.set_total_value_usd(3'210'000'000);
        response.set_total_quantity(112'000);
        response.set_total_basis(v1::TOTAL_BASIS_WORLD_ROW);
        response.set_partner_count(std::size(kPartners));
        for (const v1::PartnerShare& p : kPartners) {
          if (r.limit() > 0 && response.partners_size() >= r.limit()) break;
          *response.add_partners() = p;
        }
        return response;
      });
  fake.OnGetManufacturerBreakdown(
      [data_version](const v1::GetManufacturerBreakdownRequest& r)
          -> absl::StatusOr<v1::GetManufacturerBreakdownResponse> {
        if (absl::Status s = CheckReporter(r.reporter()); !s.ok()) return s;
        v1::GetManufacturerBreakdownResponse response;
        response.set_data_version(data_version->load());
        response.set_total_quantity(112'000);
        *response.add_manufacturers() =
            Maker(1, "Tesla", 1'650'000'000, 37'000, 33.035714285714285);
        return response;
      });
  fake.OnGetExporterRanking(
      [data_version](const v1::GetExporterRankingRequest&)
          -> absl::StatusOr<v1::GetExporterRankingResponse> {
        v1::GetExporterRankingResponse response;
        response.set_data_version(data_version->load());
        *response.add_ranks() =
            Exporter(1, "JPN", 80'000'000'000, 3'500'000, 35.0);
        *response.add_ranks() =
            Exporter(2, "CHN", 56'000'000'000, 3'000'000, 24.5);
        *response.add_ranks() =
            Exporter(3, "DEU", 52'000'000'000, 2'400'000, 22.75);
        *response.add_ranks() =
            Exporter(4, "KOR", 40'600'000'000, 2'000'000, 17.75);
        return response;
      });
}

v1::MarketReport ExpectedChinaReport(int64_t data_version) {
  v1::MarketReport report;
  report.set_reporter("CHN");
  *report.mutable_period() = P(2022, 11);
  report.set_powertrain(v1::POWERTRAIN_ELECTRIC);
  report.set_flow(v1::FLOW_EXPORT);

  v1::SegmentSummary* segment = report.mutable_segment();
  segment->set_value_usd(3'210'000'000);
  segment->set_quantity(112'000);
  segment->set_value_yoy_pct(165.3);
  segment->set_quantity_yoy_pct(120.5);
  segment->set_record_high(true);
  *segment->mutable_previous_record()->mutable_period() = P(2022, 10);
  segment->mutable_previous_record()->set_value_usd(2'700'000'000);

  v1::SegmentSummary* all = report.mutable_all_vehicles();
  all->set_value_usd(6'050'000'000);
  all->set_quantity(329'000);
  all->set_value_yoy_pct(98.2);
  all->set_quantity_yoy_pct(64.8);
  all->set_record_high(true);
  *all->mutable_previous_record()->mutable_period() = P(2022, 10);
  all->mutable_previous_record()->set_value_usd(5'900'000'000);

  report.set_segment_share_of_all_pct(53.05785123966942);
  report.set_segment_majority_streak_months(2);
  for (int i = 0; i < 5; ++i) *report.add_top_partners() = kPartners[i];
  // (1.3 + 0.915 + 0.3 + 0.15 + 0.1) / 3.21 billion * 100.
  report.set_top_partners_share_pct(86.13707165109034);
  report.mutable_ytd_segment()->set_value_usd(17'500'000'000);
  report.mutable_ytd_segment()->set_quantity(600'000);
  report.mutable_ytd_all()->set_value_usd(56'000'000'000);
  report.mutable_ytd_all()->set_quantity(3'000'000);
  *report.add_top_manufacturers() =
      Maker(1, "Tesla", 1'650'000'000, 37'000, 33.035714285714285);

  v1::ExporterPosition* rank = report.mutable_exporter_rank();
  rank->set_rank(2);
  rank->set_value_usd(56'000'000'000);
  rank->set_ahead_of("DEU");
  rank->set_behind("JPN");
  rank->set_reporters_ranked(4);

  report.set_headline(
      "China's electric vehicle exports hit a record $3.2 billion in November "
      "2022, up 165% year on year; Belgium and the United Kingdom took 69%.");
  report.set_data_version(data_version);
  return report;
}

}  // namespace evtrade::testing

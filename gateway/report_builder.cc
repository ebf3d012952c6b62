#include "gateway/report_builder.h"

#include <algorithm>
#include <atomic>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/domain/field_violation.h"
#include "common/domain/month.h"
#include "common/domain/record_validation.h"
#include "common/util/status_macros.h"
#include "gateway/headline.h"

namespace evtrade::gateway {
namespace {

// Codes that are the backend's verdict on the request itself: every other
// part would say the same, so the report fails with it instead of
// degrading.
bool IsRequestError(const absl::Status& status) {
  return absl::IsNotFound(status) || absl::IsInvalidArgument(status);
}

// The code of a report none of whose parts could be read, by the gRPC
// status code guide: when every part ran out of time the caller's deadline
// (or the per-part cap) is what failed, DEADLINE_EXCEEDED, which retry
// policies do not treat as "try again at once"; when every part failed with
// the same code that code is the truth (UNAVAILABLE for a backend that is
// down, INTERNAL for a backend that broke the contract: retrying that would
// not help); a mixture is UNAVAILABLE when any part found the backend
// unreachable or late, the first part's code otherwise.
absl::StatusCode NoPartReadCode(const std::vector<absl::Status>& statuses) {
  const absl::StatusCode first = statuses.front().code();
  if (std::all_of(statuses.begin(), statuses.end(),
                  [&](const absl::Status& s) { return s.code() == first; })) {
    return first;
  }
  if (std::any_of(statuses.begin(), statuses.end(), [](const absl::Status& s) {
        return absl::IsUnavailable(s) || absl::IsDeadlineExceeded(s);
      })) {
    return absl::StatusCode::kUnavailable;
  }
  return first;
}

// "UNAVAILABLE: connection refused".
std::string StatusText(const absl::Status& status) {
  return absl::StrCat(absl::StatusCodeToString(status.code()),
                      status.message().empty() ? "" : ": ", status.message());
}

std::string Warning(absl::string_view part, const absl::Status& status) {
  return absl::StrCat(part, ": ", StatusText(status));
}

// The month's point of a one-month series answer; INTERNAL when the backend
// broke the contract (one point per month of the range).
absl::StatusOr<v1::SeriesPoint> OnlyPoint(const v1::GetSeriesResponse& series,
                                          const Month& month) {
  if (series.points_size() != 1 ||
      series.points(0).period().year() != month.year ||
      series.points(0).period().month() != month.month) {
    return absl::InternalError(
        absl::StrCat("series answer has ", series.points_size(),
                     " points, expected one for ", month.ToString()));
  }
  return series.points(0);
}

void FillSummary(const v1::SeriesPoint& point, v1::SegmentSummary& summary,
                 v1::YearToDate& ytd) {
  summary.set_value_usd(point.value_usd());
  summary.set_quantity(point.quantity());
  if (point.has_value_yoy_pct()) {
    summary.set_value_yoy_pct(point.value_yoy_pct());
  }
  if (point.has_quantity_yoy_pct()) {
    summary.set_quantity_yoy_pct(point.quantity_yoy_pct());
  }
  summary.set_record_high(point.record_high());
  if (point.record_high() && point.has_previous_record()) {
    *summary.mutable_previous_record() = point.previous_record();
  }
  ytd.set_value_usd(point.ytd_value_usd());
  ytd.set_quantity(point.ytd_quantity());
}

v1::ExporterPosition PositionOf(const v1::GetExporterRankingResponse& ranking,
                                absl::string_view reporter) {
  v1::ExporterPosition position;
  const auto& ranks = ranking.ranks();
  position.set_reporters_ranked(ranks.size());
  for (int i = 0; i < ranks.size(); ++i) {
    if (ranks[i].reporter() != reporter) continue;
    position.set_rank(ranks[i].rank());
    position.set_value_usd(ranks[i].value_usd());
    if (i + 1 < ranks.size()) position.set_ahead_of(ranks[i + 1].reporter());
    if (i > 0) position.set_behind(ranks[i - 1].reporter());
    break;
  }
  return position;
}

}  // namespace

absl::StatusOr<v1::GetMarketReportRequest> NormalizeReportRequest(
    const v1::GetMarketReportRequest& request) {
  v1::GetMarketReportRequest out = request;
  ASSIGN_OR_RETURN(std::string reporter, ParseReporter(request.reporter()));
  out.set_reporter(std::move(reporter));
  if (!request.has_period()) return FieldViolationError("period", "required");
  RETURN_IF_ERROR(Month::FromProto(request.period(), "period").status());
  if (!v1::Powertrain_IsValid(request.powertrain())) {
    return FieldViolationError(
        "powertrain", absl::StrCat("unknown value ", request.powertrain()));
  }
  if (request.powertrain() == v1::POWERTRAIN_UNSPECIFIED) {
    out.set_powertrain(v1::POWERTRAIN_ELECTRIC);
  }
  if (!v1::Flow_IsValid(request.flow())) {
    return FieldViolationError("flow",
                               absl::StrCat("unknown value ", request.flow()));
  }
  if (request.flow() == v1::FLOW_UNSPECIFIED) out.set_flow(v1::FLOW_EXPORT);
  if (request.top_partners() < 0 || request.top_partners() > kMaxTopPartners) {
    return FieldViolationError(
        "top_partners", absl::StrCat("must be 0..", kMaxTopPartners, ", got ",
                                     request.top_partners()));
  }
  if (request.top_partners() == 0) out.set_top_partners(kDefaultTopPartners);
  return out;
}

absl::StatusOr<v1::MarketReport> AssembleMarketReport(
    const v1::GetMarketReportRequest& request, const ReportParts& parts) {
  // The request is normalized, so its period is valid.
  const Month month{request.period().year(), request.period().month()};
  v1::MarketReport report;
  report.set_reporter(request.reporter());
  *report.mutable_period() = request.period();
  report.set_powertrain(request.powertrain());
  report.set_flow(request.flow());

  // Every part asked for, in part order: its status decides the
  // request-error and "nothing could be read" rules.
  std::vector<absl::Status> statuses;
  int64_t data_version = 0;
  // The response of a part that answered; nullptr (and a warning) otherwise.
  // Only a part that answered creates its fields in the report, so their
  // presence tells clients which parts are there.
  auto answer = [&](absl::string_view part, const auto& result) {
    using Response = std::decay_t<decltype(**result)>;
    const Response* response = nullptr;
    if (!result.has_value()) return response;
    statuses.push_back(result->status());
    if (!result->ok()) {
      report.add_warnings(Warning(part, result->status()));
      return response;
    }
    data_version = std::max<int64_t>(data_version, (*result)->data_version());
    return &**result;
  };
  // The month's point of a series part; a contract-breaking answer counts as
  // a failed part.
  auto series_point = [&](absl::string_view part, const auto& result) {
    std::optional<v1::SeriesPoint> point;
    const v1::GetSeriesResponse* series = answer(part, result);
    if (series == nullptr) return point;
    absl::StatusOr<v1::SeriesPoint> only = OnlyPoint(*series, month);
    if (!only.ok()) {
      statuses.back() = only.status();
      report.add_warnings(Warning(part, only.status()));
      return point;
    }
    point = *std::move(only);
    return point;
  };

  const std::optional<v1::SeriesPoint> segment =
      series_point(kPartSegment, parts.segment_series);
  if (segment.has_value()) {
    FillSummary(*segment, *report.mutable_segment(),
                *report.mutable_ytd_segment());
  }
  const std::optional<v1::SeriesPoint> all =
      series_point(kPartAllVehicles, parts.all_series);
  if (all.has_value()) {
    FillSummary(*all, *report.mutable_all_vehicles(),
                *report.mutable_ytd_all());
  }
  if (const auto* mix = answer(kPartPowertrainMix, parts.mix)) {
    if (mix->has_segment_value_share_pct()) {
      report.set_segment_share_of_all_pct(mix->segment_value_share_pct());
    }
    report.set_segment_majority_streak_months(
        mix->segment_majority_streak_months());
  }
  if (const auto* partners = answer(kPartTopPartners, parts.partners)) {
    *report.mutable_top_partners() = partners->partners();
    // Summed in whole dollars, divided once: exact up to the division.
    if (partners->total_value_usd() > 0) {
      int64_t top_value = 0;
      for (const v1::PartnerShare& p : partners->partners()) {
        top_value += p.value_usd();
      }
      report.set_top_partners_share_pct(
          static_cast<double>(top_value) * 100.0 /
          static_cast<double>(partners->total_value_usd()));
    }
  }
  if (const auto* makers = answer(kPartTopManufacturers, parts.manufacturers)) {
    *report.mutable_top_manufacturers() = makers->manufacturers();
  }
  if (const auto* ranking = answer(kPartExporterRank, parts.ranking)) {
    *report.mutable_exporter_rank() = PositionOf(*ranking, request.reporter());
  }
  if (parts.position.has_value()) {
    statuses.push_back(parts.position->status());
    if (parts.position->ok()) {
      *report.mutable_exporter_rank() = **parts.position;
    } else {
      report.add_warnings(Warning(kPartExporterRank, parts.position->status()));
    }
  }

  for (const absl::Status& status : statuses) {
    if (IsRequestError(status)) return status;
  }
  if (std::none_of(statuses.begin(), statuses.end(),
                   [](const absl::Status& s) { return s.ok(); })) {
    // A backend that is down fails every part the same way: say it once.
    const bool all_same =
        std::all_of(statuses.begin(), statuses.end(),
                    [&](const absl::Status& s) { return s == statuses[0]; });
    return absl::Status(
        NoPartReadCode(statuses),
        absl::StrCat("no part of the report could be read: ",
                     all_same ? StatusText(statuses[0])
                              : absl::StrJoin(report.warnings(), "; ")));
  }
  if (segment.has_value() && all.has_value() && !segment->has_data() &&
      !all->has_data()) {
    return absl::NotFoundError(absl::StrCat(
        "no ", absl::AsciiStrToLower(v1::Flow_Name(request.flow()).substr(5)),
        " data for ", request.reporter(), " in ", month.ToString()));
  }
  report.set_data_version(data_version);
  report.set_headline(MakeHeadline(report));
  return report;
}

ReportParts PartsFromFacts(
    const absl::StatusOr<v1::GetReportFactsResponse>& facts) {
  ReportParts parts;
  if (!facts.ok()) {
    parts.segment_series = facts.status();
    parts.all_series = facts.status();
    parts.mix = facts.status();
    parts.partners = facts.status();
    parts.manufacturers = facts.status();
    parts.position = facts.status();
    return parts;
  }
  const int64_t version = facts->data_version();
  v1::GetSeriesResponse segment;
  *segment.add_points() = facts->segment();
  segment.set_data_version(version);
  parts.segment_series = std::move(segment);
  v1::GetSeriesResponse all;
  *all.add_points() = facts->all_vehicles();
  all.set_data_version(version);
  parts.all_series = std::move(all);
  v1::GetPowertrainMixResponse mix;
  if (facts->has_segment_value_share_pct()) {
    mix.set_segment_value_share_pct(facts->segment_value_share_pct());
  }
  mix.set_segment_majority_streak_months(
      facts->segment_majority_streak_months());
  mix.set_data_version(version);
  parts.mix = std::move(mix);
  v1::GetPartnerBreakdownResponse partners;
  *partners.mutable_partners() = facts->top_partners();
  partners.set_total_value_usd(facts->segment().value_usd());
  partners.set_data_version(version);
  parts.partners = std::move(partners);
  v1::GetManufacturerBreakdownResponse makers;
  *makers.mutable_manufacturers() = facts->top_manufacturers();
  makers.set_data_version(version);
  parts.manufacturers = std::move(makers);
  const v1::ExporterStanding& standing = facts->exporter_rank();
  v1::ExporterPosition position;
  position.set_rank(standing.rank());
  position.set_value_usd(standing.value_usd());
  position.set_ahead_of(standing.ahead_of());
  position.set_behind(standing.behind());
  position.set_reporters_ranked(standing.reporters_ranked());
  parts.position = std::move(position);
  return parts;
}

void ReportBuilder::Build(const v1::GetMarketReportRequest& request,
                          absl::Time deadline,
                          Callback<v1::MarketReport> done) const {
  v1::GetReportFactsRequest facts;
  facts.set_reporter(request.reporter());
  *facts.mutable_period() = request.period();
  facts.set_segment(request.powertrain());
  facts.set_flow(request.flow());
  facts.set_top(request.top_partners());
  client_->GetReportFacts(
      facts, deadline,
      [this, request, deadline, done = std::move(done)](
          absl::StatusOr<v1::GetReportFactsResponse> result) mutable {
        if (absl::IsUnimplemented(result.status())) {
          BuildFromParts(request, deadline, std::move(done));
          return;
        }
        done(AssembleMarketReport(request, PartsFromFacts(result)));
      });
}

void ReportBuilder::BuildFromParts(const v1::GetMarketReportRequest& request,
                                   absl::Time deadline,
                                   Callback<v1::MarketReport> done) const {
  // Shared by the six completion callbacks; the last one to finish
  // assembles. Each callback writes only its own slot, and the acq_rel
  // countdown orders those writes before the assembly.
  struct State {
    v1::GetMarketReportRequest request;
    Callback<v1::MarketReport> done;
    ReportParts parts;
    std::atomic<int> pending{6};
    void PartDone() {
      if (pending.fetch_sub(1, std::memory_order_acq_rel) == 1) {
        done(AssembleMarketReport(request, parts));
      }
    }
  };
  auto state = std::make_shared<State>();
  state->request = request;
  state->done = std::move(done);

  const v1::Period& period = request.period();
  v1::Period year_start = period;
  year_start.set_month(1);

  v1::GetSeriesRequest segment_series;
  segment_series.set_reporter(request.reporter());
  segment_series.set_flow(request.flow());
  segment_series.set_powertrain(request.powertrain());
  *segment_series.mutable_start() = period;
  *segment_series.mutable_end() = period;
  v1::GetSeriesRequest all_series = segment_series;
  all_series.set_powertrain(v1::POWERTRAIN_ALL);

  v1::GetPowertrainMixRequest mix;
  mix.set_reporter(request.reporter());
  mix.set_flow(request.flow());
  *mix.mutable_period() = period;
  mix.set_segment(request.powertrain());

  v1::GetPartnerBreakdownRequest partners;
  partners.set_reporter(request.reporter());
  partners.set_flow(request.flow());
  partners.set_powertrain(request.powertrain());
  *partners.mutable_start() = period;
  *partners.mutable_end() = period;
  partners.set_limit(request.top_partners());

  v1::GetManufacturerBreakdownRequest makers;
  makers.set_reporter(request.reporter());
  makers.set_flow(request.flow());
  makers.set_powertrain(request.powertrain());
  *makers.mutable_start() = period;
  *makers.mutable_end() = period;
  makers.set_limit(request.top_partners());

  // The exporter rank is about exports of all vehicles year to date,
  // whatever the report's segment and flow.
  v1::GetExporterRankingRequest ranking;
  ranking.set_powertrain(v1::POWERTRAIN_ALL);
  *ranking.mutable_start() = year_start;
  *ranking.mutable_end() = period;
  ranking.set_rank_by(v1::RANK_BY_VALUE);

  client_->GetSeries(segment_series, deadline, [state](auto result) {
    state->parts.segment_series = std::move(result);
    state->PartDone();
  });
  client_->GetSeries(all_series, deadline, [state](auto result) {
    state->parts.all_series = std::move(result);
    state->PartDone();
  });
  client_->GetPowertrainMix(mix, deadline, [state](auto result) {
    state->parts.mix = std::move(result);
    state->PartDone();
  });
  client_->GetPartnerBreakdown(partners, deadline, [state](auto result) {
    state->parts.partners = std::move(result);
    state->PartDone();
  });
  client_->GetManufacturerBreakdown(makers, deadline, [state](auto result) {
    state->parts.manufacturers = std::move(result);
    state->PartDone();
  });
  client_->GetExporterRanking(ranking, deadline, [state](auto result) {
    state->parts.ranking = std::move(result);
    state->PartDone();
  });
}

}  // namespace evtrade::gateway

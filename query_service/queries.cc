#include "query_service/queries.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <span>
#include <string_view>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/numeric/int128.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/domain/areas.h"
#include "common/domain/derived.h"
#include "common/domain/field_violation.h"
#include "common/domain/flow.h"
#include "common/domain/paging.h"
#include "common/domain/powertrain.h"
#include "common/domain/record_validation.h"
#include "common/util/status_macros.h"

namespace evtrade::query {
namespace {

absl::Status Invalid(std::string_view field, std::string_view reason) {
  return FieldViolationError(field, reason);
}

// ---- Request validation -------------------------------------------------

// Empty stays empty (meaning "any" / "all partners").
absl::StatusOr<std::string> ParsePartner(const std::string& raw,
                                         const char* field) {
  std::string code = NormalizeAreaCode(raw);
  if (code.empty()) return code;
  if (!LookupArea(code).has_value()) {
    return Invalid(field, absl::StrCat("unknown area code \"", code, "\""));
  }
  return code;
}

absl::StatusOr<v1::Flow> ParseRequestFlow(v1::Flow flow) {
  if (!v1::Flow_IsValid(flow)) {
    return Invalid("flow",
                   absl::StrCat("unknown value ", static_cast<int>(flow)));
  }
  return FlowOrExport(flow);
}

absl::StatusOr<v1::Powertrain> ParseRequestPowertrain(v1::Powertrain powertrain,
                                                      const char* field,
                                                      v1::Powertrain fallback) {
  if (!v1::Powertrain_IsValid(powertrain)) {
    return Invalid(
        field, absl::StrCat("unknown value ", static_cast<int>(powertrain)));
  }
  return powertrain == v1::POWERTRAIN_UNSPECIFIED ? fallback : powertrain;
}

std::vector<PowertrainClass> ClassVector(v1::Powertrain powertrain) {
  std::span<const PowertrainClass> classes = ClassesOf(powertrain);
  return {classes.begin(), classes.end()};
}

absl::StatusOr<Month> ParseMonth(bool present, const v1::Period& period,
                                 const char* field) {
  if (!present) return Invalid(field, "required");
  return Month::FromProto(period, field);
}

// [start, end], both required, start <= end, at most kMaxRangeMonths.
absl::StatusOr<std::pair<Month, Month>> ParseRange(bool has_start,
                                                   const v1::Period& start,
                                                   bool has_end,
                                                   const v1::Period& end) {
  ASSIGN_OR_RETURN(Month first, ParseMonth(has_start, start, "start"));
  ASSIGN_OR_RETURN(Month last, ParseMonth(has_end, end, "end"));
  if (first > last) {
    return Invalid("end",
                   absl::StrCat("must not be before start (", first.ToString(),
                                " > ", last.ToString(), ")"));
  }
  if (int months = MonthsInRange(first, last); months > kMaxRangeMonths) {
    return Invalid("end",
                   absl::StrCat("range must be at most ", kMaxRangeMonths,
                                " months, got ", months));
  }
  return std::make_pair(first, last);
}

// The two breakdown requests have the same fields.
template <typename Request>
absl::StatusOr<BreakdownQuery> ParseBreakdown(const Request& r) {
  BreakdownQuery q;
  ASSIGN_OR_RETURN(q.filter.reporter, ParseReporter(r.reporter(), "reporter"));
  ASSIGN_OR_RETURN(q.filter.flow, ParseRequestFlow(r.flow()));
  ASSIGN_OR_RETURN(
      v1::Powertrain powertrain,
      ParseRequestPowertrain(r.powertrain(), "powertrain", v1::POWERTRAIN_ALL));
  q.filter.classes = ClassVector(powertrain);
  ASSIGN_OR_RETURN(auto range,
                   ParseRange(r.has_start(), r.start(), r.has_end(), r.end()));
  std::tie(q.filter.first, q.filter.last) = range;
  ASSIGN_OR_RETURN(q.limit, Limit(r.limit()));
  return q;
}

// ---- Page tokens --------------------------------------------------------

// FNV-1a: stable across processes and builds (absl::Hash is seeded per
// process), so a token stays valid on any query replica.
uint64_t Fnv1a(const std::string& text) {
  uint64_t hash = 14695981039346656037ull;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return hash;
}

uint64_t HashFilter(const store::RecordFilter& f) {
  // Unit separators keep ("AB", "C") and ("A", "BC") apart.
  return Fnv1a(absl::StrCat(
      f.reporter, "\x1f", f.partner, "\x1f", static_cast<int>(f.flow), "\x1f",
      f.hs_code, "\x1f", f.first ? f.first->Key() : 0, "\x1f",
      f.last ? f.last->Key() : 0, "\x1f", f.manufacturer));
}

std::string EncodePageToken(int64_t last_record_id, uint64_t filter_hash) {
  return absl::WebSafeBase64Escape(
      absl::StrCat("r", last_record_id, ".", absl::Hex(filter_hash)));
}

absl::StatusOr<int64_t> DecodePageToken(const std::string& token,
                                        uint64_t filter_hash) {
  const absl::Status malformed =
      Invalid("page_token", "not a token from ListRecords");
  std::string raw;
  if (!absl::WebSafeBase64Unescape(token, &raw) || raw.empty() ||
      raw[0] != 'r') {
    return malformed;
  }
  std::vector<std::string> parts = absl::StrSplit(raw.substr(1), '.');
  int64_t record_id = 0;
  uint64_t token_hash = 0;
  if (parts.size() != 2 || !absl::SimpleAtoi(parts[0], &record_id) ||
      record_id < 0 || !absl::SimpleHexAtoi(parts[1], &token_hash)) {
    return malformed;
  }
  if (token_hash != filter_hash) {
    return Invalid("page_token",
                   "was issued for other filters; repeat the first request's "
                   "filters or start without a token");
  }
  return record_id;
}

// ---- Answers ------------------------------------------------------------

absl::Status CheckReporterHasData(store::QuerySnapshot& snapshot,
                                  const std::string& reporter) {
  ASSIGN_OR_RETURN(bool has_data, snapshot.HasReporter(reporter));
  if (!has_data) {
    return absl::NotFoundError(
        absl::StrCat("reporter: no data for \"", reporter, "\""));
  }
  return absl::OkStatus();
}

// Sums the cells of each month, ascending.
std::vector<MonthFigures> SumByMonth(
    const std::vector<store::ClassMonthFigures>& cells) {
  std::vector<MonthFigures> months;
  for (const store::ClassMonthFigures& cell : cells) {
    if (months.empty() || months.back().month != cell.month) {
      months.push_back(MonthFigures{cell.month, 0, 0});
    }
    months.back().value_usd += cell.figures.value_usd;
    months.back().quantity += cell.figures.quantity;
  }
  return months;
}

store::Figures SumAll(const std::vector<store::ClassMonthFigures>& cells) {
  store::Figures total;
  for (const store::ClassMonthFigures& cell : cells) total += cell.figures;
  return total;
}

// Sorts by `measure` descending, ties by name ascending.
template <typename Measure>
void SortRanked(std::vector<store::NamedFigures>& rows, Measure measure) {
  std::sort(rows.begin(), rows.end(),
            [&](const store::NamedFigures& a, const store::NamedFigures& b) {
              int64_t ma = measure(a.figures), mb = measure(b.figures);
              if (ma != mb) return ma > mb;
              return a.name < b.name;
            });
}

}  // namespace

absl::StatusOr<SeriesQuery> ParseGetSeries(const v1::GetSeriesRequest& r) {
  SeriesQuery q;
  ASSIGN_OR_RETURN(q.filter.reporter, ParseReporter(r.reporter(), "reporter"));
  ASSIGN_OR_RETURN(q.filter.partner, ParsePartner(r.partner(), "partner"));
  ASSIGN_OR_RETURN(q.filter.flow, ParseRequestFlow(r.flow()));
  ASSIGN_OR_RETURN(
      v1::Powertrain powertrain,
      ParseRequestPowertrain(r.powertrain(), "powertrain", v1::POWERTRAIN_ALL));
  q.filter.classes = ClassVector(powertrain);
  q.filter.manufacturer =
      std::string(absl::StripAsciiWhitespace(r.manufacturer()));
  ASSIGN_OR_RETURN(auto range,
                   ParseRange(r.has_start(), r.start(), r.has_end(), r.end()));
  std::tie(q.start, q.end) = range;
  q.filter.first = Month{kMinYear, 1};
  q.filter.last = q.end;
  return q;
}

absl::StatusOr<BreakdownQuery> ParseGetPartnerBreakdown(
    const v1::GetPartnerBreakdownRequest& r) {
  return ParseBreakdown(r);
}

absl::StatusOr<MixQuery> ParseGetPowertrainMix(
    const v1::GetPowertrainMixRequest& r) {
  MixQuery q;
  ASSIGN_OR_RETURN(q.filter.reporter, ParseReporter(r.reporter(), "reporter"));
  ASSIGN_OR_RETURN(q.filter.partner, ParsePartner(r.partner(), "partner"));
  ASSIGN_OR_RETURN(q.filter.flow, ParseRequestFlow(r.flow()));
  ASSIGN_OR_RETURN(q.period, ParseMonth(r.has_period(), r.period(), "period"));
  ASSIGN_OR_RETURN(q.segment, ParseRequestPowertrain(r.segment(), "segment",
                                                     v1::POWERTRAIN_ELECTRIC));
  const double threshold = r.majority_threshold_pct();
  if (threshold == 0) {
    q.threshold_pct = kDefaultMajorityThresholdPct;
  } else if (!std::isfinite(threshold) || threshold <= 0 || threshold >= 100) {
    return Invalid("majority_threshold_pct",
                   absl::StrCat("must be in (0, 100), got ", threshold));
  } else {
    q.threshold_pct = threshold;
  }
  q.filter.classes = ClassVector(v1::POWERTRAIN_ALL);
  q.filter.first = Month{kMinYear, 1};
  q.filter.last = q.period;
  return q;
}

absl::StatusOr<BreakdownQuery> ParseGetManufacturerBreakdown(
    const v1::GetManufacturerBreakdownRequest& r) {
  return ParseBreakdown(r);
}

absl::StatusOr<ExporterQuery> ParseGetExporterRanking(
    const v1::GetExporterRankingRequest& r) {
  ExporterQuery q;
  ASSIGN_OR_RETURN(q.partner, ParsePartner(r.partner(), "partner"));
  if (q.partner == kWorldCode) q.partner.clear();  // the world = the totals
  ASSIGN_OR_RETURN(
      v1::Powertrain powertrain,
      ParseRequestPowertrain(r.powertrain(), "powertrain", v1::POWERTRAIN_ALL));
  q.classes = ClassVector(powertrain);
  ASSIGN_OR_RETURN(auto range,
                   ParseRange(r.has_start(), r.start(), r.has_end(), r.end()));
  std::tie(q.start, q.end) = range;
  ASSIGN_OR_RETURN(q.limit, Limit(r.limit()));
  if (!v1::RankBy_IsValid(r.rank_by())) {
    return Invalid("rank_by", absl::StrCat("unknown value ",
                                           static_cast<int>(r.rank_by())));
  }
  q.by_quantity = r.rank_by() == v1::RANK_BY_QUANTITY;
  return q;
}

absl::StatusOr<ListQuery> ParseListRecords(const v1::ListRecordsRequest& r) {
  ListQuery q;
  store::RecordFilter& f = q.filter;
  if (!NormalizeAreaCode(r.reporter()).empty()) {
    ASSIGN_OR_RETURN(f.reporter, ParseReporter(r.reporter(), "reporter"));
  }
  ASSIGN_OR_RETURN(f.partner, ParsePartner(r.partner(), "partner"));
  if (!v1::Flow_IsValid(r.flow())) {
    return Invalid("flow",
                   absl::StrCat("unknown value ", static_cast<int>(r.flow())));
  }
  f.flow = r.flow();  // unspecified = any flow here
  f.hs_code = std::string(absl::StripAsciiWhitespace(r.hs_code()));
  if (!f.hs_code.empty() &&
      (f.hs_code.size() != 6 ||
       !std::all_of(f.hs_code.begin(), f.hs_code.end(), absl::ascii_isdigit))) {
    return Invalid("hs_code",
                   absl::StrCat("must be six digits, got \"", f.hs_code, "\""));
  }
  if (r.has_start() || r.has_end()) {
    if (!r.has_start()) return Invalid("start", "required when end is set");
    if (!r.has_end()) return Invalid("end", "required when start is set");
    ASSIGN_OR_RETURN(auto range, ParseRange(true, r.start(), true, r.end()));
    f.first = range.first;
    f.last = range.second;
  }
  f.manufacturer = std::string(absl::StripAsciiWhitespace(r.manufacturer()));
  ASSIGN_OR_RETURN(q.page_size, PageSize(r.page_size()));
  q.filter_hash = HashFilter(f);
  if (!r.page_token().empty()) {
    ASSIGN_OR_RETURN(q.after_record_id,
                     DecodePageToken(r.page_token(), q.filter_hash));
  }
  return q;
}

absl::StatusOr<StoreInfoQuery> ParseGetStoreInfo(
    const v1::GetStoreInfoRequest&) {
  return StoreInfoQuery{};
}

absl::StatusOr<ReportFactsQuery> ParseGetReportFacts(
    const v1::GetReportFactsRequest& r) {
  ReportFactsQuery q;
  store::ReportFactsRequest& f = q.request;
  ASSIGN_OR_RETURN(f.reporter, ParseReporter(r.reporter(), "reporter"));
  ASSIGN_OR_RETURN(f.period, ParseMonth(r.has_period(), r.period(), "period"));
  ASSIGN_OR_RETURN(
      v1::Powertrain segment,
      ParseRequestPowertrain(r.segment(), "segment", v1::POWERTRAIN_ELECTRIC));
  f.segment = static_cast<int>(segment);
  ASSIGN_OR_RETURN(v1::Flow flow, ParseRequestFlow(r.flow()));
  f.flow = static_cast<int>(flow);
  if (r.top() < 0 || r.top() > kMaxReportTop) {
    return Invalid(
        "top", absl::StrCat("must be 0..", kMaxReportTop, ", got ", r.top()));
  }
  f.top = r.top() == 0 ? kDefaultReportTop : r.top();
  return q;
}

namespace {

// The month's series point from the last fact of the year through it.
void FillPoint(const std::optional<store::SeriesFact>& fact, Month month,
               v1::SeriesPoint& out) {
  *out.mutable_period() = month.ToProto();
  if (!fact.has_value()) return;
  out.set_ytd_value_usd(fact->ytd.value_usd);
  out.set_ytd_quantity(fact->ytd.quantity);
  if (fact->period != month.Key()) return;  // no data this month
  out.set_has_data(true);
  out.set_value_usd(fact->figures.value_usd);
  out.set_quantity(fact->figures.quantity);
  if (fact->year_earlier.has_value()) {
    if (auto yoy =
            GrowthPct(fact->figures.value_usd, fact->year_earlier->value_usd)) {
      out.set_value_yoy_pct(*yoy);
    }
    if (auto yoy =
            GrowthPct(fact->figures.quantity, fact->year_earlier->quantity)) {
      out.set_quantity_yoy_pct(*yoy);
    }
  }
  if (fact->record_period.has_value() &&
      fact->figures.value_usd > fact->record_value) {
    out.set_record_high(true);
    *out.mutable_previous_record()->mutable_period() =
        Month::FromKey(*fact->record_period).ToProto();
    out.mutable_previous_record()->set_value_usd(fact->record_value);
  }
}

}  // namespace

absl::StatusOr<v1::GetReportFactsResponse> AnswerGetReportFacts(
    store::QueryStore& store, const ReportFactsQuery& q) {
  ASSIGN_OR_RETURN(auto snapshot, store.BeginSnapshot());
  RETURN_IF_ERROR(CheckReporterHasData(*snapshot, q.request.reporter));
  ASSIGN_OR_RETURN(store::ReportFacts facts,
                   snapshot->ReadReportFacts(q.request));
  const Month month = q.request.period;

  v1::GetReportFactsResponse response;
  response.set_data_version(snapshot->data_version());
  FillPoint(facts.segment, month, *response.mutable_segment());
  FillPoint(facts.all, month, *response.mutable_all_vehicles());
  const v1::SeriesPoint& segment = response.segment();
  if (auto share =
          SharePct(segment.value_usd(), response.all_vehicles().value_usd())) {
    response.set_segment_value_share_pct(*share);
  }
  if (segment.has_data()) {
    response.set_segment_majority_streak_months(facts.segment->streak);
  }

  int64_t cumulative = 0;
  int rank = 0;
  for (const store::NamedFact& p : facts.top_partners) {
    v1::PartnerShare* out = response.add_top_partners();
    out->set_rank(++rank);
    out->set_partner(p.name);
    out->set_partner_name(std::string(AreaName(p.name)));
    out->set_value_usd(p.figures.value_usd);
    out->set_quantity(p.figures.quantity);
    cumulative += p.figures.value_usd;
    if (auto share = SharePct(p.figures.value_usd, segment.value_usd())) {
      out->set_value_share_pct(*share);
      out->set_cumulative_share_pct(*SharePct(cumulative, segment.value_usd()));
    }
    if (auto yoy = GrowthPct(p.figures.value_usd, p.year_earlier_value)) {
      out->set_value_yoy_pct(*yoy);
    }
    out->set_is_country(LookupArea(p.name) == AreaKind::kCountry);
  }
  rank = 0;
  for (const store::NamedFact& m : facts.top_makers) {
    v1::ManufacturerShare* out = response.add_top_manufacturers();
    out->set_rank(++rank);
    out->set_manufacturer(m.name);
    out->set_value_usd(m.figures.value_usd);
    out->set_quantity(m.figures.quantity);
    if (auto share = SharePct(m.figures.quantity, segment.quantity())) {
      out->set_quantity_share_pct(*share);
    }
  }
  v1::ExporterStanding& standing = *response.mutable_exporter_rank();
  standing.set_reporters_ranked(facts.reporters_ranked);
  if (facts.standing.has_value()) {
    standing.set_rank(facts.standing->rank);
    standing.set_value_usd(facts.standing->ytd.value_usd);
    standing.set_ahead_of(facts.ahead_of);
    standing.set_behind(facts.behind);
  }
  return response;
}

absl::StatusOr<v1::GetSeriesResponse> AnswerGetSeries(store::QueryStore& store,
                                                      const SeriesQuery& q) {
  ASSIGN_OR_RETURN(auto snapshot, store.BeginSnapshot());
  RETURN_IF_ERROR(CheckReporterHasData(*snapshot, q.filter.reporter));
  ASSIGN_OR_RETURN(auto cells, snapshot->MonthlyByClass(q.filter));
  std::vector<MonthFigures> history = SumByMonth(cells);

  v1::GetSeriesResponse response;
  response.set_data_version(snapshot->data_version());
  for (const SeriesPointFigures& p : DeriveSeries(history, q.start, q.end)) {
    v1::SeriesPoint* out = response.add_points();
    *out->mutable_period() = p.month.ToProto();
    out->set_has_data(p.has_data);
    out->set_value_usd(p.value_usd);
    out->set_quantity(p.quantity);
    if (p.value_yoy_pct) out->set_value_yoy_pct(*p.value_yoy_pct);
    if (p.quantity_yoy_pct) out->set_quantity_yoy_pct(*p.quantity_yoy_pct);
    if (p.value_mom_pct) out->set_value_mom_pct(*p.value_mom_pct);
    out->set_record_high(p.record_high);
    if (p.previous_record) {
      *out->mutable_previous_record()->mutable_period() =
          p.previous_record->month.ToProto();
      out->mutable_previous_record()->set_value_usd(
          p.previous_record->value_usd);
    }
    out->set_ytd_value_usd(p.ytd_value_usd);
    out->set_ytd_quantity(p.ytd_quantity);
  }
  return response;
}

absl::StatusOr<v1::GetPartnerBreakdownResponse> AnswerGetPartnerBreakdown(
    store::QueryStore& store, const BreakdownQuery& q) {
  ASSIGN_OR_RETURN(auto snapshot, store.BeginSnapshot());
  RETURN_IF_ERROR(CheckReporterHasData(*snapshot, q.filter.reporter));
  ASSIGN_OR_RETURN(auto cells, snapshot->MonthlyByClass(q.filter));
  ASSIGN_OR_RETURN(auto partners, snapshot->PartnerTotals(q.filter));
  store::SeriesFilter earlier = q.filter;
  earlier.first = q.filter.first.YearEarlier();
  earlier.last = q.filter.last.YearEarlier();
  ASSIGN_OR_RETURN(auto earlier_partners, snapshot->PartnerTotals(earlier));

  v1::GetPartnerBreakdownResponse response;
  response.set_data_version(snapshot->data_version());
  const store::Figures total = SumAll(cells);
  response.set_total_value_usd(total.value_usd);
  response.set_total_quantity(total.quantity);
  int64_t world_rows = 0, partner_sum_rows = 0;
  for (const auto& cell : cells) {
    world_rows += cell.world_rows;
    partner_sum_rows += cell.partner_sum_rows;
  }
  response.set_total_basis(
      world_rows > 0 && partner_sum_rows > 0 ? v1::TOTAL_BASIS_MIXED
      : world_rows > 0                       ? v1::TOTAL_BASIS_WORLD_ROW
      : partner_sum_rows > 0                 ? v1::TOTAL_BASIS_PARTNER_SUM
                                             : v1::TOTAL_BASIS_UNSPECIFIED);

  // World never ranks as a partner (partner_month holds none; this keeps
  // the rule here even so).
  std::erase_if(partners, [](const store::NamedFigures& p) {
    return LookupArea(p.name) == AreaKind::kWorld;
  });
  absl::flat_hash_map<std::string, int64_t> earlier_value;
  for (const auto& p : earlier_partners) {
    earlier_value[p.name] = p.figures.value_usd;
  }
  SortRanked(partners, [](const store::Figures& f) { return f.value_usd; });
  response.set_partner_count(static_cast<int32_t>(partners.size()));
  ApplyLimit(partners, q.limit);

  int64_t cumulative = 0;
  int rank = 0;
  for (const store::NamedFigures& p : partners) {
    v1::PartnerShare* out = response.add_partners();
    out->set_rank(++rank);
    out->set_partner(p.name);
    out->set_value_usd(p.figures.value_usd);
    out->set_quantity(p.figures.quantity);
    cumulative += p.figures.value_usd;
    // The cumulative share divides the exact integer running sum, so it
    // reaches exactly 100 when the partners make up the total.
    if (auto share = SharePct(p.figures.value_usd, total.value_usd)) {
      out->set_value_share_pct(*share);
      out->set_cumulative_share_pct(*SharePct(cumulative, total.value_usd));
    }
    auto it = earlier_value.find(p.name);
    std::optional<int64_t> base;
    if (it != earlier_value.end()) base = it->second;
    if (auto yoy = GrowthPct(p.figures.value_usd, base)) {
      out->set_value_yoy_pct(*yoy);
    }
    out->set_is_country(LookupArea(p.name) == AreaKind::kCountry);
    out->set_partner_name(std::string(AreaName(p.name)));
  }
  return response;
}

absl::StatusOr<v1::GetPowertrainMixResponse> AnswerGetPowertrainMix(
    store::QueryStore& store, const MixQuery& q) {
  ASSIGN_OR_RETURN(auto snapshot, store.BeginSnapshot());
  RETURN_IF_ERROR(CheckReporterHasData(*snapshot, q.filter.reporter));
  ASSIGN_OR_RETURN(auto cells, snapshot->MonthlyByClass(q.filter));

  std::span<const PowertrainClass> electric =
      ClassesOf(v1::POWERTRAIN_ELECTRIC);
  std::span<const PowertrainClass> segment = ClassesOf(q.segment);
  auto in = [](std::span<const PowertrainClass> set, PowertrainClass cls) {
    return std::find(set.begin(), set.end(), cls) != set.end();
  };
  // Per month with data: (electric, segment, all) values, for the streaks.
  std::vector<SegmentMonth> electric_months, segment_months;
  std::map<PowertrainClass, store::Figures> this_month;
  for (const store::ClassMonthFigures& cell : cells) {
    if (electric_months.empty() || electric_months.back().month != cell.month) {
      electric_months.push_back(SegmentMonth{cell.month, 0, 0});
      segment_months.push_back(SegmentMonth{cell.month, 0, 0});
    }
    const int64_t value = cell.figures.value_usd;
    electric_months.back().total_value_usd += value;
    segment_months.back().total_value_usd += value;
    if (in(electric, cell.cls))
      electric_months.back().segment_value_usd += value;
    if (in(segment, cell.cls)) segment_months.back().segment_value_usd += value;
    if (cell.month == q.period) this_month[cell.cls] += cell.figures;
  }

  v1::GetPowertrainMixResponse response;
  response.set_data_version(snapshot->data_version());
  store::Figures total;
  for (const auto& [cls, figures] : this_month) total += figures;
  response.set_total_value_usd(total.value_usd);
  response.set_total_quantity(total.quantity);
  int64_t electric_value = 0, segment_value = 0;
  for (v1::Powertrain powertrain : SinglePowertrains()) {
    const PowertrainClass cls = ClassesOf(powertrain).front();
    const store::Figures figures = this_month[cls];
    v1::PowertrainShare* out = response.add_shares();
    out->set_powertrain(powertrain);
    out->set_value_usd(figures.value_usd);
    out->set_quantity(figures.quantity);
    if (auto share = SharePct(figures.value_usd, total.value_usd)) {
      out->set_value_share_pct(*share);
    }
    if (in(electric, cls)) electric_value += figures.value_usd;
    if (in(segment, cls)) segment_value += figures.value_usd;
  }
  if (auto share = SharePct(electric_value, total.value_usd)) {
    response.set_electric_value_share_pct(*share);
  }
  if (auto share = SharePct(segment_value, total.value_usd)) {
    response.set_segment_value_share_pct(*share);
  }
  response.set_electric_majority_streak_months(
      MajorityStreakMonths(electric_months, q.period, q.threshold_pct));
  response.set_segment_majority_streak_months(
      MajorityStreakMonths(segment_months, q.period, q.threshold_pct));
  return response;
}

absl::StatusOr<v1::GetManufacturerBreakdownResponse>
AnswerGetManufacturerBreakdown(store::QueryStore& store,
                               const BreakdownQuery& q) {
  ASSIGN_OR_RETURN(auto snapshot, store.BeginSnapshot());
  RETURN_IF_ERROR(CheckReporterHasData(*snapshot, q.filter.reporter));
  ASSIGN_OR_RETURN(auto official, snapshot->MonthlyByClass(q.filter));
  ASSIGN_OR_RETURN(auto rows, snapshot->ManufacturerTotals(q.filter));

  v1::GetManufacturerBreakdownResponse response;
  response.set_data_version(snapshot->data_version());
  const int64_t total_quantity = SumAll(official).quantity;
  response.set_total_quantity(total_quantity);
  SortRanked(rows, [](const store::Figures& f) { return f.quantity; });
  ApplyLimit(rows, q.limit);
  int rank = 0;
  for (const store::NamedFigures& row : rows) {
    v1::ManufacturerShare* out = response.add_manufacturers();
    out->set_rank(++rank);
    out->set_manufacturer(row.name);
    out->set_value_usd(row.figures.value_usd);
    out->set_quantity(row.figures.quantity);
    if (auto share = SharePct(row.figures.quantity, total_quantity)) {
      out->set_quantity_share_pct(*share);
    }
  }
  return response;
}

absl::StatusOr<v1::GetExporterRankingResponse> AnswerGetExporterRanking(
    store::QueryStore& store, const ExporterQuery& q) {
  ASSIGN_OR_RETURN(auto snapshot, store.BeginSnapshot());
  ASSIGN_OR_RETURN(auto rows, snapshot->ExporterTotals(q.partner, q.classes,
                                                       q.start, q.end));
  auto measure = [&](const store::Figures& f) {
    return q.by_quantity ? f.quantity : f.value_usd;
  };
  // Every reporter's total fits int64 (common/domain/bounds.h); their sum
  // need not.
  absl::int128 sum = 0;
  for (const auto& row : rows) sum += measure(row.figures);
  SortRanked(rows, measure);
  ApplyLimit(rows, q.limit);

  v1::GetExporterRankingResponse response;
  response.set_data_version(snapshot->data_version());
  int rank = 0;
  for (const store::NamedFigures& row : rows) {
    v1::ExporterRank* out = response.add_ranks();
    out->set_rank(++rank);
    out->set_reporter(row.name);
    out->set_reporter_name(std::string(AreaName(row.name)));
    out->set_value_usd(row.figures.value_usd);
    out->set_quantity(row.figures.quantity);
    if (auto share = SharePct(measure(row.figures), sum)) {
      out->set_share_pct(*share);
    }
  }
  return response;
}

absl::StatusOr<v1::ListRecordsResponse> AnswerListRecords(
    store::QueryStore& store, const ListQuery& q) {
  ASSIGN_OR_RETURN(auto snapshot, store.BeginSnapshot());
  // One more than a page tells whether another page follows.
  ASSIGN_OR_RETURN(
      auto records,
      snapshot->ListRecords(q.filter, q.after_record_id, q.page_size + 1));
  v1::ListRecordsResponse response;
  response.set_data_version(snapshot->data_version());
  const bool more = records.size() > static_cast<size_t>(q.page_size);
  if (more) records.resize(q.page_size);
  for (store::StoredRecord& stored : records) {
    *response.add_records() = std::move(stored.record);
  }
  if (more) {
    response.set_next_page_token(
        EncodePageToken(records.back().record_id, q.filter_hash));
  }
  return response;
}

absl::StatusOr<v1::GetStoreInfoResponse> AnswerGetStoreInfo(
    store::QueryStore& store, const StoreInfoQuery&) {
  ASSIGN_OR_RETURN(auto snapshot, store.BeginSnapshot());
  ASSIGN_OR_RETURN(store::StoreInfo info, snapshot->Info());
  v1::GetStoreInfoResponse response;
  response.set_data_version(info.data_version);
  response.set_record_count(info.record_count);
  if (info.first_period)
    *response.mutable_first_period() = info.first_period->ToProto();
  if (info.last_period)
    *response.mutable_last_period() = info.last_period->ToProto();
  for (std::string& reporter : info.reporters) {
    (*response.mutable_reporter_names())[reporter] = AreaName(reporter);
    response.add_reporters(std::move(reporter));
  }
  for (std::string& source : info.sources) {
    response.add_sources(std::move(source));
  }
  if (info.last_ingest_time) {
    const int64_t ms = absl::ToUnixMillis(*info.last_ingest_time);
    response.mutable_last_ingest_time()->set_seconds(ms / 1000);
    response.mutable_last_ingest_time()->set_nanos(
        static_cast<int32_t>(ms % 1000) * 1000000);
  }
  return response;
}

}  // namespace evtrade::query

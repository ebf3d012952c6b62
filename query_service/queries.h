// The QueryService logic, apart from gRPC: each RPC is a Parse step (pure
// request validation, no store) and an Answer step (one read snapshot of
// the store). Errors are absl::Status; INVALID_ARGUMENT messages start with
// the request field they are about.
#ifndef EVTRADE_QUERY_SERVICE_QUERIES_H_
#define EVTRADE_QUERY_SERVICE_QUERIES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/domain/month.h"
#include "common/domain/paging.h"
#include "common/store/query_store.h"
#include "common/store/report_facts.h"
#include "evtrade/v1/query_service.pb.h"

namespace evtrade::query {

inline constexpr int kMaxRangeMonths = 600;
inline constexpr double kDefaultMajorityThresholdPct = 50.0;

// Validated requests, with defaults applied and codes normalized.
struct SeriesQuery {
  // first/last span the whole history through `end`: record highs compare
  // with every earlier month on record.
  store::SeriesFilter filter;
  Month start;
  Month end;
};

// GetPartnerBreakdown and GetManufacturerBreakdown.
struct BreakdownQuery {
  store::SeriesFilter filter;  // partner, manufacturer empty; [start, end]
  int limit = 0;               // 0 = all
};

struct MixQuery {
  store::SeriesFilter filter;  // every vehicle class; history through period
  Month period;
  double threshold_pct = kDefaultMajorityThresholdPct;
  v1::Powertrain segment = v1::POWERTRAIN_ELECTRIC;
};

struct ExporterQuery {
  std::string partner;  // "" = the world
  std::vector<PowertrainClass> classes;
  Month start;
  Month end;
  int limit = 0;
  bool by_quantity = false;
};

struct ListQuery {
  store::RecordFilter filter;
  uint64_t filter_hash = 0;  // binds page tokens to these filters
  int64_t after_record_id = 0;
  int page_size = kDefaultPageSize;
};

struct StoreInfoQuery {};

inline constexpr int kDefaultReportTop = 5;
inline constexpr int kMaxReportTop = 100;

struct ReportFactsQuery {
  store::ReportFactsRequest request;
};

absl::StatusOr<SeriesQuery> ParseGetSeries(const v1::GetSeriesRequest& request);
absl::StatusOr<BreakdownQuery> ParseGetPartnerBreakdown(
    const v1::GetPartnerBreakdownRequest& request);
absl::StatusOr<MixQuery> ParseGetPowertrainMix(
    const v1::GetPowertrainMixRequest& request);
absl::StatusOr<BreakdownQuery> ParseGetManufacturerBreakdown(
    const v1::GetManufacturerBreakdownRequest& request);
absl::StatusOr<ExporterQuery> ParseGetExporterRanking(
    const v1::GetExporterRankingRequest& request);
absl::StatusOr<ListQuery> ParseListRecords(
    const v1::ListRecordsRequest& request);
absl::StatusOr<StoreInfoQuery> ParseGetStoreInfo(
    const v1::GetStoreInfoRequest& request);
absl::StatusOr<ReportFactsQuery> ParseGetReportFacts(
    const v1::GetReportFactsRequest& request);

// Each reads one snapshot of `store`, so every figure of a response and its
// data_version come from the same committed batches. NOT_FOUND when the
// reporter has no data at all.
absl::StatusOr<v1::GetSeriesResponse> AnswerGetSeries(store::QueryStore& store,
                                                      const SeriesQuery& query);
absl::StatusOr<v1::GetPartnerBreakdownResponse> AnswerGetPartnerBreakdown(
    store::QueryStore& store, const BreakdownQuery& query);
absl::StatusOr<v1::GetPowertrainMixResponse> AnswerGetPowertrainMix(
    store::QueryStore& store, const MixQuery& query);
absl::StatusOr<v1::GetManufacturerBreakdownResponse>
AnswerGetManufacturerBreakdown(store::QueryStore& store,
                               const BreakdownQuery& query);
absl::StatusOr<v1::GetExporterRankingResponse> AnswerGetExporterRanking(
    store::QueryStore& store, const ExporterQuery& query);
absl::StatusOr<v1::ListRecordsResponse> AnswerListRecords(
    store::QueryStore& store, const ListQuery& query);
absl::StatusOr<v1::GetStoreInfoResponse> AnswerGetStoreInfo(
    store::QueryStore& store, const StoreInfoQuery& query);
// The reporter is checked once; every figure comes from the report facts
// of the one snapshot (UNIMPLEMENTED when the store keeps none).
absl::StatusOr<v1::GetReportFactsResponse> AnswerGetReportFacts(
    store::QueryStore& store, const ReportFactsQuery& query);

}  // namespace evtrade::query

#endif  // EVTRADE_QUERY_SERVICE_QUERIES_H_

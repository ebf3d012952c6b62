// GetMarketReport's assembly: the report's parts are fetched from the
// QueryService in parallel and put together into one MarketReport.
#ifndef EVTRADE_GATEWAY_REPORT_BUILDER_H_
#define EVTRADE_GATEWAY_REPORT_BUILDER_H_

#include <optional>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "evtrade/v1/gateway_service.pb.h"
#include "evtrade/v1/query_service.pb.h"
#include "gateway/query_client.h"

namespace evtrade::gateway {

inline constexpr int kDefaultTopPartners = 5;
inline constexpr int kMaxTopPartners = 100;

// Names of the report's parts, as they appear in MarketReport.warnings.
inline constexpr absl::string_view kPartSegment = "segment";
inline constexpr absl::string_view kPartAllVehicles = "all_vehicles";
inline constexpr absl::string_view kPartPowertrainMix = "segment_share_of_all";
inline constexpr absl::string_view kPartTopPartners = "top_partners";
inline constexpr absl::string_view kPartTopManufacturers = "top_manufacturers";
inline constexpr absl::string_view kPartExporterRank = "exporter_rank";

// Checks a request and fills in its defaults: reporter normalized (trimmed,
// upper case) and a known country, period valid, powertrain unspecified ->
// ELECTRIC, flow unspecified -> EXPORT, top_partners 0 -> 5 (at most 100).
// INVALID_ARGUMENT "<field>: <reason>" otherwise. Equal normalized requests
// mean equal reports, which is what the cache relies on.
absl::StatusOr<v1::GetMarketReportRequest> NormalizeReportRequest(
    const v1::GetMarketReportRequest& request);

// The answers (or errors) of the parts of one report. A part not asked for
// stays nullopt.
struct ReportParts {
  std::optional<absl::StatusOr<v1::GetSeriesResponse>> segment_series;
  std::optional<absl::StatusOr<v1::GetSeriesResponse>> all_series;
  std::optional<absl::StatusOr<v1::GetPowertrainMixResponse>> mix;
  std::optional<absl::StatusOr<v1::GetPartnerBreakdownResponse>> partners;
  std::optional<absl::StatusOr<v1::GetManufacturerBreakdownResponse>>
      manufacturers;
  std::optional<absl::StatusOr<v1::GetExporterRankingResponse>> ranking;
  // The exporter rank as GetReportFacts gives it (instead of `ranking`).
  std::optional<absl::StatusOr<v1::ExporterPosition>> position;
};

// The parts of a report from one GetReportFacts answer (or its error, which
// every part then carries).
ReportParts PartsFromFacts(
    const absl::StatusOr<v1::GetReportFactsResponse>& facts);

// The report from its parts, for a normalized request. A failed part is left
// out and named in warnings ("top_partners: DEADLINE_EXCEEDED: ...").
// Errors: NOT_FOUND / INVALID_ARGUMENT from a part are the backend's verdict
// on the request and are returned as they are (the first in part order);
// NOT_FOUND also when both series parts answered and neither has data for
// the month. When no part could be read: the parts' code when they all
// failed alike (DEADLINE_EXCEEDED when every part ran out of time,
// UNAVAILABLE when the backend is down), UNAVAILABLE for a mixture that
// includes UNAVAILABLE or DEADLINE_EXCEEDED, else the first part's code.
absl::StatusOr<v1::MarketReport> AssembleMarketReport(
    const v1::GetMarketReportRequest& request, const ReportParts& parts);

// Fetches a report's figures with one GetReportFacts call (one read
// snapshot on the query service; docs/gateway.md says why one call) and
// assembles them. When the query service answers UNIMPLEMENTED (its store
// keeps no report facts, or it predates the call), fetches the six parts
// concurrently instead (one async call each, no thread blocked while they
// run).
//
// Thread-safe; `client` is not owned and must outlive every Build.
class ReportBuilder {
 public:
  explicit ReportBuilder(QueryClient* client) : client_(client) {}

  // `request` must be normalized. `deadline` is the caller's; every part
  // gets its own deadline from it (QueryClient's policy), so `done` runs,
  // once, on a gRPC thread, by then at the latest.
  void Build(const v1::GetMarketReportRequest& request, absl::Time deadline,
             Callback<v1::MarketReport> done) const;

 private:
  // The six-part path.
  void BuildFromParts(const v1::GetMarketReportRequest& request,
                      absl::Time deadline,
                      Callback<v1::MarketReport> done) const;

  QueryClient* client_;
};

}  // namespace evtrade::gateway

#endif  // EVTRADE_GATEWAY_REPORT_BUILDER_H_

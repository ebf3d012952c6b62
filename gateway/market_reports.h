// Market reports with caching: the logic behind GatewayService, apart from
// the gRPC and HTTP adapters.
#ifndef EVTRADE_GATEWAY_MARKET_REPORTS_H_
#define EVTRADE_GATEWAY_MARKET_REPORTS_H_

#include <cstddef>
#include <cstdint>
#include <optional>

#include "absl/time/time.h"
#include "evtrade/v1/gateway_service.pb.h"
#include "gateway/query_client.h"
#include "gateway/report_builder.h"
#include "gateway/report_cache.h"

namespace evtrade::gateway {

inline constexpr int kMaxCompareReporters = 20;

struct MarketReportsConfig {
  // Reports kept in memory (LRU); 0 disables the cache.
  size_t cache_capacity = 1000;
  // Cap on the data_version lookup, which runs before the parts: when the
  // backend is slow to answer it, the report is computed uncached rather
  // than late.
  absl::Duration version_timeout = absl::Milliseconds(500);
};

// GetMarketReport and CompareReporters over a QueryClient.
//
// Caching: a report is served from memory when the same normalized request
// was answered whole (no warnings) at the store's current data_version. The
// current data_version is asked of the query service on every request
// (GetStoreInfo, one cheap read of the store's meta row) rather than kept
// as a short-TTL value refreshed in the background: one small round trip
// buys read-your-writes -- the first report after an ingest already has the
// new figures, which a TTL would delay by up to its length -- and needs no
// background thread. When the lookup fails the report is computed uncached.
//
// Thread-safe; `client` is not owned and must outlive this object.
class MarketReports {
 public:
  MarketReports(QueryClient* client, const MarketReportsConfig& config);

  // One report; `done` runs once, on a gRPC thread (or on the calling thread
  // for a bad request or a cache hit). `deadline` is the caller's.
  void GetReport(const v1::GetMarketReportRequest& request, absl::Time deadline,
                 Callback<v1::MarketReport> done);

  // Reports for 1..20 reporters, computed in parallel, in request order. A
  // reporter whose report failed gets only reporter, period and a warning
  // "report: <CODE>: <message>"; when every report failed the call fails
  // with the first report's error.
  void CompareReporters(const v1::CompareReportersRequest& request,
                        absl::Time deadline,
                        Callback<v1::CompareReportersResponse> done);

  const ReportCache& cache() const { return cache_; }

 private:
  // Calls `then` with the store's data_version, nullopt when unknown.
  void LookUpDataVersion(absl::Time deadline,
                         std::function<void(std::optional<int64_t>)> then);
  // A normalized request's report: from the cache when `data_version` is
  // known and cached, else built (and cached when whole).
  void CachedReport(const v1::GetMarketReportRequest& normalized,
                    std::optional<int64_t> data_version, absl::Time deadline,
                    Callback<v1::MarketReport> done);

  QueryClient* client_;
  MarketReportsConfig config_;
  ReportBuilder builder_;
  ReportCache cache_;
};

}  // namespace evtrade::gateway

#endif  // EVTRADE_GATEWAY_MARKET_REPORTS_H_

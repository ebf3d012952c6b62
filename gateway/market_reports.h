// Market reports with caching: the logic behind GatewayService, apart from
// the gRPC and HTTP adapters.
#ifndef EVTRADE_GATEWAY_MARKET_REPORTS_H_
#define EVTRADE_GATEWAY_MARKET_REPORTS_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>

#include "absl/time/time.h"
#include "evtrade/v1/gateway_service.pb.h"
#include "gateway/data_version_watcher.h"
#include "gateway/query_client.h"
#include "gateway/report_builder.h"
#include "gateway/report_cache.h"

namespace evtrade::gateway {

inline constexpr int kMaxCompareReporters = 20;

struct MarketReportsConfig {
  // Reports kept in memory (LRU); 0 disables the cache.
  size_t cache_capacity = 1000;
  // Cap on the data_version lookup (when the watch cannot tell), which runs
  // before the parts: when the backend is slow to answer it, the report is
  // computed uncached rather than late.
  absl::Duration version_timeout = absl::Milliseconds(500);
  // Learn data_version from the query service's WatchDataVersion stream
  // (one stream, see DataVersionWatcher) rather than asking per report.
  bool watch_data_version = true;
  DataVersionWatcherConfig watcher{};
  // Where the cache's counters go (the gateway's /metrics); null = the
  // cache's own registry.
  std::shared_ptr<prometheus::Registry> registry = nullptr;
};

// GetMarketReport and CompareReporters over a QueryClient.
//
// Caching: a report is served from memory when the same normalized request
// was answered whole (no warnings) at the store's current data_version.
// The current data_version is told by the query service over one
// WatchDataVersion stream (DataVersionWatcher), so a cache hit costs no
// call to the query service. It is asked (GetStoreInfo) instead when the
// watch cannot tell: while the stream is not established, or when the
// request's min_data_version is above the version the watch last told (a
// caller that has just ingested and passes its IngestResponse.data_version
// gets a report at least that new: read-your-writes without waiting for
// the watch). When the lookup fails the report is computed uncached.
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
  // Null when the cache is disabled or watch_data_version is off.
  const DataVersionWatcher* watcher() const { return watcher_.get(); }

 private:
  struct Version {
    int64_t data_version;
    ReportCache::VersionSource source;
  };
  // Calls `then` with the store's data_version (at least `min_version`
  // when it comes from the watch), nullopt when unknown.
  void LookUpDataVersion(int64_t min_version, absl::Time deadline,
                         std::function<void(std::optional<Version>)> then);
  // A normalized request's report: from the cache when `version` is known
  // and cached, else built (and cached when whole).
  void CachedReport(const v1::GetMarketReportRequest& normalized,
                    std::optional<Version> version, absl::Time deadline,
                    Callback<v1::MarketReport> done);

  QueryClient* client_;
  MarketReportsConfig config_;
  ReportBuilder builder_;
  ReportCache cache_;
  std::unique_ptr<DataVersionWatcher> watcher_;
};

}  // namespace evtrade::gateway

#endif  // EVTRADE_GATEWAY_MARKET_REPORTS_H_

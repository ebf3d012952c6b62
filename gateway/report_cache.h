// A bounded in-memory cache of market reports, keyed by the request and the
// store's data_version.
#ifndef EVTRADE_GATEWAY_REPORT_CACHE_H_
#define EVTRADE_GATEWAY_REPORT_CACHE_H_

#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <string>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "evtrade/v1/gateway_service.pb.h"
#include "prometheus/counter.h"
#include "prometheus/registry.h"

namespace evtrade::gateway {

// Least-recently-used cache of at most `capacity` reports (0 disables it).
// A report is only ever served for the data_version it was computed at, so
// an ingest (which raises data_version) makes every entry unreachable; those
// entries then age out as new ones push them past the capacity.
//
// Every request is counted in evtrade_report_cache_requests_total
// {result, version}: result "hit" (served from memory) or "miss" (computed,
// then kept when whole), with version "watched" (data_version as told by
// the query service's watch stream) or "asked" (looked up with
// GetStoreInfo for this request); and result "bypass", version "none",
// when no data_version was known (the cache disabled, or the lookup
// failed): the report is computed and not kept.
//
// Thread-safe.
class ReportCache {
 public:
  // Where the data_version of a lookup came from.
  enum class VersionSource { kWatched, kAsked };

  // The counters go into `registry` (e.g. the gateway's /metrics); null =
  // a registry of the cache's own (tests read the counts with Count()).
  ReportCache(size_t capacity, std::shared_ptr<prometheus::Registry> registry);

  // The report cached for `request_key` (a normalized request's serialized
  // bytes) at `data_version`, and marks it most recently used; null when
  // there is none. Counts a hit or a miss. Cached reports are immutable and
  // shared: a hit copies a pointer under the lock, not the report.
  std::shared_ptr<const v1::MarketReport> Get(const std::string& request_key,
                                              int64_t data_version,
                                              VersionSource source);
  // Counts a request that could not use the cache.
  void CountBypass();
  // The counter of `result` ("hit", "miss", "bypass") and `version`
  // ("watched", "asked", "none").
  double Count(const std::string& result, const std::string& version) const;
  // Stores a report, evicting the least recently used beyond capacity.
  void Put(const std::string& request_key, int64_t data_version,
           v1::MarketReport report);

  size_t size() const;

 private:
  using Entry = std::pair<std::string, std::shared_ptr<const v1::MarketReport>>;

  static std::string Key(const std::string& request_key, int64_t data_version);

  const size_t capacity_;
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Counter>* requests_;
  prometheus::Counter* hit_watched_;
  prometheus::Counter* hit_asked_;
  prometheus::Counter* miss_watched_;
  prometheus::Counter* miss_asked_;
  prometheus::Counter* bypass_;
  mutable absl::Mutex mu_;
  // Most recently used first.
  std::list<Entry> entries_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, std::list<Entry>::iterator> index_
      ABSL_GUARDED_BY(mu_);
};

}  // namespace evtrade::gateway

#endif  // EVTRADE_GATEWAY_REPORT_CACHE_H_

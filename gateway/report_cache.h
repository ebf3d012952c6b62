// A bounded in-memory cache of market reports, keyed by the request and the
// store's data_version.
#ifndef EVTRADE_GATEWAY_REPORT_CACHE_H_
#define EVTRADE_GATEWAY_REPORT_CACHE_H_

#include <cstddef>
#include <cstdint>
#include <list>
#include <optional>
#include <string>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "evtrade/v1/gateway_service.pb.h"

namespace evtrade::gateway {

// Least-recently-used cache of at most `capacity` reports (0 disables it).
// A report is only ever served for the data_version it was computed at, so
// an ingest (which raises data_version) makes every entry unreachable; those
// entries then age out as new ones push them past the capacity.
//
// Thread-safe.
class ReportCache {
 public:
  explicit ReportCache(size_t capacity) : capacity_(capacity) {}

  // The report cached for `request_key` (a normalized request's serialized
  // bytes) at `data_version`, and marks it most recently used.
  std::optional<v1::MarketReport> Get(const std::string& request_key,
                                      int64_t data_version);
  // Stores a report, evicting the least recently used beyond capacity.
  void Put(const std::string& request_key, int64_t data_version,
           v1::MarketReport report);

  size_t size() const;

 private:
  using Entry = std::pair<std::string, v1::MarketReport>;

  static std::string Key(const std::string& request_key, int64_t data_version);

  const size_t capacity_;
  mutable absl::Mutex mu_;
  // Most recently used first.
  std::list<Entry> entries_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, std::list<Entry>::iterator> index_
      ABSL_GUARDED_BY(mu_);
};

}  // namespace evtrade::gateway

#endif  // EVTRADE_GATEWAY_REPORT_CACHE_H_

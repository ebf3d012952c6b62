#include "gateway/report_cache.h"

#include "absl/strings/str_cat.h"

namespace evtrade::gateway {

std::string ReportCache::Key(const std::string& request_key,
                             int64_t data_version) {
  return absl::StrCat(data_version, "/", request_key);
}

std::optional<v1::MarketReport> ReportCache::Get(const std::string& request_key,
                                                 int64_t data_version) {
  absl::MutexLock lock(&mu_);
  auto it = index_.find(Key(request_key, data_version));
  if (it == index_.end()) return std::nullopt;
  entries_.splice(entries_.begin(), entries_, it->second);
  return it->second->second;
}

void ReportCache::Put(const std::string& request_key, int64_t data_version,
                      v1::MarketReport report) {
  if (capacity_ == 0) return;
  std::string key = Key(request_key, data_version);
  absl::MutexLock lock(&mu_);
  if (auto it = index_.find(key); it != index_.end()) {
    it->second->second = std::move(report);
    entries_.splice(entries_.begin(), entries_, it->second);
    return;
  }
  entries_.emplace_front(key, std::move(report));
  index_.emplace(std::move(key), entries_.begin());
  while (entries_.size() > capacity_) {
    index_.erase(entries_.back().first);
    entries_.pop_back();
  }
}

size_t ReportCache::size() const {
  absl::MutexLock lock(&mu_);
  return entries_.size();
}

}  // namespace evtrade::gateway

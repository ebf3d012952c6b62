#include "gateway/report_cache.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace evtrade::gateway {

ReportCache::ReportCache(size_t capacity,
                         std::shared_ptr<prometheus::Registry> registry)
    : capacity_(capacity),
      registry_(registry != nullptr ? std::move(registry)
                                    : std::make_shared<prometheus::Registry>()),
      requests_(&prometheus::BuildCounter()
                     .Name("evtrade_report_cache_requests_total")
                     .Help("Market reports asked of the report cache, by "
                           "result (hit, miss, bypass) and by where the "
                           "store's data_version came from (watched, "
                           "asked, none)")
                     .Register(*registry_)),
      hit_watched_(
          &requests_->Add({{"result", "hit"}, {"version", "watched"}})),
      hit_asked_(&requests_->Add({{"result", "hit"}, {"version", "asked"}})),
      miss_watched_(
          &requests_->Add({{"result", "miss"}, {"version", "watched"}})),
      miss_asked_(&requests_->Add({{"result", "miss"}, {"version", "asked"}})),
      bypass_(&requests_->Add({{"result", "bypass"}, {"version", "none"}})) {}

void ReportCache::CountBypass() { bypass_->Increment(); }

double ReportCache::Count(const std::string& result,
                          const std::string& version) const {
  return requests_->Add({{"result", result}, {"version", version}}).Value();
}

std::string ReportCache::Key(const std::string& request_key,
                             int64_t data_version) {
  return absl::StrCat(data_version, "/", request_key);
}

std::shared_ptr<const v1::MarketReport> ReportCache::Get(
    const std::string& request_key, int64_t data_version,
    VersionSource source) {
  const bool watched = source == VersionSource::kWatched;
  absl::MutexLock lock(&mu_);
  auto it = index_.find(Key(request_key, data_version));
  if (it == index_.end()) {
    (watched ? miss_watched_ : miss_asked_)->Increment();
    return nullptr;
  }
  (watched ? hit_watched_ : hit_asked_)->Increment();
  entries_.splice(entries_.begin(), entries_, it->second);
  return it->second->second;
}

void ReportCache::Put(const std::string& request_key, int64_t data_version,
                      v1::MarketReport report) {
  if (capacity_ == 0) return;
  std::string key = Key(request_key, data_version);
  auto shared = std::make_shared<const v1::MarketReport>(std::move(report));
  absl::MutexLock lock(&mu_);
  if (auto it = index_.find(key); it != index_.end()) {
    it->second->second = std::move(shared);
    entries_.splice(entries_.begin(), entries_, it->second);
    return;
  }
  entries_.emplace_front(key, std::move(shared));
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

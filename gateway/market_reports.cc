#include "gateway/market_reports.h"

#include <algorithm>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/domain/field_violation.h"
#include "common/domain/record_validation.h"
#include "spdlog/spdlog.h"

namespace evtrade::gateway {

MarketReports::MarketReports(QueryClient* client,
                             const MarketReportsConfig& config)
    : client_(client),
      config_(config),
      builder_(client),
      cache_(config.cache_capacity, config.registry) {
  if (config.cache_capacity > 0 && config.watch_data_version) {
    watcher_ =
        std::make_unique<DataVersionWatcher>(client->channel(), config.watcher);
  }
}

void MarketReports::LookUpDataVersion(
    int64_t min_version, absl::Time deadline,
    std::function<void(std::optional<Version>)> then) {
  if (config_.cache_capacity == 0) {
    then(std::nullopt);
    return;
  }
  if (watcher_ != nullptr) {
    std::optional<int64_t> known = watcher_->Known();
    if (known.has_value() && *known >= min_version) {
      then(Version{*known, ReportCache::VersionSource::kWatched});
      return;
    }
  }
  client_->GetStoreInfo(
      v1::GetStoreInfoRequest(),
      std::min(deadline, absl::Now() + config_.version_timeout),
      [then = std::move(then)](absl::StatusOr<v1::GetStoreInfoResponse> info) {
        if (!info.ok()) {
          spdlog::warn("data_version lookup failed, report not cached: {}",
                       info.status().ToString());
          then(std::nullopt);
          return;
        }
        then(Version{info->data_version(), ReportCache::VersionSource::kAsked});
      });
}

void MarketReports::CachedReport(const v1::GetMarketReportRequest& normalized,
                                 std::optional<Version> version,
                                 absl::Time deadline,
                                 Callback<v1::MarketReport> done) {
  std::string key = normalized.SerializeAsString();
  std::optional<int64_t> data_version;
  if (version.has_value()) {
    data_version = version->data_version;
    if (std::shared_ptr<const v1::MarketReport> hit =
            cache_.Get(key, version->data_version, version->source)) {
      done(*hit);  // the copy the caller gets, made outside the cache's lock
      return;
    }
  } else {
    cache_.CountBypass();
  }
  builder_.Build(
      normalized, deadline,
      [this, key = std::move(key), data_version,
       done = std::move(done)](absl::StatusOr<v1::MarketReport> report) {
        // Only a whole report read entirely at the looked-up version may be
        // served again: a part answered after a later ingest has a higher
        // data_version, and a missing part would stay missing.
        if (report.ok() && data_version.has_value() &&
            report->data_version() == *data_version &&
            report->warnings().empty()) {
          cache_.Put(key, *data_version, *report);
        }
        done(std::move(report));
      });
}

void MarketReports::GetReport(const v1::GetMarketReportRequest& request,
                              absl::Time deadline,
                              Callback<v1::MarketReport> done) {
  absl::StatusOr<v1::GetMarketReportRequest> normalized =
      NormalizeReportRequest(request);
  if (!normalized.ok()) {
    done(normalized.status());
    return;
  }
  // The floor picks where data_version comes from; it is not part of the
  // report asked for (nor of the cache key).
  normalized->clear_min_data_version();
  LookUpDataVersion(request.min_data_version(), deadline,
                    [this, normalized = *std::move(normalized), deadline,
                     done = std::move(done)](std::optional<Version> version) {
                      CachedReport(normalized, version, deadline,
                                   std::move(done));
                    });
}

void MarketReports::CompareReporters(
    const v1::CompareReportersRequest& request, absl::Time deadline,
    Callback<v1::CompareReportersResponse> done) {
  const int n = request.reporters_size();
  if (n < 1 || n > kMaxCompareReporters) {
    done(FieldViolationError(
        "reporters",
        absl::StrCat("must list 1..", kMaxCompareReporters, ", got ", n)));
    return;
  }
  std::vector<v1::GetMarketReportRequest> requests;
  for (int i = 0; i < n; ++i) {
    // Each reporter is checked under its own name ("reporters[2]").
    absl::StatusOr<std::string> reporter =
        ParseReporter(request.reporters(i), absl::StrCat("reporters[", i, "]"));
    if (!reporter.ok()) {
      done(reporter.status());
      return;
    }
    v1::GetMarketReportRequest one;
    one.set_reporter(*reporter);
    *one.mutable_period() = request.period();
    one.set_powertrain(request.powertrain());
    one.set_flow(request.flow());
    absl::StatusOr<v1::GetMarketReportRequest> normalized =
        NormalizeReportRequest(one);
    if (!normalized.ok()) {
      done(normalized.status());
      return;
    }
    requests.push_back(*std::move(normalized));
  }

  struct State {
    Callback<v1::CompareReportersResponse> done;
    std::vector<v1::MarketReport> reports;
    std::vector<absl::Status> statuses;
    std::atomic<int> pending;
    // Each callback writes only its own index; the acq_rel countdown orders
    // those writes before the last callback reads them all.
    void ReportDone() {
      if (pending.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
      if (std::none_of(statuses.begin(), statuses.end(),
                       [](const absl::Status& s) { return s.ok(); })) {
        done(statuses.front());
        return;
      }
      v1::CompareReportersResponse response;
      for (v1::MarketReport& report : reports) {
        *response.add_reports() = std::move(report);
      }
      done(std::move(response));
    }
  };
  auto state = std::make_shared<State>();
  state->done = std::move(done);
  state->reports.resize(n);
  state->statuses.resize(n);
  state->pending.store(n);

  LookUpDataVersion(
      request.min_data_version(), deadline,
      [this, state, requests = std::move(requests),
       deadline](std::optional<Version> version) {
        for (size_t i = 0; i < requests.size(); ++i) {
          const v1::GetMarketReportRequest& one = requests[i];
          CachedReport(
              one, version, deadline,
              [state, i, one](absl::StatusOr<v1::MarketReport> report) {
                if (report.ok()) {
                  state->reports[i] = *std::move(report);
                } else {
                  state->statuses[i] = report.status();
                  v1::MarketReport& failed = state->reports[i];
                  failed.set_reporter(one.reporter());
                  *failed.mutable_period() = one.period();
                  failed.add_warnings(absl::StrCat(
                      "report: ",
                      absl::StatusCodeToString(report.status().code()), ": ",
                      report.status().message()));
                }
                state->ReportDone();
              });
        }
      });
}

}  // namespace evtrade::gateway

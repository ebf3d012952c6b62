// Reading one sample out of a Prometheus registry, for tests that assert
// exact metric values.
#ifndef EVTRADE_TESTS_SUPPORT_METRIC_SAMPLE_H_
#define EVTRADE_TESTS_SUPPORT_METRIC_SAMPLE_H_

#include <map>
#include <string>
#include <vector>

#include "prometheus/collectable.h"
#include "prometheus/metric_family.h"

namespace evtrade::testing {

// The value of the sample of `family` whose labels are exactly `labels`,
// among `families`; -1 if there is none. Histograms give their sample count.
inline double MetricSample(
    const std::vector<prometheus::MetricFamily>& families,
    const std::string& family,
    const std::map<std::string, std::string>& labels) {
  for (const prometheus::MetricFamily& f : families) {
    if (f.name != family) continue;
    for (const prometheus::ClientMetric& m : f.metric) {
      std::map<std::string, std::string> got;
      for (const prometheus::ClientMetric::Label& l : m.label) {
        got[l.name] = l.value;
      }
      if (got != labels) continue;
      switch (f.type) {
        case prometheus::MetricType::Histogram:
          return static_cast<double>(m.histogram.sample_count);
        case prometheus::MetricType::Gauge:
          return m.gauge.value;
        default:
          return m.counter.value;
      }
    }
  }
  return -1;
}

inline double MetricSample(const prometheus::Collectable& collectable,
                           const std::string& family,
                           const std::map<std::string, std::string>& labels) {
  return MetricSample(collectable.Collect(), family, labels);
}

}  // namespace evtrade::testing

#endif  // EVTRADE_TESTS_SUPPORT_METRIC_SAMPLE_H_

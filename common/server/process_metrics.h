// The standard process_* series of Prometheus client libraries, read from
// /proc/self at every scrape as their process collectors do:
//   process_cpu_seconds_total       user + system CPU time, seconds
//   process_resident_memory_bytes   resident set size
//   process_virtual_memory_bytes    virtual memory size
//   process_open_fds                open file descriptors
//   process_max_fds                 the soft RLIMIT_NOFILE
//   process_start_time_seconds      start time, seconds since the epoch
// Linux only (procfs).
#ifndef EVTRADE_COMMON_SERVER_PROCESS_METRICS_H_
#define EVTRADE_COMMON_SERVER_PROCESS_METRICS_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/strings/string_view.h"
#include "prometheus/collectable.h"
#include "prometheus/metric_family.h"

namespace evtrade {

// What /proc/<pid>/stat says, in units.
struct ProcStat {
  double cpu_seconds = 0;         // utime + stime
  double start_time_seconds = 0;  // since the epoch
  double virtual_memory_bytes = 0;
  double resident_memory_bytes = 0;
};

// Parses the text of /proc/<pid>/stat; `boot_time_seconds` is /proc/stat's
// btime, `clock_ticks` sysconf(_SC_CLK_TCK), `page_size` the page size in
// bytes. nullopt when the text is not a stat line.
std::optional<ProcStat> ParseProcStat(absl::string_view stat,
                                      int64_t boot_time_seconds,
                                      int64_t clock_ticks, int64_t page_size);

// btime from the text of /proc/stat; nullopt when missing.
std::optional<int64_t> ParseBootTime(absl::string_view proc_stat);

// Thread-safe (reads files only). A series that cannot be read at a scrape
// is left out of it, never reported as 0.
class ProcessCollector final : public prometheus::Collectable {
 public:
  std::vector<prometheus::MetricFamily> Collect() const override;
};

}  // namespace evtrade

#endif  // EVTRADE_COMMON_SERVER_PROCESS_METRICS_H_

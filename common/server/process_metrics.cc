#include "common/server/process_metrics.h"

#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <system_error>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace evtrade {
namespace {

std::optional<std::string> ReadProcFile(const char* path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  return std::string(std::istreambuf_iterator<char>(in), {});
}

prometheus::MetricFamily OneSample(
    std::string name, std::string help, double value,
    prometheus::MetricType type = prometheus::MetricType::Gauge) {
  prometheus::MetricFamily family;
  family.name = std::move(name);
  family.help = std::move(help);
  family.type = type;
  prometheus::ClientMetric metric;
  if (type == prometheus::MetricType::Counter) {
    metric.counter.value = value;
  } else {
    metric.gauge.value = value;
  }
  family.metric.push_back(std::move(metric));
  return family;
}

std::optional<int64_t> OpenFds() {
  std::error_code ec;
  std::filesystem::directory_iterator it("/proc/self/fd", ec);
  if (ec) return std::nullopt;
  int64_t count = 0;
  for (; it != std::filesystem::directory_iterator(); it.increment(ec)) {
    if (ec) return std::nullopt;
    ++count;
  }
  // The iterator's own descriptor is listed too, and closed by now.
  return count - 1;
}

}  // namespace

std::optional<ProcStat> ParseProcStat(absl::string_view stat,
                                      int64_t boot_time_seconds,
                                      int64_t clock_ticks, int64_t page_size) {
  // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so
  // the fields start after the last ')'.
  const size_t paren = stat.rfind(')');
  if (paren == absl::string_view::npos || clock_ticks <= 0) return std::nullopt;
  std::vector<absl::string_view> fields =
      absl::StrSplit(absl::StripAsciiWhitespace(stat.substr(paren + 1)), ' ',
                     absl::SkipEmpty());
  // fields[0] is field 3 (state) of proc(5); field n is fields[n - 3].
  auto field = [&fields](size_t n, int64_t& out) {
    return n - 3 < fields.size() && absl::SimpleAtoi(fields[n - 3], &out);
  };
  int64_t utime = 0, stime = 0, starttime = 0, vsize = 0, rss = 0;
  if (!field(14, utime) || !field(15, stime) || !field(22, starttime) ||
      !field(23, vsize) || !field(24, rss)) {
    return std::nullopt;
  }
  const double ticks = static_cast<double>(clock_ticks);
  return ProcStat{
      .cpu_seconds = static_cast<double>(utime + stime) / ticks,
      .start_time_seconds = static_cast<double>(boot_time_seconds) +
                            static_cast<double>(starttime) / ticks,
      .virtual_memory_bytes = static_cast<double>(vsize),
      .resident_memory_bytes = static_cast<double>(rss * page_size)};
}

std::optional<int64_t> ParseBootTime(absl::string_view proc_stat) {
  for (absl::string_view line : absl::StrSplit(proc_stat, '\n')) {
    if (absl::ConsumePrefix(&line, "btime ")) {
      int64_t btime = 0;
      if (absl::SimpleAtoi(line, &btime)) return btime;
    }
  }
  return std::nullopt;
}

std::vector<prometheus::MetricFamily> ProcessCollector::Collect() const {
  std::vector<prometheus::MetricFamily> families;
  std::optional<std::string> stat = ReadProcFile("/proc/self/stat");
  std::optional<std::string> system = ReadProcFile("/proc/stat");
  std::optional<int64_t> boot =
      system.has_value() ? ParseBootTime(*system) : std::nullopt;
  if (stat.has_value() && boot.has_value()) {
    if (std::optional<ProcStat> parsed = ParseProcStat(
            *stat, *boot, sysconf(_SC_CLK_TCK), sysconf(_SC_PAGESIZE))) {
      families.push_back(OneSample("process_cpu_seconds_total",
                                   "Total user and system CPU time spent in "
                                   "seconds.",
                                   parsed->cpu_seconds,
                                   prometheus::MetricType::Counter));
      families.push_back(OneSample("process_resident_memory_bytes",
                                   "Resident memory size in bytes.",
                                   parsed->resident_memory_bytes));
      families.push_back(OneSample("process_virtual_memory_bytes",
                                   "Virtual memory size in bytes.",
                                   parsed->virtual_memory_bytes));
      families.push_back(
          OneSample("process_start_time_seconds",
                    "Start time of the process since unix epoch in "
                    "seconds.",
                    parsed->start_time_seconds));
    }
  }
  if (std::optional<int64_t> fds = OpenFds()) {
    families.push_back(OneSample("process_open_fds",
                                 "Number of open file descriptors.",
                                 static_cast<double>(*fds)));
  }
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0) {
    families.push_back(OneSample("process_max_fds",
                                 "Maximum number of open file descriptors.",
                                 static_cast<double>(limit.rlim_cur)));
  }
  return families;
}

}  // namespace evtrade

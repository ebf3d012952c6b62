#include "common/server/process_metrics.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "tests/support/metric_sample.h"

namespace evtrade {
namespace {

// Fields 14 (utime) 250, 15 (stime) 50, 22 (starttime) 1000, 23 (vsize)
// 104857600, 24 (rss, pages) 2560; the command name holds spaces and
// parentheses.
constexpr char kStat[] =
    "1234 (my (odd) name) S 1 1234 1234 0 -1 4194560 100 0 0 0 250 50 0 0 20 "
    "0 4 0 1000 104857600 2560 18446744073709551615 1 1 0 0 0\n";

TEST(ParseProcStatTest, ReadsTheFieldsInUnits) {
  std::optional<ProcStat> stat =
      ParseProcStat(kStat, /*boot_time_seconds=*/1700000000,
                    /*clock_ticks=*/100, /*page_size=*/4096);
  ASSERT_TRUE(stat.has_value());
  EXPECT_EQ(stat->cpu_seconds, 3.0);                  // (250 + 50) / 100
  EXPECT_EQ(stat->start_time_seconds, 1700000010.0);  // + 1000 / 100
  EXPECT_EQ(stat->virtual_memory_bytes, 104857600.0);
  EXPECT_EQ(stat->resident_memory_bytes, 10485760.0);  // 2560 * 4096
}

TEST(ParseProcStatTest, RefusesWhatIsNotAStatLine) {
  EXPECT_FALSE(ParseProcStat("", 0, 100, 4096).has_value());
  EXPECT_FALSE(ParseProcStat("1234 (x) S 1 2 3", 0, 100, 4096).has_value());
  EXPECT_FALSE(ParseProcStat("1234 x S 1 1234 1234 0 -1 4194560 100 0 0 0 "
                             "250 50 0 0 20 0 4 0 1000 104857600 2560",
                             0, 100, 4096)
                   .has_value());
  EXPECT_FALSE(ParseProcStat(kStat, 0, 0, 4096).has_value());
}

TEST(ParseBootTimeTest, FindsBtime) {
  EXPECT_EQ(ParseBootTime("cpu  1 2 3\nintr 5\nbtime 1733300000\nprocs 9\n"),
            1733300000);
  EXPECT_FALSE(ParseBootTime("cpu  1 2 3\n").has_value());
}

double Sample(const ProcessCollector& collector, const std::string& name) {
  return testing::MetricSample(collector, name, {});
}

TEST(ProcessCollectorTest, ReportsThisProcess) {
  ProcessCollector collector;
  const double open_before = Sample(collector, "process_open_fds");
  const int fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  EXPECT_EQ(Sample(collector, "process_open_fds"), open_before + 1);
  close(fd);
  EXPECT_EQ(Sample(collector, "process_open_fds"), open_before);

  rlimit limit{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &limit), 0);
  EXPECT_EQ(Sample(collector, "process_max_fds"),
            static_cast<double>(limit.rlim_cur));

  // This test process started moments ago (procfs counts in clock ticks).
  const double now = absl::ToDoubleSeconds(absl::Now() - absl::UnixEpoch());
  const double start = Sample(collector, "process_start_time_seconds");
  EXPECT_LE(start, now + 1);  // btime is whole seconds
  EXPECT_GT(start, now - 600);

  EXPECT_GE(Sample(collector, "process_cpu_seconds_total"), 0);
  const double rss = Sample(collector, "process_resident_memory_bytes");
  EXPECT_GT(rss, 1 << 20);
  EXPECT_GT(Sample(collector, "process_virtual_memory_bytes"), rss);
}

}  // namespace
}  // namespace evtrade

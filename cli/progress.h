// The import progress bar: rows, rows/s, percent of the input bytes and
// ETA on one stderr line, redrawn at most 10 times a second. Only on a
// terminal: piped output gets the final summary alone.
#ifndef EVTRADE_CLI_PROGRESS_H_
#define EVTRADE_CLI_PROGRESS_H_

#include <cstdint>
#include <cstdio>
#include <string>

#include "absl/time/time.h"

namespace evtrade::cli {

// Not thread-safe.
class Progress {
 public:
  // `total_bytes` < 0: unknown (no percent, no ETA). Draws nothing unless
  // `enabled`.
  Progress(bool enabled, int64_t total_bytes, std::FILE* out = stderr);

  // Redraws if the last draw is at least 100 ms old.
  void Update(int64_t rows, int64_t bytes_done);
  // Clears the line, so the summary starts on a clean one.
  void Clear();

  // The line Update draws, without the carriage return.
  static std::string Render(int64_t rows, int64_t bytes_done,
                            int64_t total_bytes, absl::Duration elapsed);

 private:
  const bool enabled_;
  const int64_t total_bytes_;
  std::FILE* const out_;
  const absl::Time start_;
  absl::Time last_draw_ = absl::InfinitePast();
  bool drawn_ = false;
};

}  // namespace evtrade::cli

#endif  // EVTRADE_CLI_PROGRESS_H_

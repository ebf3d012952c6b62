#include "cli/progress.h"

#include <algorithm>
#include <string>

#include "absl/strings/str_format.h"
#include "absl/time/clock.h"

namespace evtrade::cli {
namespace {

constexpr absl::Duration kRedrawInterval = absl::Milliseconds(100);
constexpr int kBarWidth = 24;

std::string FormatDuration(int64_t seconds) {
  return absl::StrFormat("%d:%02d:%02d", seconds / 3600, seconds / 60 % 60,
                         seconds % 60);
}

}  // namespace

Progress::Progress(bool enabled, int64_t total_bytes, std::FILE* out)
    : enabled_(enabled),
      total_bytes_(total_bytes),
      out_(out),
      start_(absl::Now()) {}

std::string Progress::Render(int64_t rows, int64_t bytes_done,
                             int64_t total_bytes, absl::Duration elapsed) {
  const double seconds = absl::ToDoubleSeconds(elapsed);
  const double rate = seconds > 0 ? rows / seconds : 0;
  if (total_bytes <= 0) {
    return absl::StrFormat("%d rows  %.0f rows/s", rows, rate);
  }
  const double fraction =
      std::min(1.0, static_cast<double>(bytes_done) / total_bytes);
  const int filled = static_cast<int>(fraction * kBarWidth);
  std::string eta = "--:--:--";
  if (fraction > 0 && seconds > 0) {
    eta = FormatDuration(
        static_cast<int64_t>(seconds / fraction * (1 - fraction) + 0.5));
  }
  return absl::StrFormat(
      "[%s%s] %3.0f%%  %d rows  %.0f rows/s  ETA %s", std::string(filled, '#'),
      std::string(kBarWidth - filled, '.'), fraction * 100, rows, rate, eta);
}

void Progress::Update(int64_t rows, int64_t bytes_done) {
  if (!enabled_) return;
  const absl::Time now = absl::Now();
  if (now - last_draw_ < kRedrawInterval) return;
  last_draw_ = now;
  drawn_ = true;
  // \33[K clears what a longer previous line left on the right.
  absl::FPrintF(out_, "\r%s\33[K",
                Render(rows, bytes_done, total_bytes_, now - start_));
  std::fflush(out_);
}

void Progress::Clear() {
  if (!drawn_) return;
  absl::FPrintF(out_, "\r\33[K");
  std::fflush(out_);
  drawn_ = false;
}

}  // namespace evtrade::cli

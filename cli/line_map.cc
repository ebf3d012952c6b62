#include "cli/line_map.h"

#include <algorithm>

namespace evtrade::cli {

void LineMap::Add(int64_t index, FileLine where) {
  if (!runs_.empty()) {
    const Run& last = runs_.back();
    if (last.first.file == where.file &&
        last.first.line + (index - last.first_index) == where.line) {
      size_ = index + 1;
      return;
    }
  }
  runs_.push_back({index, where});
  size_ = index + 1;
}

std::optional<FileLine> LineMap::Find(int64_t index) const {
  if (index < 0 || index >= size_ || runs_.empty()) return std::nullopt;
  auto it = std::upper_bound(
      runs_.begin(), runs_.end(), index,
      [](int64_t i, const Run& run) { return i < run.first_index; });
  if (it == runs_.begin()) return std::nullopt;
  --it;
  return FileLine{it->first.file, it->first.line + (index - it->first_index)};
}

}  // namespace evtrade::cli

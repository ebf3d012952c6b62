// Maps a record's position in an Ingest stream back to the file and line it
// came from, so that the server's RecordError.index can be shown as
// FILE:LINE.
#ifndef EVTRADE_CLI_LINE_MAP_H_
#define EVTRADE_CLI_LINE_MAP_H_

#include <cstdint>
#include <optional>
#include <vector>

namespace evtrade::cli {

struct FileLine {
  int file = 0;  // index into the import's file list
  int64_t line = 0;
};

// Stores runs of consecutive lines, not one entry per record: a 10-million
// row file with one record per line is one run, so memory stays small. A
// new run starts where a line gave no record (a bad row, a quoted line
// break) or a new file begins. Not thread-safe.
class LineMap {
 public:
  // Records that stream index `index` (each call one more than the last,
  // from 0) came from `where`.
  void Add(int64_t index, FileLine where);
  // Where stream index `index` came from; nullopt if never added.
  std::optional<FileLine> Find(int64_t index) const;

 private:
  struct Run {
    int64_t first_index;
    FileLine first;
  };
  std::vector<Run> runs_;
  int64_t size_ = 0;
};

}  // namespace evtrade::cli

#endif  // EVTRADE_CLI_LINE_MAP_H_

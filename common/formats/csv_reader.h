// A streaming CSV/TSV tokenizer (RFC 4180) for the input-format readers.
#ifndef EVTRADE_COMMON_FORMATS_CSV_READER_H_
#define EVTRADE_COMMON_FORMATS_CSV_READER_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/formats/byte_source.h"

namespace evtrade::formats {

struct CsvOptions {
  // ',' or '\t'; 0 = detect from the header line (tab when it has more tabs
  // than commas outside quotes, else comma).
  char delimiter = 0;
  // Bounds on one row (the header included), so that memory stays bounded
  // whatever the input: its bytes (field contents plus one per delimiter,
  // quotes and line ends not counted) and its number of fields. A row over
  // either is a final error.
  size_t max_row_bytes = kDefaultMaxRowBytes;
  size_t max_fields = kDefaultMaxFields;

  static constexpr size_t kDefaultMaxRowBytes = 1 << 20;
  // Comtrade's bulk files, the widest input, have 47 columns.
  static constexpr size_t kDefaultMaxFields = 1024;
};

// One record of the file: its fields and the physical line (1-based) it
// starts on. Its fields may span lines when quoted.
struct CsvRow {
  int64_t line = 0;
  std::vector<std::string> fields;
};

// Reads a delimited file row by row, never holding more than one row (at
// most CsvOptions::max_row_bytes and max_fields, plus at most 4 KiB a field
// kept from earlier rows) and a fixed-size read buffer: multi-gigabyte
// files, and a gzip that expands to one endless line, stream in bounded
// memory.
//
// Accepts RFC 4180 quoting ("a,b", doubled "" inside quotes, line breaks
// inside quotes), LF or CRLF line ends, an optional UTF-8 byte order mark,
// and skips blank lines. The first row is the header. A quote inside an
// unquoted field, or text after a closing quote, is kept literally.
// Not thread-safe.
class CsvReader {
 public:
  // Reads the header. INVALID_ARGUMENT for an empty input; the errors of
  // Next() for a broken header.
  static absl::StatusOr<std::unique_ptr<CsvReader>> Open(
      std::unique_ptr<ByteSource> source, CsvOptions options = {});

  // The header's fields, as written (not trimmed).
  const CsvRow& header() const { return header_; }
  char delimiter() const { return delimiter_; }

  // The next data row, valid until the next call; nullptr at the end.
  // A non-OK status is final: INVALID_ARGUMENT "line N: unterminated quoted
  // field (...)" with N the line the field starts on, "line N: row longer
  // than B bytes" / "line N: row of more than F fields" with N the line the
  // row starts on (nothing past the limit is kept), or the source's read
  // error. Rows with a different number of fields than the header are
  // returned as they are: see WidthError.
  absl::StatusOr<const CsvRow*> Next();

  // "expected H fields, got F" when `row` has not as many fields as the
  // header; nullopt when it has, or when the difference is one trailing
  // delimiter (an empty last field on the row or on the header).
  std::optional<std::string> WidthError(const CsvRow& row) const;

  // For progress reports: rows returned so far (header excluded), and the
  // source's position.
  int64_t rows_read() const { return rows_read_; }
  const ByteSource& source() const { return *source_; }

 private:
  CsvReader(std::unique_ptr<ByteSource> source, const CsvOptions& options);

  static constexpr int kEnd = -1;
  static constexpr int kError = -2;  // read_error_ says why

  // Tokenizes one row into `row`; false at the end of input.
  absl::StatusOr<bool> ReadRow(CsvRow& row);
  absl::Status RowTooLong(const CsvRow& row) const;
  // The next byte (0..255), kEnd, or kError. Inline-fast: called per byte.
  int Get() {
    if (pos_ < end_) return static_cast<unsigned char>(buffer_[pos_++]);
    return Refill();
  }
  // Steps back over the byte the last Get() returned (not kEnd/kError).
  void Unget() { --pos_; }
  int Refill();
  // Skips a UTF-8 byte order mark and picks the delimiter from the raw
  // first line, before it is tokenized.
  absl::Status Start(CsvOptions options);

  std::unique_ptr<ByteSource> source_;
  char delimiter_ = ',';
  const size_t max_row_bytes_;
  const size_t max_fields_;
  absl::Status read_error_;
  absl::Status final_error_;  // what Next() keeps returning after a failure
  std::vector<char> buffer_;
  size_t pos_ = 0;
  size_t end_ = 0;
  bool eof_ = false;
  int64_t line_ = 1;  // physical line of the next byte
  int64_t rows_read_ = 0;
  CsvRow header_;
  CsvRow row_;
};

}  // namespace evtrade::formats

#endif  // EVTRADE_COMMON_FORMATS_CSV_READER_H_

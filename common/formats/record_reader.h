// Reads trade records from native and UN Comtrade CSV/TSV files and UN
// Comtrade API JSON responses (plain or .gz): the one implementation the
// CLI, the benchmarks and the tests share.
#ifndef EVTRADE_COMMON_FORMATS_RECORD_READER_H_
#define EVTRADE_COMMON_FORMATS_RECORD_READER_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"
#include "common/formats/byte_source.h"
#include "common/formats/comtrade_json.h"
#include "common/formats/csv_reader.h"
#include "evtrade/v1/common.pb.h"

namespace evtrade::formats {

enum class InputFormat {
  kAuto,      // decided by the content: JSON, else by the header
  kNative,    // header = TradeRecord field names, period YYYY-MM
  kComtrade,  // UN Comtrade API / bulk CSV or TSV, or API JSON
};

// "auto", "native", "comtrade" (case-insensitive); nullopt otherwise.
std::optional<InputFormat> ParseInputFormat(std::string_view text);
std::string_view InputFormatName(InputFormat format);

struct RecordReaderOptions {
  InputFormat format = InputFormat::kAuto;
  // ',' or '\t'; 0 = detect from the header.
  char delimiter = 0;
  // What messages call the input; empty = its path.
  std::string name = {};
};

// A data row read as a record, with the physical line it starts on.
struct LineRecord {
  int64_t line = 0;
  v1::TradeRecord record;
};

// A data row that gives no record.
struct RowError {
  enum class Kind {
    kInvalid,  // malformed or not usable: the caller should report it
    kSkipped,  // a well-formed row that is deliberately not a total
               // (Comtrade breakdowns by customs procedure, transport mode
               // or second partner)
  };
  int64_t line = 0;
  // The column as the file names it ("primaryValue", "PrimaryValue",
  // "reporterCode"); empty for whole-row problems such as a wrong field
  // count.
  std::string field;
  std::string reason;
  Kind kind = Kind::kInvalid;
  // kSkipped: what kind of row, for counts per reason ("annual rows",
  // "flow DX", "breakdowns by customs procedure").
  std::string group;
};

using ReadRow = std::variant<LineRecord, RowError>;

// Turns each data row of a file into a v1::TradeRecord or a RowError.
//
// Native format: columns reporter, partner, flow, hs_code, period, value_usd
// are required; quantity, net_weight_kg, manufacturer, source are optional.
// Flow is X/M/RX/RM or export/import/re_export/re_import; period YYYY-MM.
//
// Comtrade format (CSV/TSV): flowCode, cmdCode, primaryValue, reporterISO or
// reporterCode, partnerISO or partnerCode, and refYear + refMonth or period
// (YYYYMM) are required; qty, qtyUnitCode, netWgt, customsCode, motCode,
// partner2Code, freqCode are used when present; other columns are ignored.
// Numeric codes (Comtrade's M49, AreaCodeOfM49) give the area where the ISO
// column is empty; where both are set and disagree the row is invalid.
// qty becomes the quantity only when it counts items (qtyUnitCode 5, or no
// unit column): a qty in kg (8) or none (-1) gives 0. Column names match
// case-insensitively and ignoring surrounding spaces.
// Skipped (RowError::kSkipped, with a group): annual rows (freqCode A,
// refMonth 52, period YYYY), flows Comtrade has beyond X/M/RX/RM (DX, FM,
// MIP, MOP, XIP, XOP, ...), and rows that break a total down (customsCode
// not C00, motCode not 0, partner2Code not 0). Invalid: codes that are not
// six digits, unknown flow codes, unknown numeric areas.
//
// Comtrade API JSON (the v1 response {"count", "data": [...], "error"}, or a
// bare array of records): detected by content (first byte '{' or '['), each
// record read like a Comtrade CSV row with the API's key names; values as
// the API types them (numbers, strings, null = empty). Records are located
// by their index (data[i]) instead of a line. A response whose "error" is
// set is a file-level error.
//
// Values and quantities are decimals rounded exactly to whole numbers
// (ParseRoundedInt64); empty qty/netWgt/quantity/net_weight_kg mean 0.
// A trailing delimiter (one more, empty field than the header) is accepted.
// Fields are trimmed; checking codes against the domain (known countries,
// ranges) is left to NormalizeAndValidate. Memory stays bounded whatever
// the file's size. Not thread-safe.
class RecordReader {
 public:
  // Opens a file (plain or gzip) and reads its header. Errors name the
  // path: unreadable file, empty file, unrecognised header, or a missing
  // required column ("missing column \"cmdCode\" (Comtrade format)").
  // `path` "-" reads standard input (plain or gzip as well).
  static absl::StatusOr<std::unique_ptr<RecordReader>> Open(
      const std::string& path, RecordReaderOptions options = {});
  static absl::StatusOr<std::unique_ptr<RecordReader>> FromSource(
      std::unique_ptr<ByteSource> source, RecordReaderOptions options = {});

  ~RecordReader();

  // The format in use (never kAuto), and whether the input is JSON.
  InputFormat format() const { return format_; }
  bool is_json() const { return json_ != nullptr; }

  // Where a row is, for messages: "FILE:LINE" for CSV, "FILE:data[I]" for
  // JSON, given the `line` of its LineRecord or RowError.
  std::string Location(int64_t line) const;

  // The column of this file that fills a TradeRecord field ("reporter" ->
  // "reporterISO" as the header spells it), so that errors about a record
  // name what the user has; the field itself when no column maps to it.
  std::string SourceColumn(std::string_view record_field) const;

  // The next data row; nullopt at the end of the file. A non-OK status is
  // a file-level error that ends reading (unterminated quote, read error);
  // its message names the file and the line.
  absl::StatusOr<std::optional<ReadRow>> Next();

  // Progress: data rows read so far, bytes of the file consumed (compressed
  // bytes for .gz) and the file's size (-1 when unknown).
  int64_t rows_read() const;
  int64_t bytes_consumed() const { return source().BytesConsumed(); }
  int64_t total_bytes() const { return source().TotalBytes(); }

 private:
  struct Columns;
  RecordReader(std::unique_ptr<CsvReader> csv,
               std::unique_ptr<ComtradeJsonReader> json, InputFormat format,
               std::unique_ptr<Columns> columns);

  const ByteSource& source() const;
  ReadRow ParseNative(const CsvRow& row) const;
  ReadRow FromJson(const JsonRecord& record);

  std::unique_ptr<CsvReader> csv_;            // CSV/TSV input, or
  std::unique_ptr<ComtradeJsonReader> json_;  // JSON input
  InputFormat format_;
  std::unique_ptr<Columns> columns_;
  std::vector<std::string> json_fields_;
};

}  // namespace evtrade::formats

#endif  // EVTRADE_COMMON_FORMATS_RECORD_READER_H_

// Reads trade records from native and UN Comtrade CSV/TSV files (plain or
// .gz): the one implementation the CLI, the benchmarks and the tests share.
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
#include "common/formats/csv_reader.h"
#include "evtrade/v1/common.pb.h"

namespace evtrade::formats {

enum class InputFormat {
  kAuto,      // decided by the header
  kNative,    // header = TradeRecord field names, period YYYY-MM
  kComtrade,  // UN Comtrade API / bulk CSV or TSV
};

// "auto", "native", "comtrade" (case-insensitive); nullopt otherwise.
std::optional<InputFormat> ParseInputFormat(std::string_view text);
std::string_view InputFormatName(InputFormat format);

struct RecordReaderOptions {
  InputFormat format = InputFormat::kAuto;
  // ',' or '\t'; 0 = detect from the header.
  char delimiter = 0;
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
  // The column, by its canonical name ("primaryValue", "period"); empty
  // for whole-row problems such as a wrong field count.
  std::string field;
  std::string reason;
  Kind kind = Kind::kInvalid;
};

using ReadRow = std::variant<LineRecord, RowError>;

// Turns each data row of a file into a v1::TradeRecord or a RowError.
//
// Native format: columns reporter, partner, flow, hs_code, period, value_usd
// are required; quantity, net_weight_kg, manufacturer, source are optional.
// Flow is X/M/RX/RM or export/import/re_export/re_import; period YYYY-MM.
//
// Comtrade format: reporterISO, partnerISO, flowCode, cmdCode, primaryValue
// and refYear + refMonth or period (YYYYMM) are required; qty, qtyUnitCode,
// netWgt, customsCode, motCode, partner2Code are used when present; other
// columns are ignored. qty becomes the quantity only when it counts items
// (qtyUnitCode 5, or no unit column): a qty in kg (8) or none (-1) gives 0.
// Column names match case-insensitively and ignoring surrounding spaces. Annual
// rows (refMonth 52) and codes that are not six digits are invalid; rows that
// break a total down (customsCode not C00, motCode not 0, partner2Code not 0)
// are skipped.
//
// Values and quantities are decimals rounded exactly to whole numbers
// (ParseRoundedInt64); empty qty/netWgt/quantity/net_weight_kg mean 0.
// Fields are trimmed; checking codes against the domain (known countries,
// ranges) is left to NormalizeAndValidate. Memory stays bounded whatever
// the file's size. Not thread-safe.
class RecordReader {
 public:
  // Opens a file (plain or gzip) and reads its header. Errors name the
  // path: unreadable file, empty file, unrecognised header, or a missing
  // required column ("missing column \"cmdCode\" (Comtrade format)").
  static absl::StatusOr<std::unique_ptr<RecordReader>> Open(
      const std::string& path, RecordReaderOptions options = {});
  static absl::StatusOr<std::unique_ptr<RecordReader>> FromSource(
      std::unique_ptr<ByteSource> source, RecordReaderOptions options = {});

  ~RecordReader();

  // The format in use (never kAuto).
  InputFormat format() const { return format_; }

  // The next data row; nullopt at the end of the file. A non-OK status is
  // a file-level error that ends reading (unterminated quote, read error);
  // its message names the file and the line.
  absl::StatusOr<std::optional<ReadRow>> Next();

  // Progress: data rows read so far, bytes of the file consumed (compressed
  // bytes for .gz) and the file's size (-1 when unknown).
  int64_t rows_read() const { return csv_->rows_read(); }
  int64_t bytes_consumed() const { return csv_->source().BytesConsumed(); }
  int64_t total_bytes() const { return csv_->source().TotalBytes(); }

 private:
  struct Columns;
  RecordReader(std::unique_ptr<CsvReader> csv, InputFormat format,
               std::unique_ptr<Columns> columns);

  ReadRow ParseNative(const CsvRow& row) const;
  ReadRow ParseComtrade(const CsvRow& row) const;

  std::unique_ptr<CsvReader> csv_;
  InputFormat format_;
  std::unique_ptr<Columns> columns_;
};

}  // namespace evtrade::formats

#endif  // EVTRADE_COMMON_FORMATS_RECORD_READER_H_

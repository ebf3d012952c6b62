// CsvReader on any bytes: with the header's delimiter detected and with
// tight row limits, every row is read to the end or to a final error, and
// no row ever holds more than the limits allow.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "common/formats/byte_source.h"
#include "common/formats/csv_reader.h"
#include "fuzz/fuzz_input.h"

namespace {

using evtrade::formats::CsvOptions;
using evtrade::formats::CsvReader;
using evtrade::formats::CsvRow;

void ReadAll(std::string_view text, const CsvOptions& options) {
  auto reader = CsvReader::Open(
      evtrade::formats::MakeStringSource(std::string(text)), options);
  if (!reader.ok()) return;
  const CsvRow& header = (*reader)->header();
  FUZZ_CHECK(header.fields.size() <= options.max_fields);
  int64_t last_line = header.line;
  for (;;) {
    absl::StatusOr<const CsvRow*> row = (*reader)->Next();
    if (!row.ok()) {
      // Final: the same error again.
      FUZZ_CHECK((*reader)->Next().status() == row.status());
      return;
    }
    if (*row == nullptr) return;
    FUZZ_CHECK((*row)->line > last_line);
    last_line = (*row)->line;
    FUZZ_CHECK((*row)->fields.size() <= options.max_fields);
    size_t bytes = 0;
    for (const std::string& field : (*row)->fields) bytes += field.size() + 1;
    FUZZ_CHECK(bytes <= options.max_row_bytes);
    (*reader)->WidthError(**row);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = evtrade::fuzz::AsText(data, size);
  ReadAll(text, CsvOptions{});
  ReadAll(text,
          CsvOptions{.delimiter = '\t', .max_row_bytes = 64, .max_fields = 8});
  return 0;
}

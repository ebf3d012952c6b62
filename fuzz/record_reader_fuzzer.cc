// RecordReader on any bytes, as `evtrade import` reads a file: native or
// Comtrade CSV/TSV, or Comtrade API JSON (by content), in each forced
// format too; every record it gives then goes through the domain's
// validation, as the CLI does before sending.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>

#include "common/domain/record_validation.h"
#include "common/formats/byte_source.h"
#include "common/formats/record_reader.h"
#include "fuzz/fuzz_input.h"

namespace {

using evtrade::formats::InputFormat;
using evtrade::formats::LineRecord;
using evtrade::formats::RecordReader;
using evtrade::formats::RowError;

void ReadAll(std::string_view text, InputFormat format) {
  auto reader = RecordReader::FromSource(
      evtrade::formats::MakeStringSource(std::string(text), "fuzz.csv"),
      {.format = format});
  if (!reader.ok()) return;
  FUZZ_CHECK((*reader)->format() != InputFormat::kAuto);
  for (;;) {
    auto row = (*reader)->Next();
    if (!row.ok() || !row->has_value()) return;
    if (auto* read = std::get_if<LineRecord>(&**row)) {
      evtrade::v1::TradeRecord record = read->record;
      if (std::optional<evtrade::FieldError> error =
              evtrade::NormalizeAndValidate(record)) {
        (*reader)->SourceColumn(error->field);
      }
      (*reader)->Location(read->line);
    } else {
      const RowError& error = std::get<RowError>(**row);
      FUZZ_CHECK(!error.reason.empty());
      FUZZ_CHECK(error.kind == RowError::Kind::kInvalid ||
                 !error.group.empty());
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = evtrade::fuzz::AsText(data, size);
  for (InputFormat format :
       {InputFormat::kAuto, InputFormat::kNative, InputFormat::kComtrade}) {
    ReadAll(text, format);
  }
  return 0;
}

// The Comtrade API JSON reader on any bytes (CountComtradeJsonRecords, the
// whole document checked), and with a count it gives, the reader again one
// record at a time: the same records, each within the member bound.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "common/formats/byte_source.h"
#include "common/formats/comtrade_json.h"
#include "fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using evtrade::formats::ComtradeJsonReader;
  using evtrade::formats::JsonRecord;
  const std::string_view text = evtrade::fuzz::AsText(data, size);
  const absl::StatusOr<int64_t> count =
      evtrade::formats::CountComtradeJsonRecords(text);
  if (!count.ok()) {
    FUZZ_CHECK(!count.status().message().empty());
    return 0;
  }
  auto reader = ComtradeJsonReader::Open(
      evtrade::formats::MakeStringSource(std::string(text)));
  FUZZ_CHECK(reader.ok());
  int64_t records = 0;
  for (;;) {
    absl::StatusOr<const JsonRecord*> record = (*reader)->Next();
    FUZZ_CHECK(record.ok());
    if (*record == nullptr) break;
    FUZZ_CHECK((*record)->index == records);
    FUZZ_CHECK((*record)->members.size() <= 1024);
    ++records;
  }
  FUZZ_CHECK(records == *count);
  return 0;
}

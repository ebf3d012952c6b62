// The file source on any bytes, gzip or not, through the real path (zlib's
// gzopen on a file): read to the end in uneven pieces, with progress that
// never goes back or past the file; then the same file as `evtrade import`
// reads it. The bytes live in a memfd, so no disk is touched.
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>

#include "common/formats/byte_source.h"
#include "common/formats/record_reader.h"
#include "fuzz/fuzz_input.h"

namespace {

// The memfd's path, created once per process.
const std::string& FilePath() {
  static const std::string* const path = [] {
    const int fd = memfd_create("gzip_source_fuzzer", 0);
    if (fd < 0) std::abort();
    return new std::string("/proc/self/fd/" + std::to_string(fd));
  }();
  return *path;
}

bool WriteFile(const uint8_t* data, size_t size) {
  const int fd = std::stoi(FilePath().substr(FilePath().rfind('/') + 1));
  if (ftruncate(fd, 0) != 0) return false;
  size_t done = 0;
  while (done < size) {
    const ssize_t n = pwrite(fd, data + done, size - done, done);
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (!WriteFile(data, size)) std::abort();
  auto source = evtrade::formats::OpenFileSource(FilePath());
  FUZZ_CHECK(source.ok());
  FUZZ_CHECK((*source)->TotalBytes() == static_cast<int64_t>(size));
  char buffer[4099];
  size_t piece = 1;
  int64_t consumed = 0;
  for (;;) {
    auto n = (*source)->Read(buffer, piece);
    if (!n.ok()) {
      // Final.
      FUZZ_CHECK(!(*source)->Read(buffer, piece).ok());
      break;
    }
    if (*n == 0) break;
    FUZZ_CHECK(*n <= piece);
    FUZZ_CHECK((*source)->BytesConsumed() >= consumed);
    consumed = (*source)->BytesConsumed();
    FUZZ_CHECK(consumed <= static_cast<int64_t>(size));
    piece = piece * 7 % sizeof buffer + 1;
  }
  auto reader = evtrade::formats::RecordReader::Open(FilePath());
  if (!reader.ok()) return 0;
  for (;;) {
    auto row = (*reader)->Next();
    if (!row.ok() || !row->has_value()) break;
  }
  return 0;
}

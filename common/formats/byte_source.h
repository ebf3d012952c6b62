// Byte streams the input-format readers read from: files (plain or gzip,
// decompressed transparently through zlib) and in-memory strings.
#ifndef EVTRADE_COMMON_FORMATS_BYTE_SOURCE_H_
#define EVTRADE_COMMON_FORMATS_BYTE_SOURCE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace evtrade::formats {

// A sequential stream of bytes. Not thread-safe: one reader at a time.
class ByteSource {
 public:
  virtual ~ByteSource() = default;

  // Reads up to `size` bytes into `buffer`; returns how many, 0 at the end.
  // An error (I/O, corrupt or truncated gzip data) is final.
  virtual absl::StatusOr<size_t> Read(char* buffer, size_t size) = 0;

  // For progress reporting: how far into the underlying file reading has
  // got, and how large that file is (-1 when unknown). For a .gz file both
  // count compressed bytes, so consumed/total is the fraction done.
  virtual int64_t BytesConsumed() const = 0;
  virtual int64_t TotalBytes() const = 0;

  // A name for messages (the path, or "<string>").
  virtual const std::string& name() const = 0;
};

// Opens `path` for reading. gzip files are decompressed on the fly (zlib's
// gzread reads plain files unchanged, so any file works); memory stays
// bounded whatever the file's size. NOT_FOUND / PERMISSION_DENIED etc. name
// the path.
absl::StatusOr<std::unique_ptr<ByteSource>> OpenFileSource(
    const std::string& path);

// Standard input, read like a file: gzip data is decompressed, plain data
// passes through. Named "<stdin>"; its size is unknown.
absl::StatusOr<std::unique_ptr<ByteSource>> OpenStdinSource();

// Reads up to `size` bytes (fewer only at the end): a look at the content
// before deciding how to read it; PrependToSource puts them back.
absl::StatusOr<std::string> ReadHead(ByteSource& source, size_t size);

// A source that yields `head`, then the rest of `rest`, with `rest`'s
// progress figures and its name (or `name` when not empty).
std::unique_ptr<ByteSource> PrependToSource(std::string head,
                                            std::unique_ptr<ByteSource> rest,
                                            std::string name = "");

// A source over a copy of `data` (tests, stdin slurped by callers).
std::unique_ptr<ByteSource> MakeStringSource(std::string data,
                                             std::string name = "<string>");

}  // namespace evtrade::formats

#endif  // EVTRADE_COMMON_FORMATS_BYTE_SOURCE_H_

#include "common/formats/byte_source.h"

#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace evtrade::formats {
namespace {

// zlib's buffer; larger than its 8 KiB default because the CSV tokenizer
// reads big chunks anyway.
constexpr unsigned kGzBufferBytes = 128 * 1024;

absl::Status ErrnoStatus(int err, const std::string& what) {
  const std::string message = absl::StrCat(what, ": ", std::strerror(err));
  switch (err) {
    case ENOENT:
      return absl::NotFoundError(message);
    case EACCES:
    case EPERM:
      return absl::PermissionDeniedError(message);
    default:
      return absl::UnavailableError(message);
  }
}

class GzFileSource final : public ByteSource {
 public:
  GzFileSource(std::string path, gzFile file, int64_t total_bytes)
      : path_(std::move(path)), file_(file), total_bytes_(total_bytes) {}
  ~GzFileSource() override { gzclose_r(file_); }

  GzFileSource(const GzFileSource&) = delete;
  GzFileSource& operator=(const GzFileSource&) = delete;

  absl::StatusOr<size_t> Read(char* buffer, size_t size) override {
    if (failed_) return absl::DataLossError(error_);
    // gzread takes an unsigned count; large requests are simply shortened.
    const unsigned want =
        static_cast<unsigned>(std::min<size_t>(size, INT_MAX / 2));
    const int got = gzread(file_, buffer, want);
    // gzread returns 0 both at a clean end and when a gzip stream is cut
    // short; only gzerror tells them apart.
    if (got < 0 || (got == 0 && size > 0 && HasError())) {
      failed_ = true;
      return absl::DataLossError(error_);
    }
    return static_cast<size_t>(got);
  }

  int64_t BytesConsumed() const override {
    const z_off_t offset = gzoffset(file_);
    return offset < 0 ? 0 : static_cast<int64_t>(offset);
  }
  int64_t TotalBytes() const override { return total_bytes_; }
  const std::string& name() const override { return path_; }

 private:
  // Whether zlib reports an error; if so, error_ says which.
  bool HasError() {
    int errnum = Z_OK;
    const char* message = gzerror(file_, &errnum);
    if (errnum == Z_OK || errnum == Z_STREAM_END) return false;
    // zlib's messages mostly start with the path given to gzopen already.
    std::string text =
        errnum == Z_ERRNO ? std::strerror(errno) : std::string(message);
    error_ = absl::StartsWith(text, path_ + ": ")
                 ? std::move(text)
                 : absl::StrCat(path_, ": ", text);
    return true;
  }

  const std::string path_;
  gzFile file_;
  const int64_t total_bytes_;
  bool failed_ = false;
  std::string error_;
};

class StringSource final : public ByteSource {
 public:
  StringSource(std::string data, std::string name)
      : data_(std::move(data)), name_(std::move(name)) {}

  absl::StatusOr<size_t> Read(char* buffer, size_t size) override {
    const size_t n = std::min(size, data_.size() - pos_);
    std::memcpy(buffer, data_.data() + pos_, n);
    pos_ += n;
    return n;
  }
  int64_t BytesConsumed() const override { return pos_; }
  int64_t TotalBytes() const override { return data_.size(); }
  const std::string& name() const override { return name_; }

 private:
  const std::string data_;
  const std::string name_;
  size_t pos_ = 0;
};

class PrefixedSource final : public ByteSource {
 public:
  PrefixedSource(std::string head, std::unique_ptr<ByteSource> rest,
                 std::string name)
      : head_(std::move(head)),
        rest_(std::move(rest)),
        name_(name.empty() ? rest_->name() : std::move(name)) {}

  absl::StatusOr<size_t> Read(char* buffer, size_t size) override {
    if (pos_ < head_.size()) {
      const size_t n = std::min(size, head_.size() - pos_);
      std::memcpy(buffer, head_.data() + pos_, n);
      pos_ += n;
      return n;
    }
    return rest_->Read(buffer, size);
  }
  int64_t BytesConsumed() const override { return rest_->BytesConsumed(); }
  int64_t TotalBytes() const override { return rest_->TotalBytes(); }
  const std::string& name() const override { return name_; }

 private:
  const std::string head_;
  const std::unique_ptr<ByteSource> rest_;
  const std::string name_;
  size_t pos_ = 0;
};

}  // namespace

absl::StatusOr<std::unique_ptr<ByteSource>> OpenStdinSource() {
  // gzdopen takes ownership of the descriptor: give it a copy.
  const int fd = dup(STDIN_FILENO);
  if (fd < 0) return ErrnoStatus(errno, "<stdin>");
  gzFile file = gzdopen(fd, "rb");
  if (file == nullptr) {
    close(fd);
    return ErrnoStatus(ENOMEM, "<stdin>");
  }
  gzbuffer(file, kGzBufferBytes);
  return std::make_unique<GzFileSource>("<stdin>", file, -1);
}

absl::StatusOr<std::string> ReadHead(ByteSource& source, size_t size) {
  std::string head(size, '\0');
  size_t got = 0;
  while (got < size) {
    absl::StatusOr<size_t> n = source.Read(head.data() + got, size - got);
    if (!n.ok()) return n.status();
    if (*n == 0) break;
    got += *n;
  }
  head.resize(got);
  return head;
}

std::unique_ptr<ByteSource> PrependToSource(std::string head,
                                            std::unique_ptr<ByteSource> rest,
                                            std::string name) {
  return std::make_unique<PrefixedSource>(std::move(head), std::move(rest),
                                          std::move(name));
}

absl::StatusOr<std::unique_ptr<ByteSource>> OpenFileSource(
    const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": is a directory, not a file"));
  }
  errno = 0;
  gzFile file = gzopen(path.c_str(), "rb");
  if (file == nullptr) {
    // gzopen leaves errno set for open(2) failures, 0 for out of memory.
    return ErrnoStatus(errno != 0 ? errno : ENOMEM, path);
  }
  gzbuffer(file, kGzBufferBytes);
  const std::uintmax_t size = std::filesystem::file_size(path, ec);
  const int64_t total = ec ? -1 : static_cast<int64_t>(size);
  return std::make_unique<GzFileSource>(path, file, total);
}

std::unique_ptr<ByteSource> MakeStringSource(std::string data,
                                             std::string name) {
  return std::make_unique<StringSource>(std::move(data), std::move(name));
}

}  // namespace evtrade::formats

#include "common/formats/csv_reader.h"

#include <algorithm>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/util/status_macros.h"

namespace evtrade::formats {
namespace {

// Read granularity; also the most of the first line delimiter detection
// looks at.
constexpr size_t kBufferBytes = 256 * 1024;

// What a reused field may keep of a longer past value: enough for any
// ordinary field, little enough that the row's fields never hold more than
// max_fields * 4 KiB of old capacity beside the current row.
constexpr size_t kKeptFieldCapacity = 4096;

// The field `index` of `row`, emptied, growing the row as needed. Reuses
// the strings of the previous row so that steady-state reading allocates
// nothing; a string grown past kKeptFieldCapacity by a long field is freed.
std::string& FieldAt(CsvRow& row, size_t index) {
  if (index >= row.fields.size()) row.fields.resize(index + 1);
  std::string& field = row.fields[index];
  if (field.capacity() > kKeptFieldCapacity) {
    std::string().swap(field);
  } else {
    field.clear();
  }
  return field;
}

}  // namespace

CsvReader::CsvReader(std::unique_ptr<ByteSource> source,
                     const CsvOptions& options)
    : source_(std::move(source)),
      max_row_bytes_(options.max_row_bytes),
      max_fields_(options.max_fields),
      buffer_(kBufferBytes) {}

absl::StatusOr<std::unique_ptr<CsvReader>> CsvReader::Open(
    std::unique_ptr<ByteSource> source, CsvOptions options) {
  if (options.delimiter != 0 && options.delimiter != ',' &&
      options.delimiter != '\t') {
    return absl::InvalidArgumentError(
        "delimiter must be ',' or a tab (or detected)");
  }
  if (options.max_row_bytes == 0 || options.max_fields == 0) {
    return absl::InvalidArgumentError(
        "max_row_bytes and max_fields must be positive");
  }
  std::unique_ptr<CsvReader> reader(new CsvReader(std::move(source), options));
  RETURN_IF_ERROR(reader->Start(options));
  ASSIGN_OR_RETURN(bool has_header, reader->ReadRow(reader->header_));
  if (!has_header) {
    return absl::InvalidArgumentError(
        absl::StrCat(reader->source_->name(), ": empty file, no header"));
  }
  return reader;
}

int CsvReader::Refill() {
  if (eof_) return kEnd;
  if (!read_error_.ok()) return kError;
  // Unget() only ever steps back over the byte just returned, which after a
  // refill is the buffer's first: nothing older needs keeping.
  absl::StatusOr<size_t> got = source_->Read(buffer_.data(), buffer_.size());
  if (!got.ok()) {
    read_error_ = got.status();
    return kError;
  }
  if (*got == 0) {
    eof_ = true;
    return kEnd;
  }
  pos_ = 0;
  end_ = *got;
  return static_cast<unsigned char>(buffer_[pos_++]);
}

absl::Status CsvReader::Start(CsvOptions options) {
  // Fill the buffer (a source may return short reads) so that the BOM and
  // as much of the first line as fits are in view.
  while (end_ < buffer_.size() && !eof_) {
    absl::StatusOr<size_t> got =
        source_->Read(buffer_.data() + end_, buffer_.size() - end_);
    if (!got.ok()) return got.status();
    if (*got == 0) eof_ = true;
    end_ += *got;
    if (end_ >= 4096) break;  // enough for any header
  }
  if (end_ >= 3 && buffer_[0] == '\xEF' && buffer_[1] == '\xBB' &&
      buffer_[2] == '\xBF') {
    pos_ = 3;
  }
  if (options.delimiter != 0) {
    delimiter_ = options.delimiter;
    return absl::OkStatus();
  }
  int commas = 0;
  int tabs = 0;
  bool quoted = false;
  for (size_t i = pos_; i < end_; ++i) {
    const char c = buffer_[i];
    if (c == '"') {
      quoted = !quoted;
    } else if (!quoted) {
      if (c == '\n' || c == '\r') break;
      commas += c == ',';
      tabs += c == '\t';
    }
  }
  delimiter_ = tabs > commas ? '\t' : ',';
  return absl::OkStatus();
}

absl::StatusOr<bool> CsvReader::ReadRow(CsvRow& row) {
  // Blank lines between rows are skipped.
  int c = Get();
  while (c == '\n' || c == '\r') {
    if (c == '\r') {
      c = Get();
      if (c != '\n' && c >= 0) Unget();
    }
    ++line_;
    c = Get();
  }
  if (c == kError) return read_error_;
  if (c == kEnd) return false;
  Unget();

  row.line = line_;
  size_t count = 0;
  // Field bytes plus one per field; never more than max_row_bytes_ + 1 of
  // them are kept.
  size_t row_bytes = 0;
  while (true) {
    if (count == max_fields_) {
      return absl::InvalidArgumentError(absl::StrCat(
          "line ", row.line, ": row of more than ", max_fields_, " fields"));
    }
    std::string& field = FieldAt(row, count++);
    if (++row_bytes > max_row_bytes_) return RowTooLong(row);
    c = Get();
    if (c == '"') {
      const int64_t opened = line_;
      while (true) {
        c = Get();
        if (c == kError) return read_error_;
        if (c == kEnd) {
          return absl::InvalidArgumentError(
              absl::StrCat("line ", opened, ": unterminated quoted field ",
                           "(no closing quote before the end of the file)"));
        }
        if (c == '"') {
          c = Get();
          if (c == '"') {
            if (++row_bytes > max_row_bytes_) return RowTooLong(row);
            field.push_back('"');
            continue;
          }
          if (c >= 0) Unget();
          if (c == kError) return read_error_;
          break;
        }
        if (c == '\n') ++line_;
        if (++row_bytes > max_row_bytes_) return RowTooLong(row);
        field.push_back(static_cast<char>(c));
      }
    } else if (c >= 0) {
      Unget();
    }
    // Unquoted text (or what follows a closing quote) up to the delimiter
    // or the end of the line.
    while (true) {
      // Fast path: copy the run of ordinary bytes in the buffer at once
      // (locals, so the compiler need not reload members per byte).
      // The run stops one byte past the row's room, so that an endless line
      // is refused before it is kept.
      const char* const data = buffer_.data();
      const char delimiter = delimiter_;
      const size_t end =
          std::min(end_, pos_ + (max_row_bytes_ - row_bytes) + 1);
      size_t run = pos_;
      while (run < end && data[run] != delimiter && data[run] != '\n' &&
             data[run] != '\r') {
        ++run;
      }
      row_bytes += run - pos_;
      if (row_bytes > max_row_bytes_) return RowTooLong(row);
      field.append(data + pos_, run - pos_);
      pos_ = run;
      c = Get();
      if (c == kError) return read_error_;
      if (c == kEnd) {
        row.fields.resize(count);
        return true;
      }
      if (c == delimiter_) break;
      if (c == '\n' || c == '\r') {
        if (c == '\r') {
          c = Get();
          if (c != '\n' && c >= 0) Unget();
        }
        ++line_;
        row.fields.resize(count);
        return true;
      }
      if (++row_bytes > max_row_bytes_) return RowTooLong(row);
      field.push_back(static_cast<char>(c));
    }
  }
}

absl::Status CsvReader::RowTooLong(const CsvRow& row) const {
  return absl::InvalidArgumentError(absl::StrCat(
      "line ", row.line, ": row longer than ", max_row_bytes_, " bytes"));
}

absl::StatusOr<const CsvRow*> CsvReader::Next() {
  if (!final_error_.ok()) return final_error_;
  absl::StatusOr<bool> more = ReadRow(row_);
  if (!more.ok()) {
    final_error_ = more.status();
    return final_error_;
  }
  if (!*more) return nullptr;
  ++rows_read_;
  return &row_;
}

std::optional<std::string> CsvReader::WidthError(const CsvRow& row) const {
  const size_t width = header_.fields.size();
  if (row.fields.size() == width) return std::nullopt;
  // A trailing delimiter on the data rows, or on the header only, adds one
  // empty field: real exports have both.
  if (row.fields.size() == width + 1 && row.fields.back().empty()) {
    return std::nullopt;
  }
  if (row.fields.size() + 1 == width && header_.fields.back().empty()) {
    return std::nullopt;
  }
  return absl::StrCat("expected ", header_.fields.size(), " fields, got ",
                      row.fields.size());
}

}  // namespace evtrade::formats

// A streaming reader of UN Comtrade v1 API JSON responses:
//   {"elapsedTime": "0.3 secs", "count": 2, "data": [{...}, {...}],
//    "error": ""}
// (or a bare array of such records), one record of "data" at a time.
#ifndef EVTRADE_COMMON_FORMATS_COMTRADE_JSON_H_
#define EVTRADE_COMMON_FORMATS_COMTRADE_JSON_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "common/formats/byte_source.h"

namespace evtrade::formats {

// One member value of a record, as the JSON typed it.
struct JsonScalar {
  enum class Type { kNull, kBool, kNumber, kString, kComplex };
  Type type = Type::kNull;
  // kNumber: the number exactly as written ("1234.5", "1.2E+9"), never
  // converted to binary floating point; kString: the decoded string; kBool:
  // "true" / "false"; kNull and kComplex (an object or array): empty.
  std::string text;
};

// One element of the "data" array. Only flat objects are records: a nested
// object or array is kept as a kComplex member.
struct JsonRecord {
  int64_t index = 0;  // position in "data", from 0
  int64_t line = 0;   // physical line the element starts on
  // In document order; a repeated key keeps its first value.
  std::vector<std::pair<std::string, JsonScalar>> members;
};

// Reads the document with a pull tokenizer of its own for the outer
// structure and nlohmann::json (SAX) for each element, so memory is bounded
// by one element (at most kMaxElementBytes) whatever the response's size,
// and numbers keep every digit. The whole document is checked: bad syntax
// anywhere, text after it, an element that is not an object, a missing
// "data" array or an "error" that is set end reading with a status naming
// the source and the line. Not thread-safe.
class ComtradeJsonReader {
 public:
  static constexpr size_t kMaxElementBytes = 1 << 20;

  // Checks that the document starts like a response ('{' or '[' after an
  // optional byte order mark and white space).
  static absl::StatusOr<std::unique_ptr<ComtradeJsonReader>> Open(
      std::unique_ptr<ByteSource> source);
  ~ComtradeJsonReader();

  // The next record, valid until the next call; nullptr after the last one,
  // once the rest of the document has been read and checked.
  absl::StatusOr<const JsonRecord*> Next();

  // The response's "count" (-1 until read, or when absent).
  int64_t count() const { return count_; }
  int64_t records_read() const { return records_read_; }
  const ByteSource& source() const { return *source_; }

 private:
  explicit ComtradeJsonReader(std::unique_ptr<ByteSource> source);

  enum class State {
    kMembers,       // before a member of the top-level object, or its '}'
    kAfterMember,   // after a member: ',' or '}'
    kData,          // before an element of "data", or its ']'
    kAfterElement,  // after an element: ',' or ']'
    kEnd,           // the top level is closed: only white space may follow
    kDone,
  };

  static constexpr int kEndOfInput = -1;
  static constexpr int kError = -2;

  int Get();
  void Unget() { --pos_; }
  // The next byte that is not JSON white space.
  int SkipSpace();
  // The raw text of the value starting with `first` into `out`.
  absl::Status Capture(int first, std::string& out);
  absl::Status Error(std::string_view what) const;
  absl::Status ReadMember();
  absl::Status ParseElement(const std::string& raw, int64_t line);

  std::unique_ptr<ByteSource> source_;
  std::vector<char> buffer_;
  size_t pos_ = 0;
  size_t end_ = 0;
  bool eof_ = false;
  absl::Status read_error_;
  int64_t line_ = 1;

  State state_ = State::kMembers;
  bool top_is_array_ = false;
  bool first_in_container_ = true;
  bool saw_data_ = false;
  int64_t count_ = -1;
  std::string api_error_;
  int64_t records_read_ = 0;
  std::string raw_;
  JsonRecord record_;
};

// Reads a whole response held in memory and returns how many records it
// has: the pure entry point over bytes for fuzzing and quick checks.
absl::StatusOr<int64_t> CountComtradeJsonRecords(std::string_view bytes);

}  // namespace evtrade::formats

#endif  // EVTRADE_COMMON_FORMATS_COMTRADE_JSON_H_

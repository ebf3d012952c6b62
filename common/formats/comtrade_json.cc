#include "common/formats/comtrade_json.h"

#include <cstdint>
#include <exception>
#include <string>
#include <string_view>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/util/status_macros.h"
#include "common/util/strings.h"
#include "nlohmann/json.hpp"

namespace evtrade::formats {
namespace {

using nlohmann::json;

constexpr size_t kReadChunk = 64 * 1024;
// A Comtrade record has 47 members; a bound keeps the first-key-wins scan
// below from turning quadratic on a megabyte of tiny members.
constexpr size_t kMaxMembers = 1024;

bool IsJsonSpace(int c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// nlohmann's messages start with "[json.exception.parse_error.101] " and,
// for syntax errors, "parse error at line 1, column 18: " -- a position in
// the element, where ours is in the file: both go.
std::string WithoutExceptionId(std::string_view message) {
  if (!message.empty() && message.front() == '[') {
    const size_t end = message.find("] ");
    if (end != std::string_view::npos) message.remove_prefix(end + 2);
  }
  constexpr std::string_view kAt = "parse error at ";
  if (message.substr(0, kAt.size()) == kAt) {
    const size_t end = message.find(": ");
    if (end != std::string_view::npos) message.remove_prefix(end + 2);
  }
  return std::string(message);
}

// Collects a flat JSON object's members; anything nested is kComplex.
class FlatObjectSax {
 public:
  explicit FlatObjectSax(JsonRecord& record) : record_(record) {}

  bool null() { return Scalar(JsonScalar::Type::kNull, ""); }
  bool boolean(bool value) {
    return Scalar(JsonScalar::Type::kBool, value ? "true" : "false");
  }
  bool number_integer(json::number_integer_t value) {
    return Scalar(JsonScalar::Type::kNumber, std::to_string(value));
  }
  bool number_unsigned(json::number_unsigned_t value) {
    return Scalar(JsonScalar::Type::kNumber, std::to_string(value));
  }
  // The lexeme, not the double: "0.5" stays "0.5", 2^60 keeps its digits.
  bool number_float(json::number_float_t, const json::string_t& text) {
    return Scalar(JsonScalar::Type::kNumber, text);
  }
  bool string(json::string_t& value) {
    return Scalar(JsonScalar::Type::kString, std::move(value));
  }
  bool binary(json::binary_t&) {
    return Scalar(JsonScalar::Type::kComplex, "");
  }
  bool start_object(std::size_t) { return Open(); }
  bool end_object() {
    --depth_;
    return true;
  }
  bool start_array(std::size_t) {
    if (depth_ == 0) {
      not_object_ = true;
      return false;
    }
    return Open();
  }
  bool end_array() {
    --depth_;
    return true;
  }
  bool key(json::string_t& name) {
    if (depth_ == 1) key_ = std::move(name);
    return true;
  }
  bool parse_error(std::size_t, const std::string&,
                   const nlohmann::detail::exception& error) {
    error_ = WithoutExceptionId(error.what());
    return false;
  }

  bool not_object() const { return not_object_; }
  const std::string& error() const { return error_; }

 private:
  bool Open() {
    if (depth_ == 1 && !Add(JsonScalar::Type::kComplex, "")) return false;
    ++depth_;
    return true;
  }
  bool Scalar(JsonScalar::Type type, std::string text) {
    if (depth_ == 0) {
      not_object_ = true;
      return false;
    }
    return depth_ != 1 || Add(type, std::move(text));
  }
  bool Add(JsonScalar::Type type, std::string text) {
    for (const auto& member : record_.members) {
      if (member.first == key_) return true;  // the first value of a key wins
    }
    if (record_.members.size() == kMaxMembers) {
      error_ = absl::StrCat("more than ", kMaxMembers,
                            " members: not a Comtrade record");
      return false;
    }
    record_.members.emplace_back(key_, JsonScalar{type, std::move(text)});
    return true;
  }

  JsonRecord& record_;
  int depth_ = 0;
  std::string key_;
  bool not_object_ = false;
  std::string error_;
};

}  // namespace

ComtradeJsonReader::ComtradeJsonReader(std::unique_ptr<ByteSource> source)
    : source_(std::move(source)), buffer_(kReadChunk) {}

ComtradeJsonReader::~ComtradeJsonReader() = default;

absl::StatusOr<std::unique_ptr<ComtradeJsonReader>> ComtradeJsonReader::Open(
    std::unique_ptr<ByteSource> source) {
  std::unique_ptr<ComtradeJsonReader> reader(
      new ComtradeJsonReader(std::move(source)));
  int c = reader->Get();
  if (c == 0xEF) {
    // A UTF-8 byte order mark.
    if (reader->Get() != 0xBB || reader->Get() != 0xBF) {
      return reader->Error("not JSON: a broken byte order mark");
    }
    c = reader->Get();
  }
  while (IsJsonSpace(c)) c = reader->Get();
  if (c == kError) return reader->read_error_;
  if (c == '{') {
    reader->state_ = State::kMembers;
  } else if (c == '[') {
    reader->top_is_array_ = true;
    reader->saw_data_ = true;
    reader->state_ = State::kData;
  } else {
    return reader->Error(
        "not a Comtrade API JSON response (expected '{' or '[')");
  }
  return reader;
}

int ComtradeJsonReader::Get() {
  if (pos_ == end_) {
    if (eof_) return kEndOfInput;
    absl::StatusOr<size_t> got = source_->Read(buffer_.data(), buffer_.size());
    if (!got.ok()) {
      read_error_ = got.status();
      eof_ = true;
      end_ = pos_ = 0;
      return kError;
    }
    pos_ = 0;
    end_ = *got;
    if (end_ == 0) {
      eof_ = true;
      return kEndOfInput;
    }
  }
  const int c = static_cast<unsigned char>(buffer_[pos_++]);
  if (c == '\n') ++line_;
  return c;
}

int ComtradeJsonReader::SkipSpace() {
  int c = Get();
  while (IsJsonSpace(c)) c = Get();
  return c;
}

absl::Status ComtradeJsonReader::Error(std::string_view what) const {
  return absl::InvalidArgumentError(
      absl::StrCat(source_->name(), ": line ", line_, ": ", ToAbsl(what)));
}

absl::Status ComtradeJsonReader::Capture(int c, std::string& out) {
  out.clear();
  int depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (;; c = Get()) {
    if (c == kError) return read_error_;
    if (c == kEndOfInput) {
      if (depth == 0 && !in_string && !out.empty()) return absl::OkStatus();
      return Error("unexpected end of the document");
    }
    if (out.size() >= kMaxElementBytes) {
      return Error(absl::StrCat("a value longer than ", kMaxElementBytes,
                                " bytes: not a Comtrade record"));
    }
    if (in_string) {
      out.push_back(static_cast<char>(c));
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
        if (depth == 0) return absl::OkStatus();
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      if (depth == 0) {
        Unget();  // closes the container around a scalar
        return absl::OkStatus();
      }
      if (--depth == 0) {
        out.push_back(static_cast<char>(c));
        return absl::OkStatus();
      }
    } else if (depth == 0 && (c == ',' || IsJsonSpace(c))) {
      if (c == '\n') --line_;
      Unget();
      return absl::OkStatus();
    }
    out.push_back(static_cast<char>(c));
  }
}

absl::Status ComtradeJsonReader::ReadMember() {
  RETURN_IF_ERROR(Capture('"', raw_));
  const json name = json::parse(raw_, nullptr, /*allow_exceptions=*/false);
  if (!name.is_string()) return Error("a malformed member name");
  const std::string key = name.get<std::string>();
  if (SkipSpace() != ':') {
    return Error(absl::StrCat("expected ':' after \"", key, "\""));
  }
  const int c = SkipSpace();
  if (key == "data") {
    saw_data_ = true;
    if (c == '[') {
      state_ = State::kData;
      first_in_container_ = true;
      return absl::OkStatus();
    }
  }
  RETURN_IF_ERROR(Capture(c, raw_));
  const json value = json::parse(raw_, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) {
    return Error(absl::StrCat("malformed JSON in the value of \"", key, "\""));
  }
  if (key == "data" && !value.is_null()) {
    return Error("\"data\" is not an array of records");
  }
  if (key == "count" && value.is_number_integer()) {
    count_ = value.get<int64_t>();
  }
  if (key == "error" && value.is_string() &&
      !value.get<std::string>().empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        source_->name(),
        ": the response reports an error: ", value.get<std::string>()));
  }
  state_ = State::kAfterMember;
  return absl::OkStatus();
}

absl::Status ComtradeJsonReader::ParseElement(const std::string& raw,
                                              int64_t line) {
  record_.members.clear();
  record_.index = records_read_;
  record_.line = line;
  FlatObjectSax sax(record_);
  bool ok = false;
  try {
    ok = json::sax_parse(raw, &sax);
  } catch (const std::exception& e) {
    return absl::InvalidArgumentError(
        absl::StrCat(source_->name(), ": line ", line, ": data[", record_.index,
                     "]: ", WithoutExceptionId(e.what())));
  }
  if (ok) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat(source_->name(), ": line ", line, ": data[", record_.index,
                   "]: ", sax.not_object() ? "not an object" : sax.error()));
}

absl::StatusOr<const JsonRecord*> ComtradeJsonReader::Next() {
  for (;;) {
    switch (state_) {
      case State::kMembers: {
        const int c = SkipSpace();
        if (c == kError) return read_error_;
        if (c == '}' && first_in_container_) {
          state_ = State::kEnd;
        } else if (c == '"') {
          RETURN_IF_ERROR(ReadMember());
        } else {
          return Error("expected a member name");
        }
        break;
      }
      case State::kAfterMember: {
        const int c = SkipSpace();
        if (c == kError) return read_error_;
        if (c == ',') {
          state_ = State::kMembers;
          first_in_container_ = false;
        } else if (c == '}') {
          state_ = State::kEnd;
        } else {
          return Error("expected ',' or '}' after a member");
        }
        break;
      }
      case State::kData: {
        const int c = SkipSpace();
        if (c == kError) return read_error_;
        if (c == ']' && first_in_container_) {
          state_ = top_is_array_ ? State::kEnd : State::kAfterMember;
          break;
        }
        const int64_t line = line_;
        RETURN_IF_ERROR(Capture(c, raw_));
        RETURN_IF_ERROR(ParseElement(raw_, line));
        ++records_read_;
        state_ = State::kAfterElement;
        return &record_;
      }
      case State::kAfterElement: {
        const int c = SkipSpace();
        if (c == kError) return read_error_;
        if (c == ',') {
          state_ = State::kData;
          first_in_container_ = false;
        } else if (c == ']') {
          state_ = top_is_array_ ? State::kEnd : State::kAfterMember;
        } else {
          return Error(absl::StrCat("expected ',' or ']' after data[",
                                    records_read_ - 1, "]"));
        }
        break;
      }
      case State::kEnd: {
        const int c = SkipSpace();
        if (c == kError) return read_error_;
        if (c != kEndOfInput) return Error("text after the end of the JSON");
        if (!saw_data_) {
          return Error("no \"data\" array: not a Comtrade API response");
        }
        state_ = State::kDone;
        return nullptr;
      }
      case State::kDone:
        return nullptr;
    }
  }
}

absl::StatusOr<int64_t> CountComtradeJsonRecords(std::string_view bytes) {
  ASSIGN_OR_RETURN(std::unique_ptr<ComtradeJsonReader> reader,
                   ComtradeJsonReader::Open(
                       MakeStringSource(std::string(bytes), "<bytes>")));
  for (;;) {
    ASSIGN_OR_RETURN(const JsonRecord* record, reader->Next());
    if (record == nullptr) return reader->records_read();
  }
}

}  // namespace evtrade::formats

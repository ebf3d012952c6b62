#include "common/formats/csv_reader.h"

#include <algorithm>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/formats/byte_source.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace evtrade::formats {
namespace {

using ::testing::ElementsAre;

std::unique_ptr<CsvReader> OpenString(const std::string& data,
                                      CsvOptions options = {}) {
  auto reader = CsvReader::Open(MakeStringSource(data), options);
  EXPECT_TRUE(reader.ok()) << reader.status();
  return reader.ok() ? *std::move(reader) : nullptr;
}

// Every data row as (line, fields); stops at the end or the first error.
struct Rows {
  std::vector<int64_t> lines;
  std::vector<std::vector<std::string>> fields;
  absl::Status status;
};
Rows ReadAll(CsvReader& reader) {
  Rows rows;
  while (true) {
    absl::StatusOr<const CsvRow*> row = reader.Next();
    if (!row.ok()) {
      rows.status = row.status();
      return rows;
    }
    if (*row == nullptr) return rows;
    rows.lines.push_back((*row)->line);
    rows.fields.push_back((*row)->fields);
  }
}

TEST(CsvReaderTest, PlainCommaSeparated) {
  auto reader = OpenString("a,b,c\n1,2,3\n4,,6\n");
  ASSERT_NE(reader, nullptr);
  EXPECT_EQ(reader->delimiter(), ',');
  EXPECT_THAT(reader->header().fields, ElementsAre("a", "b", "c"));
  EXPECT_EQ(reader->header().line, 1);
  Rows rows = ReadAll(*reader);
  ASSERT_TRUE(rows.status.ok()) << rows.status;
  EXPECT_THAT(rows.lines, ElementsAre(2, 3));
  EXPECT_THAT(rows.fields[0], ElementsAre("1", "2", "3"));
  EXPECT_THAT(rows.fields[1], ElementsAre("4", "", "6"));
  EXPECT_EQ(reader->rows_read(), 2);
}

TEST(CsvReaderTest, Rfc4180Quoting) {
  auto reader = OpenString(
      "name,desc,n\n"
      "\"Other Asia, nes\",\"say \"\"hi\"\"\",1\n"
      "\"two\nlines\",\"\",2\n"
      "x,\"three\r\nline\nfield\",3\n"
      "last,row,4\n");
  ASSERT_NE(reader, nullptr);
  Rows rows = ReadAll(*reader);
  ASSERT_TRUE(rows.status.ok()) << rows.status;
  // Physical start lines: a quoted line break moves the next row down.
  EXPECT_THAT(rows.lines, ElementsAre(2, 3, 5, 8));
  EXPECT_THAT(rows.fields[0],
              ElementsAre("Other Asia, nes", "say \"hi\"", "1"));
  EXPECT_THAT(rows.fields[1], ElementsAre("two\nlines", "", "2"));
  EXPECT_THAT(rows.fields[2], ElementsAre("x", "three\r\nline\nfield", "3"));
  EXPECT_THAT(rows.fields[3], ElementsAre("last", "row", "4"));
}

TEST(CsvReaderTest, LenientAboutStrayQuotes) {
  auto reader = OpenString("a,b\nab\"c,\"q\"tail\n");
  ASSERT_NE(reader, nullptr);
  Rows rows = ReadAll(*reader);
  ASSERT_TRUE(rows.status.ok()) << rows.status;
  EXPECT_THAT(rows.fields[0], ElementsAre("ab\"c", "qtail"));
}

TEST(CsvReaderTest, BomCrlfBlankLinesAndNoFinalNewline) {
  auto reader =
      OpenString("\xEF\xBB\xBFyear,value\r\n2021,1\r\n\r\n\r\n2022,2");
  ASSERT_NE(reader, nullptr);
  EXPECT_THAT(reader->header().fields, ElementsAre("year", "value"));
  Rows rows = ReadAll(*reader);
  ASSERT_TRUE(rows.status.ok()) << rows.status;
  EXPECT_THAT(rows.lines, ElementsAre(2, 5));
  EXPECT_THAT(rows.fields[0], ElementsAre("2021", "1"));
  EXPECT_THAT(rows.fields[1], ElementsAre("2022", "2"));
}

TEST(CsvReaderTest, DetectsTabs) {
  auto reader = OpenString("refYear\tcmdDesc\n2022\tcars, petrol\n");
  ASSERT_NE(reader, nullptr);
  EXPECT_EQ(reader->delimiter(), '\t');
  Rows rows = ReadAll(*reader);
  ASSERT_TRUE(rows.status.ok()) << rows.status;
  EXPECT_THAT(rows.fields[0], ElementsAre("2022", "cars, petrol"));
}

TEST(CsvReaderTest, QuotedCommasDoNotCountForDetection) {
  // One tab, two commas inside quotes: still tab-separated.
  auto reader = OpenString("\"a,b,c\"\td\n1\t2\n");
  ASSERT_NE(reader, nullptr);
  EXPECT_EQ(reader->delimiter(), '\t');
  EXPECT_THAT(reader->header().fields, ElementsAre("a,b,c", "d"));
}

TEST(CsvReaderTest, ForcedDelimiter) {
  auto reader = OpenString("a\tb,c\n1\t2,3\n", CsvOptions{','});
  ASSERT_NE(reader, nullptr);
  EXPECT_THAT(reader->header().fields, ElementsAre("a\tb", "c"));
  EXPECT_FALSE(
      CsvReader::Open(MakeStringSource("a;b\n"), CsvOptions{';'}).ok());
}

TEST(CsvReaderTest, WrongColumnCountIsReportedPerRow) {
  auto reader = OpenString("a,b,c\n1,2,3\n1,2\n1,2,3,4\n7,8,9\n");
  ASSERT_NE(reader, nullptr);
  std::vector<std::string> errors;
  int good = 0;
  while (true) {
    absl::StatusOr<const CsvRow*> row = reader->Next();
    ASSERT_TRUE(row.ok()) << row.status();
    if (*row == nullptr) break;
    std::optional<std::string> width = reader->WidthError(**row);
    if (width.has_value()) {
      errors.push_back(std::to_string((*row)->line) + ": " + *width);
    } else {
      ++good;
    }
  }
  EXPECT_EQ(good, 2);
  EXPECT_THAT(errors, ElementsAre("3: expected 3 fields, got 2",
                                  "4: expected 3 fields, got 4"));
}

TEST(CsvReaderTest, UnterminatedQuoteNamesTheOpeningLine) {
  auto reader = OpenString("a,b\n1,2\n3,\"open\nstill open\nand more\n");
  ASSERT_NE(reader, nullptr);
  Rows rows = ReadAll(*reader);
  EXPECT_THAT(rows.lines, ElementsAre(2));
  EXPECT_EQ(rows.status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(rows.status.message(),
            "line 3: unterminated quoted field (no closing quote before the "
            "end of the file)");
  // The error is final.
  EXPECT_EQ(reader->Next().status(), rows.status);
}

TEST(CsvReaderTest, EmptyInputHasNoHeader) {
  auto reader = CsvReader::Open(MakeStringSource("", "empty.csv"));
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.status().message(), "empty.csv: empty file, no header");
  EXPECT_FALSE(CsvReader::Open(MakeStringSource("\n\r\n")).ok());
}

TEST(CsvReaderTest, RowsSpanningReadBuffersStayIntact) {
  // Far more than the reader's 256 KiB buffer, with quoted fields, doubled
  // quotes and CRLFs landing on every buffer boundary some time.
  std::string data = "id,text,n\r\n";
  const int kRows = 40000;
  for (int i = 0; i < kRows; ++i) {
    data += std::to_string(i) + ",\"q\"\"" + std::to_string(i % 97) +
            "\r\nx\"," + std::to_string(i * 3) + "\r\n";
  }
  auto reader = OpenString(data);
  ASSERT_NE(reader, nullptr);
  int i = 0;
  while (true) {
    absl::StatusOr<const CsvRow*> row = reader->Next();
    ASSERT_TRUE(row.ok()) << row.status();
    if (*row == nullptr) break;
    ASSERT_EQ((*row)->line, 2 + 2 * i);
    ASSERT_THAT(
        (*row)->fields,
        ElementsAre(std::to_string(i), "q\"" + std::to_string(i % 97) + "\r\nx",
                    std::to_string(i * 3)));
    ++i;
  }
  EXPECT_EQ(i, kRows);
  EXPECT_EQ(reader->source().BytesConsumed(),
            static_cast<int64_t>(data.size()));
}

// A source of `lines` fixed lines followed by one line of `size` bytes of
// 'a', generated as it is read (no copy of it is ever held), counting what
// the reader took.
class EndlessLineSource final : public ByteSource {
 public:
  EndlessLineSource(std::string head, int64_t size)
      : head_(std::move(head)), size_(size) {}
  absl::StatusOr<size_t> Read(char* buffer, size_t size) override {
    size_t n = 0;
    while (n < size && consumed_ < static_cast<int64_t>(head_.size())) {
      buffer[n++] = head_[consumed_++];
    }
    const int64_t left = static_cast<int64_t>(head_.size()) + size_ - consumed_;
    const size_t more = std::min<int64_t>(size - n, left);
    std::memset(buffer + n, 'a', more);
    consumed_ += more;
    return n + more;
  }
  int64_t BytesConsumed() const override { return consumed_; }
  int64_t TotalBytes() const override { return head_.size() + size_; }
  const std::string& name() const override { return name_; }

 private:
  const std::string head_;
  const int64_t size_;
  const std::string name_ = "<endless>";
  int64_t consumed_ = 0;
};

TEST(CsvReaderTest, ARowLongerThanTheLimitIsAFinalErrorOnItsLine) {
  // 64 MiB of 'a' on line 3: refused once 1 MiB + one field of it is seen,
  // having read no more than that and one read buffer.
  auto source = std::make_unique<EndlessLineSource>("a,b\n1,2\n", 64 << 20);
  const EndlessLineSource* endless = source.get();
  auto reader = CsvReader::Open(std::move(source));
  ASSERT_TRUE(reader.ok()) << reader.status();
  Rows rows = ReadAll(**reader);
  EXPECT_THAT(rows.lines, ElementsAre(2));
  EXPECT_EQ(rows.status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(rows.status.message(), "line 3: row longer than 1048576 bytes");
  EXPECT_LE(endless->BytesConsumed(), (1 << 20) + 2 * 256 * 1024);
  // Final: asking again gives the same error, reading nothing more.
  const int64_t consumed = endless->BytesConsumed();
  EXPECT_EQ((*reader)->Next().status(), rows.status);
  EXPECT_EQ(endless->BytesConsumed(), consumed);
}

TEST(CsvReaderTest, RowBytesCountFieldsAndDelimitersAtTheBoundary) {
  // max_row_bytes 8: "abc,defg" is 3 + 4 bytes + 2 fields = 9: too long;
  // "abc,def" is 8: fits. Quoted bytes count alike ("" as one).
  const CsvOptions options{.delimiter = ',', .max_row_bytes = 8};
  Rows fits = ReadAll(*OpenString("h\nabc,def\n\"a\"\"b\",cde\n", options));
  ASSERT_TRUE(fits.status.ok()) << fits.status;
  EXPECT_THAT(fits.fields[0], ElementsAre("abc", "def"));
  EXPECT_THAT(fits.fields[1], ElementsAre("a\"b", "cde"));
  Rows over = ReadAll(*OpenString("h\nabc,def\nabc,defg\n", options));
  EXPECT_THAT(over.lines, ElementsAre(2));
  EXPECT_EQ(over.status.message(), "line 3: row longer than 8 bytes");
  Rows quoted = ReadAll(*OpenString("h\n\"abc\ndefgh\"\n", options));
  EXPECT_EQ(quoted.status.message(), "line 2: row longer than 8 bytes");
}

TEST(CsvReaderTest, LongFieldsAreNotKeptForLaterRows) {
  // Each row has one 500 KB field, each in another column: what the reused
  // fields keep stays small, not 3 * 500 KB.
  const std::string big(500'000, 'x');
  auto reader =
      OpenString("a,b,c\n" + big + ",,\n," + big + ",\n,," + big + "\n1,2,3\n");
  ASSERT_NE(reader, nullptr);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(reader->Next().ok());
  absl::StatusOr<const CsvRow*> last = reader->Next();
  ASSERT_TRUE(last.ok() && *last != nullptr);
  EXPECT_THAT((*last)->fields, ElementsAre("1", "2", "3"));
  size_t kept = 0;
  for (const std::string& field : (*last)->fields) kept += field.capacity();
  EXPECT_LE(kept, 3u * 4096);
}

TEST(CsvReaderTest, FieldsPerRowAreCapped) {
  const CsvOptions options{.delimiter = ',', .max_fields = 3};
  Rows rows = ReadAll(*OpenString("a,b,c\n1,2,3\n1,2,3,4\n", options));
  EXPECT_THAT(rows.lines, ElementsAre(2));
  EXPECT_EQ(rows.status.message(), "line 3: row of more than 3 fields");
  // The default: 1024 fields, so a line of commas is refused.
  Rows commas =
      ReadAll(*OpenString("a\n" + std::string(5000, ',') + "\n", CsvOptions{}));
  EXPECT_EQ(commas.status.message(), "line 2: row of more than 1024 fields");
}

TEST(CsvReaderTest, AnEndlessHeaderIsRefusedByOpen) {
  auto reader =
      CsvReader::Open(std::make_unique<EndlessLineSource>("", 8 << 20));
  EXPECT_EQ(reader.status().message(), "line 1: row longer than 1048576 bytes");
  EXPECT_EQ(CsvReader::Open(MakeStringSource("a\n"), {.max_row_bytes = 0})
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace evtrade::formats

#include "common/formats/csv_reader.h"

#include <memory>
#include <optional>
#include <string>
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

}  // namespace
}  // namespace evtrade::formats

#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "common/formats/byte_source.h"
#include "gtest/gtest.h"
#include "tests/support/paths.h"

namespace evtrade::formats {
namespace {

void WriteGzip(const std::string& path, const std::string& data) {
  gzFile out = gzopen(path.c_str(), "wb");
  ASSERT_NE(out, nullptr);
  ASSERT_EQ(gzwrite(out, data.data(), data.size()),
            static_cast<int>(data.size()));
  ASSERT_EQ(gzclose(out), Z_OK);
}

void WritePlain(const std::string& path, const std::string& data) {
  std::ofstream(path, std::ios::binary) << data;
}

// Reads everything in small pieces, checking progress never goes back.
absl::StatusOr<std::string> ReadAll(ByteSource& source) {
  std::string out;
  char buffer[1000];
  int64_t last = 0;
  while (true) {
    absl::StatusOr<size_t> n = source.Read(buffer, sizeof buffer);
    if (!n.ok()) return n.status();
    if (*n == 0) return out;
    out.append(buffer, *n);
    EXPECT_GE(source.BytesConsumed(), last);
    last = source.BytesConsumed();
  }
}

std::string SampleText() {
  std::string text;
  for (int i = 0; i < 20000; ++i) {
    text += "CHN,W00,X,870380,2022-11," + std::to_string(i * 7919) + "\n";
  }
  return text;
}

TEST(GzSourceTest, DecompressesGzipAndReportsCompressedProgress) {
  const std::string dir = testing::MakeTempDir("gz_source");
  const std::string path = dir + "/rows.csv.gz";
  const std::string text = SampleText();
  WriteGzip(path, text);
  const int64_t size = std::filesystem::file_size(path);
  ASSERT_LT(size, static_cast<int64_t>(text.size()) / 3);

  auto source = OpenFileSource(path);
  ASSERT_TRUE(source.ok()) << source.status();
  EXPECT_EQ((*source)->TotalBytes(), size);
  EXPECT_EQ((*source)->name(), path);
  absl::StatusOr<std::string> read = ReadAll(**source);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(*read, text);
  EXPECT_EQ((*source)->BytesConsumed(), size);
  std::filesystem::remove_all(dir);
}

TEST(GzSourceTest, ReadsPlainFilesUnchanged) {
  const std::string dir = testing::MakeTempDir("gz_source");
  const std::string path = dir + "/rows.csv";
  const std::string text = SampleText();
  WritePlain(path, text);
  auto source = OpenFileSource(path);
  ASSERT_TRUE(source.ok()) << source.status();
  EXPECT_EQ((*source)->TotalBytes(), static_cast<int64_t>(text.size()));
  absl::StatusOr<std::string> read = ReadAll(**source);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(*read, text);
  EXPECT_EQ((*source)->BytesConsumed(), static_cast<int64_t>(text.size()));
  std::filesystem::remove_all(dir);
}

TEST(GzSourceTest, TruncatedGzipIsDataLoss) {
  const std::string dir = testing::MakeTempDir("gz_source");
  const std::string whole = dir + "/whole.gz";
  WriteGzip(whole, SampleText());
  std::string bytes;
  {
    std::ifstream in(whole, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  const std::string cut = dir + "/cut.gz";
  WritePlain(cut, bytes.substr(0, bytes.size() / 2));
  auto source = OpenFileSource(cut);
  ASSERT_TRUE(source.ok()) << source.status();
  absl::StatusOr<std::string> read = ReadAll(**source);
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(std::string(read.status().message()),
            cut + ": unexpected end of file");
  std::filesystem::remove_all(dir);
}

TEST(GzSourceTest, MissingFileAndDirectory) {
  const std::string dir = testing::MakeTempDir("gz_source");
  auto missing = OpenFileSource(dir + "/nope.csv");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(missing.status().message(),
            dir + "/nope.csv: No such file or directory");
  auto directory = OpenFileSource(dir);
  ASSERT_FALSE(directory.ok());
  EXPECT_EQ(directory.status().message(), dir + ": is a directory, not a file");
  std::filesystem::remove_all(dir);
}

TEST(GzSourceTest, StringSource) {
  auto source = MakeStringSource("abc", "inline");
  EXPECT_EQ(source->TotalBytes(), 3);
  EXPECT_EQ(source->name(), "inline");
  absl::StatusOr<std::string> read = ReadAll(*source);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(*read, "abc");
  EXPECT_EQ(source->BytesConsumed(), 3);
}

}  // namespace
}  // namespace evtrade::formats

// The bundled sample data set (data/sample/) read through the readers: every
// row is a valid record, and the README's key figures come out exactly.
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <variant>

#include "common/domain/record_validation.h"
#include "common/formats/record_reader.h"
#include "gtest/gtest.h"
#include "tests/support/paths.h"

namespace evtrade::formats {
namespace {

struct Totals {
  // (reporter, hs_code, period key) -> value of the World row / partner sum
  std::map<std::tuple<std::string, std::string, int>, int64_t> world_value;
  std::map<std::tuple<std::string, std::string, int>, int64_t> partner_value;
  std::map<std::tuple<std::string, std::string, int>, int64_t> world_qty;
  std::map<std::tuple<std::string, std::string, int>, int64_t> partner_qty;
  std::map<std::tuple<std::string, int>, int64_t> tesla_qty;  // reporter, key
  int rows = 0;
};

void ReadFile(const std::string& name, InputFormat expected, Totals& t) {
  const std::string path = testing::SourceDir() + "/data/sample/" + name;
  auto reader = RecordReader::Open(path);
  ASSERT_TRUE(reader.ok()) << reader.status();
  EXPECT_EQ((*reader)->format(), expected);
  while (true) {
    absl::StatusOr<std::optional<ReadRow>> row = (*reader)->Next();
    ASSERT_TRUE(row.ok()) << row.status();
    if (!row->has_value()) break;
    auto* rec = std::get_if<LineRecord>(&**row);
    ASSERT_NE(rec, nullptr)
        << name << " line " << std::get<RowError>(**row).line << ": "
        << std::get<RowError>(**row).reason;
    v1::TradeRecord record = rec->record;
    std::optional<FieldError> invalid = NormalizeAndValidate(record);
    ASSERT_FALSE(invalid.has_value())
        << name << " line " << rec->line << ": " << invalid->field << ": "
        << invalid->reason;
    ++t.rows;
    const int key = record.period().year() * 100 + record.period().month();
    if (!record.manufacturer().empty()) {
      t.tesla_qty[{record.manufacturer(), key}] += record.quantity();
      continue;
    }
    auto k = std::make_tuple(record.reporter(), record.hs_code(), key);
    if (record.partner() == "W00") {
      t.world_value[k] += record.value_usd();
      t.world_qty[k] += record.quantity();
    } else {
      t.partner_value[k] += record.value_usd();
      t.partner_qty[k] += record.quantity();
    }
  }
  EXPECT_EQ((*reader)->bytes_consumed(), (*reader)->total_bytes());
}

// The total of some codes in a month: World row where present, else the
// partner sum (docs/methodology.md).
int64_t Total(const Totals& t, const std::string& reporter,
              std::initializer_list<const char*> codes, int key,
              bool quantity = false) {
  int64_t sum = 0;
  for (const char* code : codes) {
    auto k = std::make_tuple(reporter, std::string(code), key);
    const auto& world = quantity ? t.world_qty : t.world_value;
    const auto& partners = quantity ? t.partner_qty : t.partner_value;
    if (auto it = world.find(k); it != world.end()) {
      sum += it->second;
    } else if (auto p = partners.find(k); p != partners.end()) {
      sum += p->second;
    }
  }
  return sum;
}

constexpr std::initializer_list<const char*> kElectric = {"870380", "870360",
                                                          "870370"};

TEST(SampleDataTest, EveryRowIsAValidRecordAndTheKeyFiguresHold) {
  Totals t;
  ReadFile("comtrade_chn_8703_2021_2022.csv", InputFormat::kComtrade, t);
  ReadFile("comtrade_jpn_deu_8703_2021_2022.csv", InputFormat::kComtrade, t);
  ReadFile("manufacturers.csv", InputFormat::kNative, t);
  EXPECT_EQ(t.rows, 3816 + 1176 + 24);

  // Figures from data/sample/README.md.
  EXPECT_EQ(Total(t, "CHN", kElectric, 202211), 3'216'400'000);
  EXPECT_EQ(Total(t, "CHN", kElectric, 202111), 1'213'735'849);
  EXPECT_EQ(Total(t, "CHN", kElectric, 202210), 2'980'000'000);
  EXPECT_EQ(Total(t, "CHN", {"870380"}, 202211), 2'733'940'000);
  EXPECT_EQ(Total(t, "CHN", kElectric, 202211, true), 118'511);
  EXPECT_EQ(t.tesla_qty[std::make_tuple("Tesla", 202211)], 37'000);

  const std::initializer_list<const char*> all = {
      "870310", "870321", "870322", "870323", "870324", "870331", "870332",
      "870333", "870340", "870350", "870360", "870370", "870380", "870390"};
  EXPECT_EQ(Total(t, "CHN", all, 202211), 6'020'000'000);
  int64_t chn_units = 0;
  int64_t jpn_value = 0;
  int64_t chn_value = 0;
  int64_t deu_value = 0;
  for (int m = 1; m <= 11; ++m) {
    chn_units += Total(t, "CHN", all, 202200 + m, true);
    jpn_value += Total(t, "JPN", all, 202200 + m);
    chn_value += Total(t, "CHN", all, 202200 + m);
    deu_value += Total(t, "DEU", all, 202200 + m);
  }
  EXPECT_EQ(chn_units, 2'984'258);
  EXPECT_EQ(jpn_value, 57'774'982'000);
  EXPECT_EQ(chn_value, 50'570'000'000);
  EXPECT_EQ(deu_value, 46'643'920'000);
}

}  // namespace
}  // namespace evtrade::formats

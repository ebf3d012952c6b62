#include "bench/gen/synthetic_trade.h"

#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "common/domain/areas.h"
#include "common/domain/record_validation.h"
#include "gtest/gtest.h"

namespace evtrade::bench {
namespace {

using Key = std::tuple<std::string, std::string, std::string, int, std::string>;

Key KeyOf(const v1::TradeRecord& r) {
  return {r.reporter(), r.partner(), r.hs_code(),
          r.period().year() * 100 + r.period().month(), r.manufacturer()};
}

std::vector<v1::TradeRecord> All(const SyntheticConfig& config) {
  auto gen = SyntheticTrade::Create(config);
  EXPECT_TRUE(gen.ok()) << gen.status();
  std::vector<v1::TradeRecord> records;
  v1::TradeRecord record;
  while ((*gen)->Next(record)) records.push_back(record);
  return records;
}

TEST(SyntheticTradeTest, MonthsGrowWithSize) {
  EXPECT_EQ(SyntheticTrade::MonthsFor(2'000), 24);
  EXPECT_EQ(SyntheticTrade::MonthsFor(100'000), 32);
  EXPECT_EQ(SyntheticTrade::MonthsFor(1'000'000), 100);
  EXPECT_EQ(SyntheticTrade::MonthsFor(10'000'000), 240);
}

TEST(SyntheticTradeTest, RejectsBadConfig) {
  SyntheticConfig none;
  none.records = 0;
  EXPECT_EQ(SyntheticTrade::Create(none).status().code(),
            absl::StatusCode::kInvalidArgument);
  SyntheticConfig late;
  late.records = 100'000;  // 32 months from 2099-01 end after 2100
  late.first_month = Month{2099, 1};
  EXPECT_EQ(SyntheticTrade::Create(late).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(SyntheticTradeTest, SmallStreamHasTheRowsOfEachKind) {
  SyntheticConfig config;
  config.records = 2'000;
  const std::vector<v1::TradeRecord> records = All(config);
  // 24 months of ceil(2000 / 24) = 84 slots: 77 partner rows, 4 World
  // rows, 2 manufacturer rows and 1 revision; the last month is cut to 68
  // slots, all partner rows.
  ASSERT_EQ(records.size(), 2'000u);
  EXPECT_EQ(records.front().period().year(), 2021);
  EXPECT_EQ(records.front().period().month(), 1);
  EXPECT_EQ(records.back().period().year(), 2022);
  EXPECT_EQ(records.back().period().month(), 12);

  int world = 0;
  int makers = 0;
  std::set<Key> keys;
  std::map<std::string, int> rows_by_reporter;
  for (v1::TradeRecord record : records) {
    const v1::TradeRecord original = record;
    ASSERT_EQ(NormalizeAndValidate(record), std::nullopt)
        << original.ShortDebugString();
    EXPECT_EQ(record.SerializeAsString(), original.SerializeAsString())
        << "already normalized";
    EXPECT_EQ(record.flow(), v1::FLOW_EXPORT);
    EXPECT_GE(record.value_usd(), 1000);
    EXPECT_GE(record.quantity(), 1);
    EXPECT_EQ(record.net_weight_kg(), record.quantity() * 1450);
    EXPECT_EQ(record.source(), "synthetic");
    if (!record.manufacturer().empty()) {
      ++makers;
      EXPECT_EQ(record.reporter(), "CHN");
      EXPECT_EQ(record.manufacturer(), "BYD");
      EXPECT_EQ(record.partner(), kWorldCode);
    } else if (record.partner() == kWorldCode) {
      ++world;
      EXPECT_EQ(record.reporter(), "CHN");
    } else {
      ++rows_by_reporter[record.reporter()];
    }
    keys.insert(KeyOf(record));
  }
  EXPECT_EQ(world, 4 * 23);
  EXPECT_EQ(makers, 2 * 23);
  // One revision a month in 23 months, each of a key sent before.
  EXPECT_EQ(keys.size(), 2'000u - 23u);
  // Skewed: rows per reporter fall down the reporter ranking (a monthly
  // quota rounds up for one reporter and down for the next, so a reporter
  // may have one row a month more than the one before it).
  const int top = rows_by_reporter["CHN"];
  EXPECT_GT(top, 2 * rows_by_reporter["GBR"]);
  int previous = top;
  for (std::string_view reporter : SyntheticTrade::Reporters()) {
    const int rows = rows_by_reporter[std::string(reporter)];
    EXPECT_LE(rows, previous + 24) << reporter;
    previous = rows;
  }
}

TEST(SyntheticTradeTest, WorldRowIsThePartnerSumPlusThreePercent) {
  SyntheticConfig config;
  config.records = 2'000;
  std::map<Key, int64_t> first_value;
  std::map<std::pair<std::string, int>, int64_t> partner_sum;  // hs, month
  std::vector<v1::TradeRecord> world_rows;
  for (const v1::TradeRecord& r : All(config)) {
    if (!first_value.emplace(KeyOf(r), r.value_usd()).second) continue;
    const int month = r.period().year() * 100 + r.period().month();
    if (r.manufacturer().empty() && r.partner() == kWorldCode) {
      world_rows.push_back(r);
    } else if (r.manufacturer().empty() && r.reporter() == "CHN") {
      partner_sum[{r.hs_code(), month}] += r.value_usd();
    }
  }
  ASSERT_EQ(world_rows.size(), 92u);
  for (const v1::TradeRecord& w : world_rows) {
    const int month = w.period().year() * 100 + w.period().month();
    const int64_t sum = partner_sum[{w.hs_code(), month}];
    ASSERT_GT(sum, 0);
    EXPECT_EQ(w.value_usd(), sum * 103 / 100) << w.ShortDebugString();
  }
}

TEST(SyntheticTradeTest, RevisionsChangeTheValueOnly) {
  SyntheticConfig config;
  config.records = 2'000;
  std::map<Key, v1::TradeRecord> first;
  int revisions = 0;
  for (const v1::TradeRecord& r : All(config)) {
    auto [it, inserted] = first.emplace(KeyOf(r), r);
    if (inserted) continue;
    ++revisions;
    EXPECT_NE(r.value_usd(), it->second.value_usd());
    EXPECT_EQ(r.quantity(), it->second.quantity());
  }
  EXPECT_EQ(revisions, 23);
}

TEST(SyntheticTradeTest, SameSeedSameStreamOtherSeedOtherData) {
  SyntheticConfig config;
  config.records = 500;
  const auto a = All(config);
  const auto b = All(config);
  config.seed = 2;
  const auto c = All(config);
  ASSERT_EQ(a.size(), 500u);
  ASSERT_EQ(c.size(), 500u);
  int same_values = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].SerializeAsString(), b[i].SerializeAsString());
    if (a[i].value_usd() == c[i].value_usd()) ++same_values;
  }
  EXPECT_LT(same_values, 50);
}

TEST(SyntheticTradeTest, AppendedStreamStartsAtFirstMonth) {
  SyntheticConfig config;
  config.records = 3'000;
  config.first_month = Month{2023, 1};
  auto gen = SyntheticTrade::Create(config);
  ASSERT_TRUE(gen.ok()) << gen.status();
  EXPECT_EQ((*gen)->first_month(), (Month{2023, 1}));
  EXPECT_EQ((*gen)->last_month(), (Month{2024, 12}));
  v1::TradeRecord record;
  ASSERT_TRUE((*gen)->Next(record));
  EXPECT_EQ(record.period().year(), 2023);
  EXPECT_EQ(record.period().month(), 1);
}

}  // namespace
}  // namespace evtrade::bench

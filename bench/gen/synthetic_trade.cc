#include "bench/gen/synthetic_trade.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/domain/areas.h"
#include "common/domain/powertrain.h"
#include "common/util/strings.h"

namespace evtrade::bench {
namespace {

// Exporters, largest first (roughly their order in world car exports).
constexpr std::array<std::string_view, 40> kReporters = {
    "CHN", "JPN", "DEU", "KOR", "USA", "MEX", "ESP", "BEL", "FRA", "GBR",
    "CZE", "SVK", "CAN", "ITA", "SWE", "HUN", "POL", "THA", "IND", "TUR",
    "BRA", "ZAF", "AUT", "NLD", "PRT", "ROU", "SVN", "ARG", "IDN", "MYS",
    "RUS", "AUS", "FIN", "DNK", "CHE", "ARE", "SAU", "VNM", "PHL", "MAR"};

// Importers, most important first; the last three are Comtrade special
// areas (partners, but not countries).
constexpr std::array<std::string_view, 123> kPartners = {
    "USA", "DEU", "GBR", "BEL", "FRA", "AUS", "CAN", "ITA", "ESP", "NLD", "RUS",
    "SAU", "ARE", "MEX", "CHN", "JPN", "KOR", "CHE", "SWE", "POL", "AUT", "TUR",
    "ISR", "CHL", "BRA", "THA", "PHL", "MYS", "IDN", "VNM", "NOR", "DNK", "FIN",
    "IRL", "PRT", "CZE", "SVK", "HUN", "ROU", "GRC", "NZL", "ZAF", "EGY", "MAR",
    "NGA", "KAZ", "UZB", "UKR", "IND", "PAK", "BGD", "LKA", "PER", "COL", "ECU",
    "ARG", "URY", "PRY", "BOL", "CRI", "PAN", "DOM", "GTM", "KWT", "QAT", "OMN",
    "BHR", "JOR", "LBN", "IRQ", "AZE", "GEO", "ARM", "KGZ", "MNG", "SGP", "HKG",
    "MAC", "TWN", "BRN", "KHM", "MMR", "LAO", "NPL", "SRB", "HRV", "SVN", "BGR",
    "LTU", "LVA", "EST", "LUX", "ISL", "MLT", "CYP", "ALB", "MKD", "BIH", "MNE",
    "MDA", "BLR", "TUN", "DZA", "LBY", "KEN", "TZA", "UGA", "ETH", "GHA", "CIV",
    "SEN", "CMR", "AGO", "MOZ", "ZMB", "ZWE", "NAM", "BWA", "MUS", "JAM", "S19",
    "_X",  "E19"};

constexpr std::array<std::string_view, 8> kManufacturers = {
    "BYD",   "SAIC",   "Tesla",      "Geely",
    "Chery", "Toyota", "Volkswagen", "Hyundai"};

// The HS codes, the biggest flows first, with each code's share of its
// powertrain class.
struct HsShare {
  std::string_view code;
  PowertrainClass cls;
  double share_of_class;
};
constexpr std::array<HsShare, 14> kHsCodes = {{
    {"870323", PowertrainClass::kIce, 0.35},
    {"870322", PowertrainClass::kIce, 0.30},
    {"870380", PowertrainClass::kBev, 1.0},
    {"870360", PowertrainClass::kPhev, 0.9},
    {"870340", PowertrainClass::kHev, 0.9},
    {"870321", PowertrainClass::kIce, 0.10},
    {"870324", PowertrainClass::kIce, 0.10},
    {"870332", PowertrainClass::kIce, 0.08},
    {"870390", PowertrainClass::kOther, 0.95},
    {"870331", PowertrainClass::kIce, 0.04},
    {"870333", PowertrainClass::kIce, 0.03},
    {"870370", PowertrainClass::kPhev, 0.1},
    {"870350", PowertrainClass::kHev, 0.1},
    {"870310", PowertrainClass::kOther, 0.05},
}};
// Codes of manufacturer rows: indexes into kHsCodes (870380, 870360,
// 870340, 870323).
constexpr std::array<int, 4> kMakerHs = {2, 3, 4, 0};

constexpr int kWorldEvery = 3;      // every third reporter sends World rows
constexpr int kMakerReporters = 5;  // reporters with manufacturer rows
constexpr double kTopReporterMonthlyUsd = 4e9;

// splitmix64: a good 64-bit mix, so figures are a pure function of the key.
uint64_t Mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

uint64_t Hash(uint64_t seed, uint64_t a, uint64_t b, uint64_t c, uint64_t d) {
  return Mix(Mix(Mix(Mix(Mix(seed) ^ a) ^ b) ^ c) ^ d);
}

// Uniform in [0, 1).
double Unit(uint64_t h) { return static_cast<double>(h >> 11) * 0x1.0p-53; }

double ReporterWeight(int rank) { return 1.0 / std::pow(rank + 1, 1.1); }

// Share of all vehicle value in a powertrain class, at fraction t of the
// range: electric grows from 4% to 64%.
double ClassShare(PowertrainClass cls, double t) {
  const double electric = 0.04 + 0.60 * t;
  switch (cls) {
    case PowertrainClass::kBev:
      return electric * 0.65;
    case PowertrainClass::kPhev:
      return electric * 0.35;
    case PowertrainClass::kHev:
      return 0.06;
    case PowertrainClass::kOther:
      return 0.02;
    case PowertrainClass::kIce:
      return 1.0 - electric - 0.08;
    case PowertrainClass::kNotVehicle:
      break;
  }
  return 0;
}

// Average export price per vehicle, USD.
double UnitPrice(PowertrainClass cls) {
  switch (cls) {
    case PowertrainClass::kBev:
      return 25'800;
    case PowertrainClass::kPhev:
      return 31'000;
    case PowertrainClass::kHev:
      return 24'000;
    case PowertrainClass::kOther:
      return 9'000;
    default:
      return 18'900;
  }
}

}  // namespace

int SyntheticTrade::MonthsFor(int64_t records) {
  const double months = std::sqrt(static_cast<double>(records)) / 10.0;
  return static_cast<int>(std::clamp(std::ceil(months), 24.0, 240.0));
}

std::vector<std::string_view> SyntheticTrade::Reporters() {
  return {kReporters.begin(), kReporters.end()};
}

std::vector<std::string> SyntheticTrade::ReportersWithData() const {
  std::vector<std::string> reporters;
  for (size_t r = 0; r < kReporters.size(); ++r) {
    if (reporter_cells_[r].first < reporter_cells_[r].second) {
      reporters.emplace_back(kReporters[r]);
    }
  }
  return reporters;
}

std::vector<std::string_view> SyntheticTrade::Partners() {
  return {kPartners.begin(), kPartners.end()};
}

absl::StatusOr<std::unique_ptr<SyntheticTrade>> SyntheticTrade::Create(
    const SyntheticConfig& config) {
  if (config.records < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("records: must be >= 1, got ", config.records));
  }
  // The code tables must hold real codes of the right kind.
  for (std::string_view code : kReporters) {
    if (LookupArea(code) != AreaKind::kCountry) {
      return absl::InternalError(
          absl::StrCat("reporter ", ToAbsl(code), " is not a country"));
    }
  }
  for (std::string_view code : kPartners) {
    const auto kind = LookupArea(code);
    if (!kind.has_value() || *kind == AreaKind::kWorld) {
      return absl::InternalError(
          absl::StrCat("partner ", ToAbsl(code), " is not a partner code"));
    }
  }
  for (const HsShare& hs : kHsCodes) {
    if (ClassifyHsCode(hs.code) != hs.cls) {
      return absl::InternalError(
          absl::StrCat("HS ", ToAbsl(hs.code), " has another powertrain"));
    }
  }
  const int months = MonthsFor(config.records);
  const Month first = config.first_month.value_or(
      Month::FromIndex(config.last_month.Index() - months + 1));
  const Month last = Month::FromIndex(first.Index() + months - 1);
  for (const Month& m : {first, last}) {
    if (auto problem = CheckYearMonth(m.year, m.month)) {
      return absl::InvalidArgumentError(
          absl::StrCat("month range ", first.ToString(), "..", last.ToString(),
                       ": ", ToAbsl(problem->part), " ", problem->reason));
    }
  }
  auto gen = std::unique_ptr<SyntheticTrade>(
      new SyntheticTrade(config, first, months));
  const int64_t capacity = static_cast<int64_t>(kReporters.size()) *
                           (kPartners.size() - 1) * kHsCodes.size();
  if (static_cast<int64_t>(gen->cells_.size()) +
          static_cast<int64_t>(gen->world_rows_.size()) +
          static_cast<int64_t>(gen->maker_rows_.size()) +
          gen->revisions_per_month_ <
      gen->per_month_) {
    return absl::InvalidArgumentError(absl::StrCat(
        "records: ", config.records, " need ", gen->per_month_,
        " records a month, more than the ", capacity, " keys a month holds"));
  }
  return gen;
}

SyntheticTrade::SyntheticTrade(const SyntheticConfig& config, Month first_month,
                               int months)
    : config_(config),
      first_month_(first_month),
      months_(months),
      per_month_((config.records + months - 1) / months) {
  partner_codes_.assign(kPartners.begin(), kPartners.end());

  // Each reporter's partners: the global order without itself, lightly
  // shuffled so that reporters differ (each swap moves a partner at most a
  // few places, so the popular ones stay near the top).
  partner_order_.resize(kReporters.size());
  for (size_t r = 0; r < kReporters.size(); ++r) {
    std::vector<int>& order = partner_order_[r];
    for (size_t p = 0; p < kPartners.size(); ++p) {
      if (kPartners[p] != kReporters[r]) order.push_back(static_cast<int>(p));
    }
    for (size_t i = 0; i + 1 < order.size(); ++i) {
      const size_t j = i + Hash(config.seed, r, i, 0, 0) %
                               std::min<size_t>(4, order.size() - i);
      std::swap(order[i], order[j]);
    }
  }

  const int64_t world_budget = per_month_ * 5 / 100;
  const int64_t maker_budget = per_month_ * 3 / 100;
  revisions_per_month_ = static_cast<int>(per_month_ * 2 / 100);
  const int64_t cell_budget =
      per_month_ - world_budget - maker_budget - revisions_per_month_;

  // Partner cells: each reporter's quota by Zipf weight (largest
  // remainder), capped by its keys; what a reporter cannot hold goes to the
  // next ones.
  double total_weight = 0;
  for (size_t r = 0; r < kReporters.size(); ++r)
    total_weight += ReporterWeight(r);
  std::vector<int64_t> quota(kReporters.size());
  std::vector<std::pair<double, int>> remainders;
  int64_t assigned = 0;
  for (size_t r = 0; r < kReporters.size(); ++r) {
    const double exact = cell_budget * ReporterWeight(r) / total_weight;
    quota[r] = static_cast<int64_t>(exact);
    assigned += quota[r];
    remainders.push_back({exact - quota[r], static_cast<int>(r)});
  }
  std::sort(
      remainders.begin(), remainders.end(), [](const auto& a, const auto& b) {
        return a.first != b.first ? a.first > b.first : a.second < b.second;
      });
  for (size_t i = 0; assigned < cell_budget && i < remainders.size(); ++i) {
    ++quota[remainders[i].second];
    ++assigned;
  }
  int64_t carry = 0;
  reporter_cells_.resize(kReporters.size());
  for (size_t r = 0; r < kReporters.size(); ++r) {
    const int64_t keys =
        static_cast<int64_t>(partner_order_[r].size()) * kHsCodes.size();
    const int64_t want = quota[r] + carry;
    const int64_t take = std::min(want, keys);
    carry = want - take;
    const int begin = static_cast<int>(cells_.size());
    for (int64_t c = 0; c < take; ++c) {
      cells_.push_back({static_cast<int>(r),
                        static_cast<int>(c / kHsCodes.size()),
                        static_cast<int>(c % kHsCodes.size())});
    }
    reporter_cells_[r] = {begin, static_cast<int>(cells_.size())};
  }

  // World rows for the HS codes a World-reporting reporter trades.
  for (size_t r = 0; r < kReporters.size(); r += kWorldEvery) {
    const auto [begin, end] = reporter_cells_[r];
    const int codes =
        std::min<int>(end - begin, static_cast<int>(kHsCodes.size()));
    for (int hs = 0; hs < codes; ++hs) {
      if (static_cast<int64_t>(world_rows_.size()) < world_budget) {
        world_rows_.push_back({static_cast<int>(r), -1, hs});
      }
    }
  }
  // Manufacturer rows: each of the top reporters has half the makers.
  for (int r = 0; r < kMakerReporters; ++r) {
    for (size_t m = 0; m < kManufacturers.size(); ++m) {
      if ((m + r) % 2 != 0) continue;
      for (int hs : kMakerHs) {
        const auto [begin, end] = reporter_cells_[r];
        if (hs >= end - begin) continue;  // the reporter lacks the code
        if (static_cast<int64_t>(maker_rows_.size()) < maker_budget) {
          maker_rows_.push_back({r, static_cast<int>(m), hs});
        }
      }
    }
  }
  // What the budgets could not place goes to partner cells of the
  // reporters that still have room, so every month has per_month_ records.
  int64_t missing = per_month_ - static_cast<int64_t>(cells_.size()) -
                    static_cast<int64_t>(world_rows_.size()) -
                    static_cast<int64_t>(maker_rows_.size()) -
                    revisions_per_month_;
  if (missing > 0) {
    std::vector<Cell> cells;
    for (size_t r = 0; r < kReporters.size(); ++r) {
      const int64_t keys =
          static_cast<int64_t>(partner_order_[r].size()) * kHsCodes.size();
      auto [begin, end] = reporter_cells_[r];
      const int new_begin = static_cast<int>(cells.size());
      cells.insert(cells.end(), cells_.begin() + begin, cells_.begin() + end);
      for (int64_t c = end - begin; c < keys && missing > 0; ++c, --missing) {
        cells.push_back({static_cast<int>(r),
                         static_cast<int>(c / kHsCodes.size()),
                         static_cast<int>(c % kHsCodes.size())});
      }
      reporter_cells_[r] = {new_begin, static_cast<int>(cells.size())};
    }
    cells_ = std::move(cells);
  }
  revisions_per_month_ = static_cast<int>(std::min<int64_t>(
      revisions_per_month_, static_cast<int64_t>(cells_.size())));
}

Month SyntheticTrade::last_month() const {
  return Month::FromIndex(first_month_.Index() + months_ - 1);
}

const std::string& SyntheticTrade::PartnerCode(const Cell& cell) const {
  return partner_codes_[partner_order_[cell.reporter][cell.partner]];
}

int64_t SyntheticTrade::CellValue(const Cell& cell, int month_index,
                                  int revision) const {
  const HsShare& hs = kHsCodes[cell.hs];
  const double t =
      months_ > 1 ? static_cast<double>(month_index) / (months_ - 1) : 1.0;
  const Month month = Month::FromIndex(first_month_.Index() + month_index);
  const double reporter =
      kTopReporterMonthlyUsd * ReporterWeight(cell.reporter);
  const double partner = 0.25 / std::pow(cell.partner + 1, 1.2);
  const double product = ClassShare(hs.cls, t) * hs.share_of_class;
  const double growth = std::pow(1.008, month_index);
  const double season =
      1.0 + 0.08 * std::sin(2 * std::numbers::pi * month.month / 12.0);
  const double noise =
      std::exp(0.4 * (Unit(Hash(config_.seed, cell.reporter, cell.partner,
                                cell.hs, month.Key())) -
                      0.5));
  double value = reporter * partner * product * growth * season * noise;
  value *= 1.0 + 0.02 * revision;
  return std::max<int64_t>(1000, std::llround(value));
}

int64_t SyntheticTrade::CellQuantity(const Cell& cell, int month_index) const {
  const HsShare& hs = kHsCodes[cell.hs];
  const Month month = Month::FromIndex(first_month_.Index() + month_index);
  const double noise =
      std::exp(0.2 * (Unit(Hash(config_.seed + 1, cell.reporter, cell.partner,
                                cell.hs, month.Key())) -
                      0.5));
  // The same vehicles: a revision changes the value, not the count.
  const double value = static_cast<double>(CellValue(cell, month_index, 0));
  return std::max<int64_t>(1, std::llround(value / UnitPrice(hs.cls) * noise));
}

void SyntheticTrade::FillCommon(int reporter, int hs, int month_index,
                                v1::TradeRecord& record) const {
  record.Clear();
  record.set_reporter(std::string(kReporters[reporter]));
  record.set_flow(v1::FLOW_EXPORT);
  record.set_hs_code(std::string(kHsCodes[hs].code));
  *record.mutable_period() =
      Month::FromIndex(first_month_.Index() + month_index).ToProto();
  record.set_source(config_.source);
}

void SyntheticTrade::FillPartnerRow(const Cell& cell, int month_index,
                                    int revision,
                                    v1::TradeRecord& record) const {
  FillCommon(cell.reporter, cell.hs, month_index, record);
  record.set_partner(PartnerCode(cell));
  record.set_value_usd(CellValue(cell, month_index, revision));
  record.set_quantity(CellQuantity(cell, month_index));
  record.set_net_weight_kg(record.quantity() * 1450);
}

void SyntheticTrade::SumMonth(int month_index) {
  if (sums_month_ == month_index) return;
  sums_.assign(kReporters.size() * kHsCodes.size(), {0, 0});
  for (const Cell& cell : cells_) {
    if (cell.reporter % kWorldEvery != 0 && cell.reporter >= kMakerReporters) {
      continue;  // no aggregate rows of this reporter
    }
    auto& [value, quantity] = sums_[cell.reporter * kHsCodes.size() + cell.hs];
    value += CellValue(cell, month_index, 0);
    quantity += CellQuantity(cell, month_index);
  }
  sums_month_ = month_index;
}

void SyntheticTrade::FillAggregateRow(const Aggregate& row, int month_index,
                                      v1::TradeRecord& record) {
  SumMonth(month_index);
  auto [value, quantity] = sums_[row.reporter * kHsCodes.size() + row.hs];
  FillCommon(row.reporter, row.hs, month_index, record);
  record.set_partner(std::string(kWorldCode));
  if (row.manufacturer < 0) {
    // The World row: partners plus 3% not allocated to any partner.
    value = value * 103 / 100;
    quantity = quantity * 103 / 100;
  } else {
    // A reporter's makers take 30%, 15%, 10%, 7.5% of a code's partner sum.
    record.set_manufacturer(std::string(kManufacturers[row.manufacturer]));
    const int64_t rank = row.manufacturer / 2 + 1;
    value = value * 30 / (100 * rank);
    quantity = quantity * 30 / (100 * rank);
  }
  record.set_value_usd(std::max<int64_t>(value, 1000));
  record.set_quantity(std::max<int64_t>(quantity, 1));
  record.set_net_weight_kg(record.quantity() * 1450);
}

bool SyntheticTrade::Next(v1::TradeRecord& record) {
  if (produced_ >= config_.records) return false;
  if (slot_ == per_month_) {
    slot_ = 0;
    ++month_index_;
  }
  const int64_t cells = static_cast<int64_t>(cells_.size());
  const int64_t worlds = static_cast<int64_t>(world_rows_.size());
  const int64_t makers = static_cast<int64_t>(maker_rows_.size());
  int64_t slot = slot_;
  if (slot < cells) {
    FillPartnerRow(cells_[slot], month_index_, 0, record);
  } else if ((slot -= cells) < worlds) {
    FillAggregateRow(world_rows_[slot], month_index_, record);
  } else if ((slot -= worlds) < makers) {
    FillAggregateRow(maker_rows_[slot], month_index_, record);
  } else {
    // A revision of a cell two months back (in the first two months: of
    // this month, sent earlier in the stream). Spread over the cells so that
    // no key is revised twice in one month.
    slot -= makers;
    const int source_month =
        month_index_ >= 2 ? month_index_ - 2 : month_index_;
    const int64_t cell =
        (slot * cells / std::max(revisions_per_month_, 1) + month_index_ * 7) %
        cells;
    FillPartnerRow(cells_[cell], source_month,
                   month_index_ == source_month ? 1 : 2, record);
  }
  ++slot_;
  ++produced_;
  return true;
}

}  // namespace evtrade::bench

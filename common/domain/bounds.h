// The bounds every accepted record is held to, and why they make every sum
// evtrade computes fit in int64 exactly.
//
// A figure the store or a query sums is always a sum of current records
// (a revision replaces a record's figures, it never adds to them). Within
// one reporter and flow, the largest such sum is a reporter's total over
// every month on record and every vehicle HS code: per (month, hs_code) at
// most one World row or one row per partner area, so at most
//   kMaxAreaCodes * kMaxVehicleHsCodes * kMaxMonths records.
// The static_asserts below prove that many records at the bound still sum
// below INT64_MAX; tests check the tables stay within kMaxAreaCodes and
// kMaxVehicleHsCodes. The one sum across reporters (the total behind an
// exporter ranking's shares) is taken in 128 bits.
#ifndef EVTRADE_COMMON_DOMAIN_BOUNDS_H_
#define EVTRADE_COMMON_DOMAIN_BOUNDS_H_

#include <cstdint>
#include <limits>

namespace evtrade {

// Trade value of one record, whole US dollars: USD 100 billion, several
// times the largest monthly figure of any single six-digit HS code and
// country pair (crude oil imports).
inline constexpr int64_t kMaxRecordValueUsd = 100'000'000'000;
// Vehicles (items) in one record: ten billion.
inline constexpr int64_t kMaxRecordQuantity = 10'000'000'000;
// Net weight of one record: ten billion tonnes.
inline constexpr int64_t kMaxRecordNetWeightKg = 10'000'000'000'000;

// Text fields, in bytes of UTF-8. Longer text is refused, so no answer that
// lists records or manufacturers can outgrow a message.
inline constexpr int kMaxManufacturerBytes = 128;
inline constexpr int kMaxSourceBytes = 256;

// What the proof above assumes of the shipped tables (checked by tests).
inline constexpr int64_t kMaxAreaCodes = 400;      // areas.cc rows
inline constexpr int64_t kMaxVehicleHsCodes = 14;  // powertrain.cc codes
inline constexpr int64_t kMaxMonths = (2100 - 1950 + 1) * 12;

inline constexpr int64_t kMaxRecordsInOneSum =
    kMaxAreaCodes * kMaxVehicleHsCodes * kMaxMonths;
static_assert(kMaxRecordValueUsd <=
              std::numeric_limits<int64_t>::max() / kMaxRecordsInOneSum);
static_assert(kMaxRecordQuantity <=
              std::numeric_limits<int64_t>::max() / kMaxRecordsInOneSum);

}  // namespace evtrade

#endif  // EVTRADE_COMMON_DOMAIN_BOUNDS_H_

// The one home of the contract's size rules for request fields that bound
// how much comes back (documented on the fields in protos/evtrade/v1/):
//   page_size  0 = kDefaultPageSize; above kMaxPageSize = kMaxPageSize
//              (clamped, as AIP-158 asks); negative is INVALID_ARGUMENT.
//   limit      0 = all; n = the first n rows; negative is INVALID_ARGUMENT.
#ifndef EVTRADE_COMMON_DOMAIN_PAGING_H_
#define EVTRADE_COMMON_DOMAIN_PAGING_H_

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace evtrade {

inline constexpr int kDefaultPageSize = 100;
inline constexpr int kMaxPageSize = 1000;

// The page size a request's `page_size` asks for, by the rule above.
absl::StatusOr<int> PageSize(int32_t requested,
                             std::string_view field = "page_size");

// A request's `limit` checked by the rule above: the limit, 0 for all.
absl::StatusOr<int> Limit(int32_t requested, std::string_view field = "limit");

// Keeps the first `limit` rows (all when limit is 0).
template <typename Row>
void ApplyLimit(std::vector<Row>& rows, int limit) {
  if (limit > 0 && rows.size() > static_cast<size_t>(limit)) {
    rows.resize(static_cast<size_t>(limit));
  }
}

}  // namespace evtrade

#endif  // EVTRADE_COMMON_DOMAIN_PAGING_H_

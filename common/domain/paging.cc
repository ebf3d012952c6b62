#include "common/domain/paging.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/domain/field_violation.h"

namespace evtrade {

absl::StatusOr<int> PageSize(int32_t requested, std::string_view field) {
  if (requested < 0) {
    return FieldViolationError(
        field, absl::StrCat("must not be negative, got ", requested));
  }
  if (requested == 0) return kDefaultPageSize;
  return std::min<int>(requested, kMaxPageSize);
}

absl::StatusOr<int> Limit(int32_t requested, std::string_view field) {
  if (requested < 0) {
    return FieldViolationError(
        field, absl::StrCat("must not be negative, got ", requested));
  }
  return requested;
}

}  // namespace evtrade

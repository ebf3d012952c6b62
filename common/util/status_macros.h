// RETURN_IF_ERROR and ASSIGN_OR_RETURN, which Debian's Abseil 20220623 lacks.
#ifndef EVTRADE_COMMON_UTIL_STATUS_MACROS_H_
#define EVTRADE_COMMON_UTIL_STATUS_MACROS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define EVTRADE_CONCAT_INNER_(a, b) a##b
#define EVTRADE_CONCAT_(a, b) EVTRADE_CONCAT_INNER_(a, b)

// Returns the status from the enclosing function when it is not OK.
#define RETURN_IF_ERROR(expr)                \
  do {                                       \
    ::absl::Status evtrade_status_ = (expr); \
    if (!evtrade_status_.ok()) {             \
      return evtrade_status_;                \
    }                                        \
  } while (false)

// `ASSIGN_OR_RETURN(auto x, F());` declares x from an OK StatusOr, else
// returns its status.
#define ASSIGN_OR_RETURN(lhs, expr)                                         \
  ASSIGN_OR_RETURN_IMPL_(EVTRADE_CONCAT_(evtrade_statusor_, __LINE__), lhs, \
                         expr)

#define ASSIGN_OR_RETURN_IMPL_(statusor, lhs, expr) \
  auto statusor = (expr);                           \
  if (!statusor.ok()) {                             \
    return std::move(statusor).status();            \
  }                                                 \
  lhs = *std::move(statusor)

#endif  // EVTRADE_COMMON_UTIL_STATUS_MACROS_H_

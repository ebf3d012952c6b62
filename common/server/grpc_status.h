// The one mapping from absl::Status (used below the RPC layer) to
// grpc::Status. The canonical codes are the same numbers in both.
#ifndef EVTRADE_COMMON_SERVER_GRPC_STATUS_H_
#define EVTRADE_COMMON_SERVER_GRPC_STATUS_H_

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace evtrade {

grpc::Status ToGrpcStatus(const absl::Status& status);
absl::Status FromGrpcStatus(const grpc::Status& status);

}  // namespace evtrade

#endif  // EVTRADE_COMMON_SERVER_GRPC_STATUS_H_

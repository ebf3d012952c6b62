// The one mapping from absl::Status (used below the RPC layer) to
// grpc::Status. The canonical codes are the same numbers in both; the
// status's payloads (e.g. a google.rpc.BadRequest naming the field at
// fault, common/domain/field_violation.h) become the details of a
// google.rpc.Status, which gRPC sends as the grpc-status-details-bin
// trailer, and come back as payloads on the receiving side.
#ifndef EVTRADE_COMMON_SERVER_GRPC_STATUS_H_
#define EVTRADE_COMMON_SERVER_GRPC_STATUS_H_

#include <grpcpp/support/status.h>

#include <chrono>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "google/rpc/status.pb.h"

namespace evtrade {

grpc::Status ToGrpcStatus(const absl::Status& status);
absl::Status FromGrpcStatus(const grpc::Status& status);

// `status` as a google.rpc.Status: code, message, and one Any per payload
// (type URL = the payload's key), in the payloads' order of type URL. What
// ToGrpcStatus sends and the HTTP API prints as its error body.
google::rpc::Status ToRpcStatus(const absl::Status& status);

// The status of a server call that ends because its client is gone before
// it was answered: DEADLINE_EXCEEDED "deadline exceeded <what>" when the
// call's `deadline` has passed by `now` (the gRPC status code guide's code
// for a deadline that expired before the operation completed), CANCELLED
// "cancelled <what>" otherwise (the client cancelled or went away).
// E.g. what = "before the read started".
grpc::Status EndedCallStatus(absl::Time deadline, absl::string_view what,
                             absl::Time now = absl::Now());

// A server call's deadline as absl::Time (InfiniteFuture when it has none).
absl::Time CallDeadline(std::chrono::system_clock::time_point deadline);

}  // namespace evtrade

#endif  // EVTRADE_COMMON_SERVER_GRPC_STATUS_H_

#include "common/server/grpc_status.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace evtrade {

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()),
                      std::string(status.message()));
}

absl::Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                      status.error_message());
}

grpc::Status EndedCallStatus(absl::Time deadline, absl::string_view what,
                             absl::Time now) {
  if (now >= deadline) {
    return grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED,
                        absl::StrCat("deadline exceeded ", what));
  }
  return grpc::Status(grpc::StatusCode::CANCELLED,
                      absl::StrCat("cancelled ", what));
}

absl::Time CallDeadline(std::chrono::system_clock::time_point deadline) {
  if (deadline == std::chrono::system_clock::time_point::max()) {
    return absl::InfiniteFuture();
  }
  return absl::FromChrono(deadline);
}

}  // namespace evtrade

#include "common/server/grpc_status.h"

#include <map>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace evtrade {

google::rpc::Status ToRpcStatus(const absl::Status& status) {
  google::rpc::Status out;
  out.set_code(static_cast<int>(status.code()));
  out.set_message(std::string(status.message()));
  std::map<std::string, std::string> payloads;  // a stable order
  status.ForEachPayload(
      [&payloads](absl::string_view type_url, const absl::Cord& value) {
        payloads[std::string(type_url)] = std::string(value);
      });
  for (auto& [type_url, value] : payloads) {
    google::protobuf::Any* detail = out.add_details();
    detail->set_type_url(type_url);
    detail->set_value(std::move(value));
  }
  return out;
}

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  const google::rpc::Status rpc = ToRpcStatus(status);
  if (rpc.details_size() == 0) {
    return grpc::Status(static_cast<grpc::StatusCode>(status.code()),
                        rpc.message());
  }
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()),
                      rpc.message(), rpc.SerializeAsString());
}

absl::Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  absl::Status out(static_cast<absl::StatusCode>(status.error_code()),
                   status.error_message());
  google::rpc::Status rpc;
  if (!status.error_details().empty() &&
      rpc.ParseFromString(status.error_details())) {
    for (const google::protobuf::Any& detail : rpc.details()) {
      out.SetPayload(detail.type_url(), absl::Cord(detail.value()));
    }
  }
  return out;
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

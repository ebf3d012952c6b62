#include "common/health/health_check.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/server/grpc_status.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"

namespace evtrade {

using ::grpc::health::v1::HealthCheckRequest;
using ::grpc::health::v1::HealthCheckResponse;

absl::StatusOr<HealthCheckResponse::ServingStatus> CheckHealth(
    const std::string& address, const std::string& service,
    absl::Duration timeout, const TlsConfig& tls) {
  auto stub = grpc::health::v1::Health::NewStub(
      grpc::CreateChannel(address, MakeChannelCredentials(tls)));
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  HealthCheckRequest request;
  request.set_service(service);
  HealthCheckResponse response;
  grpc::Status status = stub->Check(&context, request, &response);
  if (!status.ok()) return FromGrpcStatus(status);
  return response.status();
}

absl::Status WaitForHealthServing(const std::string& address,
                                  absl::Duration timeout,
                                  const std::string& service,
                                  const TlsConfig& tls) {
  const absl::Time deadline = absl::Now() + timeout;
  std::string last = "no answer";
  while (absl::Now() < deadline) {
    auto status =
        CheckHealth(address, service,
                    std::min(absl::Seconds(1), deadline - absl::Now()), tls);
    if (status.ok() && *status == HealthCheckResponse::SERVING) {
      return absl::OkStatus();
    }
    last = status.ok() ? HealthCheckResponse::ServingStatus_Name(*status)
                       : status.status().ToString();
    absl::SleepFor(absl::Milliseconds(20));
  }
  return absl::DeadlineExceededError(
      absl::StrCat(address, " not SERVING after ",
                   absl::FormatDuration(timeout), ": ", last));
}

}  // namespace evtrade

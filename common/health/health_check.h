// A client of grpc.health.v1 (the vendored protos/grpc/health/v1), which
// every evtrade server serves: for tests, scripts (tools/health_probe) and
// backends that check a dependency.
#ifndef EVTRADE_COMMON_HEALTH_HEALTH_CHECK_H_
#define EVTRADE_COMMON_HEALTH_HEALTH_CHECK_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/tls/tls_config.h"
#include "grpc/health/v1/health.pb.h"

namespace evtrade {

// One Health/Check call on `address` for `service` ("" = the whole server),
// with a deadline of `timeout`. The RPC's error when it fails (UNAVAILABLE:
// nothing listens; NOT_FOUND: unknown service). Over TLS when `tls` says
// so (MakeChannelCredentials). Thread-safe.
absl::StatusOr<grpc::health::v1::HealthCheckResponse::ServingStatus>
CheckHealth(const std::string& address, const std::string& service,
            absl::Duration timeout, const TlsConfig& tls = {});

// Polls CheckHealth until it says SERVING or `timeout` passes
// (DEADLINE_EXCEEDED, with the last answer or error in the message).
absl::Status WaitForHealthServing(const std::string& address,
                                  absl::Duration timeout,
                                  const std::string& service = "",
                                  const TlsConfig& tls = {});

}  // namespace evtrade

#endif  // EVTRADE_COMMON_HEALTH_HEALTH_CHECK_H_

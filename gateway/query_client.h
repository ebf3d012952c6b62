// The gateway's client of the QueryService: one channel per backend, made
// once at start-up and reused by every call, with the gateway's deadline
// policy.
#ifndef EVTRADE_GATEWAY_QUERY_CLIENT_H_
#define EVTRADE_GATEWAY_QUERY_CLIENT_H_

#include <grpcpp/channel.h>

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/server/metrics.h"
#include "common/tls/tls_config.h"
#include "evtrade/v1/query_service.grpc.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace evtrade::gateway {

struct QueryClientConfig {
  // gRPC target of the query service: "127.0.0.1:50052", or
  // "dns:///query.evtrade.svc:50052" for the replicas behind a headless k8s
  // Service (round_robin spreads calls over every address the name has).
  std::string target = "127.0.0.1:50052";
  // A call's deadline is min(caller's deadline - deadline_margin,
  // now + per_call_cap): the margin leaves the gateway time to assemble and
  // send its answer before its own caller gives up.
  absl::Duration deadline_margin = absl::Milliseconds(50);
  absl::Duration per_call_cap = absl::Seconds(5);
  // Keepalive pings on busy connections find a dead backend (e.g. a node
  // gone without a FIN) before the call deadline does. Pings are only sent
  // while calls are in flight, so servers' default ping policy accepts them.
  absl::Duration keepalive_time = absl::Seconds(30);
  absl::Duration keepalive_timeout = absl::Seconds(10);
  // Reconnect backoff cap: after a backend restart the channel reconnects
  // within this long, with no gateway restart.
  absl::Duration max_reconnect_backoff = absl::Seconds(5);
  // Attempts per call (the first plus retries) for UNAVAILABLE, in the
  // channel's service config. 1 disables retries.
  int max_attempts = 3;
  // TLS to the query service when it holds an identity or a CA (see
  // common/tls/tls_config.h); plaintext otherwise.
  TlsConfig tls{};
};

// The service config of the query channel: round_robin over the target's
// addresses and a retry policy for UNAVAILABLE (safe: every QueryService
// RPC is a read).
std::string QueryServiceConfigJson(int max_attempts);

// The message of every UNAVAILABLE a QueryClient call ends with; the
// channel's own words, which name backend addresses, are logged instead.
inline constexpr char kQueryServiceUnavailable[] =
    "the query service is unavailable";

template <typename T>
using Callback = std::function<void(absl::StatusOr<T>)>;

// Asynchronous (callback API) calls to the QueryService. Each method returns
// at once; `done` runs exactly once, on a gRPC thread, with the response or
// the call's status (absl codes = gRPC codes; details such as field
// violations kept as payloads; UNAVAILABLE always kQueryServiceUnavailable).
// `caller_deadline` is the deadline of the work the call is part of
// (absl::InfiniteFuture() when none); the call's own deadline follows
// QueryClientConfig.
//
// Thread-safe; calls may be made concurrently from any thread.
class QueryClient {
 public:
  // `metrics` (nullable, not owned, must outlive the client) records every
  // call made on the channel (Metrics::NewClientInterceptorFactory).
  explicit QueryClient(const QueryClientConfig& config,
                       Metrics* metrics = nullptr);
  // For tests: a client over an existing channel.
  QueryClient(const QueryClientConfig& config,
              std::shared_ptr<grpc::Channel> channel);

  QueryClient(const QueryClient&) = delete;
  QueryClient& operator=(const QueryClient&) = delete;

  void GetSeries(const v1::GetSeriesRequest& request,
                 absl::Time caller_deadline,
                 Callback<v1::GetSeriesResponse> done);
  void GetPartnerBreakdown(const v1::GetPartnerBreakdownRequest& request,
                           absl::Time caller_deadline,
                           Callback<v1::GetPartnerBreakdownResponse> done);
  void GetPowertrainMix(const v1::GetPowertrainMixRequest& request,
                        absl::Time caller_deadline,
                        Callback<v1::GetPowertrainMixResponse> done);
  void GetManufacturerBreakdown(
      const v1::GetManufacturerBreakdownRequest& request,
      absl::Time caller_deadline,
      Callback<v1::GetManufacturerBreakdownResponse> done);
  void GetExporterRanking(const v1::GetExporterRankingRequest& request,
                          absl::Time caller_deadline,
                          Callback<v1::GetExporterRankingResponse> done);
  void ListRecords(const v1::ListRecordsRequest& request,
                   absl::Time caller_deadline,
                   Callback<v1::ListRecordsResponse> done);
  void GetStoreInfo(const v1::GetStoreInfoRequest& request,
                    absl::Time caller_deadline,
                    Callback<v1::GetStoreInfoResponse> done);
  void GetReportFacts(const v1::GetReportFactsRequest& request,
                      absl::Time caller_deadline,
                      Callback<v1::GetReportFactsResponse> done);

  // grpc.health.v1 Check of the backend server as a whole (service "").
  void CheckHealth(absl::Time caller_deadline,
                   Callback<grpc::health::v1::HealthCheckResponse> done);

  // The deadline a call made now gets (see QueryClientConfig).
  absl::Time CallDeadline(absl::Time caller_deadline) const;

  const std::shared_ptr<grpc::Channel>& channel() const { return channel_; }

 private:
  template <typename Request, typename Response, typename Invoke>
  void Call(const Request& request, absl::Time caller_deadline,
            Callback<Response> done, Invoke invoke);

  QueryClientConfig config_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::QueryService::Stub> stub_;
  std::unique_ptr<grpc::health::v1::Health::Stub> health_stub_;
};

}  // namespace evtrade::gateway

#endif  // EVTRADE_GATEWAY_QUERY_CLIENT_H_

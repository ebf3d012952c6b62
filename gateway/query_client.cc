#include "gateway/query_client.h"

#include <grpcpp/client_context.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/channel_arguments.h>

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/strings/str_format.h"
#include "common/server/grpc_status.h"
#include "spdlog/spdlog.h"

namespace evtrade::gateway {
namespace {

int ToMillis(absl::Duration d) {
  return static_cast<int>(
      std::clamp<int64_t>(absl::ToInt64Milliseconds(d), 1, INT32_MAX));
}

std::shared_ptr<grpc::Channel> MakeChannel(const QueryClientConfig& config,
                                           Metrics* metrics) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, ToMillis(config.keepalive_time));
  args.SetInt(GRPC_ARG_KEEPALIVE_TIMEOUT_MS,
              ToMillis(config.keepalive_timeout));
  args.SetInt(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 0);
  const int max_backoff = ToMillis(config.max_reconnect_backoff);
  // The first reconnect comes soon (then backs off to the cap): the
  // data-version watch connects at start, and a gateway started a moment
  // before its query service must not fail fast for a whole second.
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS,
              std::min(max_backoff, 100));
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, max_backoff);
  args.SetInt(GRPC_ARG_ENABLE_RETRIES, config.max_attempts > 1 ? 1 : 0);
  args.SetServiceConfigJSON(QueryServiceConfigJson(config.max_attempts));
  std::vector<
      std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>>
      interceptors;
  if (metrics != nullptr) {
    interceptors.push_back(metrics->NewClientInterceptorFactory());
  }
  return grpc::experimental::CreateCustomChannelWithInterceptors(
      config.target, MakeChannelCredentials(config.tls), args,
      std::move(interceptors));
}

}  // namespace

std::string QueryServiceConfigJson(int max_attempts) {
  // gRPC requires maxAttempts >= 2 in a retryPolicy; with fewer the policy
  // is left out (no retries).
  std::string retry;
  if (max_attempts > 1) {
    retry = absl::StrFormat(
        R"(,"retryPolicy":{"maxAttempts":%d,"initialBackoff":"0.05s",)"
        R"("maxBackoff":"0.5s","backoffMultiplier":2,)"
        R"("retryableStatusCodes":["UNAVAILABLE"]})",
        std::min(max_attempts, 5));
  }
  return absl::StrFormat(
      R"({"loadBalancingConfig":[{"round_robin":{}}],)"
      R"("methodConfig":[{"name":[{"service":"evtrade.v1.QueryService"}]%s}]})",
      retry);
}

QueryClient::QueryClient(const QueryClientConfig& config, Metrics* metrics)
    : QueryClient(config, MakeChannel(config, metrics)) {}

QueryClient::QueryClient(const QueryClientConfig& config,
                         std::shared_ptr<grpc::Channel> channel)
    : config_(config),
      channel_(std::move(channel)),
      stub_(v1::QueryService::NewStub(channel_)),
      health_stub_(grpc::health::v1::Health::NewStub(channel_)) {}

absl::Time QueryClient::CallDeadline(absl::Time caller_deadline) const {
  return std::min(caller_deadline - config_.deadline_margin,
                  absl::Now() + config_.per_call_cap);
}

template <typename Request, typename Response, typename Invoke>
void QueryClient::Call(const Request& request, absl::Time caller_deadline,
                       Callback<Response> done, Invoke invoke) {
  // Everything the call needs outlives it: owned here, freed in the
  // completion callback, which gRPC runs exactly once.
  struct CallState {
    grpc::ClientContext context;
    Request request;
    Response response;
    Callback<Response> done;
  };
  auto* state = new CallState;
  state->request = request;
  state->done = std::move(done);
  state->context.set_deadline(
      absl::ToChronoTime(CallDeadline(caller_deadline)));
  invoke(&state->context, &state->request, &state->response,
         [state, this](grpc::Status status) {
           std::unique_ptr<CallState> owned(state);
           if (status.ok()) {
             owned->done(std::move(owned->response));
           } else if (status.error_code() == grpc::StatusCode::UNAVAILABLE) {
             // The channel's words name internal addresses ("failed to
             // connect to all addresses; last error: ... 10.0.3.7:50052"):
             // they go to the log, not to the gateway's callers.
             spdlog::warn("query service {}: UNAVAILABLE: {}", config_.target,
                          status.error_message());
             owned->done(absl::UnavailableError(kQueryServiceUnavailable));
           } else {
             owned->done(FromGrpcStatus(status));
           }
         });
}

// One line per RPC: the generated async() methods are overloaded (plain and
// reactor forms), so a lambda picks the plain one.
#define EVTRADE_QUERY_CLIENT_METHOD(Method)                                  \
  void QueryClient::Method(const v1::Method##Request& request,               \
                           absl::Time caller_deadline,                       \
                           Callback<v1::Method##Response> done) {            \
    Call<v1::Method##Request, v1::Method##Response>(                         \
        request, caller_deadline, std::move(done),                           \
        [this](grpc::ClientContext* context, const v1::Method##Request* req, \
               v1::Method##Response* resp,                                   \
               std::function<void(grpc::Status)> on_done) {                  \
          stub_->async()->Method(context, req, resp, std::move(on_done));    \
        });                                                                  \
  }

EVTRADE_QUERY_CLIENT_METHOD(GetSeries)
EVTRADE_QUERY_CLIENT_METHOD(GetPartnerBreakdown)
EVTRADE_QUERY_CLIENT_METHOD(GetPowertrainMix)
EVTRADE_QUERY_CLIENT_METHOD(GetManufacturerBreakdown)
EVTRADE_QUERY_CLIENT_METHOD(GetExporterRanking)
EVTRADE_QUERY_CLIENT_METHOD(ListRecords)
EVTRADE_QUERY_CLIENT_METHOD(GetStoreInfo)
EVTRADE_QUERY_CLIENT_METHOD(GetReportFacts)

#undef EVTRADE_QUERY_CLIENT_METHOD

void QueryClient::CheckHealth(
    absl::Time caller_deadline,
    Callback<grpc::health::v1::HealthCheckResponse> done) {
  Call<grpc::health::v1::HealthCheckRequest,
       grpc::health::v1::HealthCheckResponse>(
      grpc::health::v1::HealthCheckRequest(), caller_deadline, std::move(done),
      [this](grpc::ClientContext* context,
             const grpc::health::v1::HealthCheckRequest* req,
             grpc::health::v1::HealthCheckResponse* resp,
             std::function<void(grpc::Status)> on_done) {
        health_stub_->async()->Check(context, req, resp, std::move(on_done));
      });
}

}  // namespace evtrade::gateway

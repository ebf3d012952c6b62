#include "bench/load/query_load.h"

#include <array>
#include <chrono>
#include <functional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/channel_arguments.h"

namespace evtrade::bench {
namespace {

// Segments cycled through by cold requests, after reporters and months.
constexpr std::array<v1::Powertrain, 6> kSegments = {
    v1::POWERTRAIN_ELECTRIC, v1::POWERTRAIN_ALL, v1::POWERTRAIN_BEV,
    v1::POWERTRAIN_PHEV,     v1::POWERTRAIN_HEV, v1::POWERTRAIN_ICE};

// One call's objects, alive until its callback has run.
template <typename Request, typename Response>
struct Call {
  grpc::ClientContext context;
  Request request;
  Response response;
};

// Starts one unary call through `invoke(context, request, response,
// callback)` (a stub's async() method); the call's objects live until its
// callback has run. `check` may turn an OK answer into an error.
template <typename Request, typename Response, typename Invoke>
void StartUnary(Invoke invoke, Request request, absl::Duration deadline,
                CallDone done,
                std::function<grpc::Status(const Response&)> check = nullptr) {
  auto* call = new Call<Request, Response>;
  call->request = std::move(request);
  call->context.set_deadline(std::chrono::system_clock::now() +
                             absl::ToChronoMilliseconds(deadline));
  invoke(&call->context, &call->request, &call->response,
         std::function<void(grpc::Status)>(
             [call, done = std::move(done),
              check = std::move(check)](grpc::Status status) {
               if (status.ok() && check) status = check(call->response);
               done(status);
               delete call;
             }));
}

}  // namespace

std::string_view EndpointName(Endpoint endpoint) {
  switch (endpoint) {
    case Endpoint::kEcho:
      return "echo";
    case Endpoint::kReport:
      return "report";
    case Endpoint::kSeries:
      return "series";
    case Endpoint::kPartners:
      return "partners";
  }
  return "?";
}

std::vector<std::shared_ptr<grpc::Channel>> MakeChannels(
    const std::string& target, int count) {
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  for (int i = 0; i < count; ++i) {
    grpc::ChannelArguments args;
    // Channels with equal arguments would share one subchannel, i.e. one
    // connection; a local pool gives each its own.
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    args.SetMaxReceiveMessageSize(16 * 1024 * 1024);
    channels.push_back(grpc::CreateCustomChannel(
        target, grpc::InsecureChannelCredentials(), args));
  }
  return channels;
}

Queries::Queries(Workload workload,
                 std::vector<std::shared_ptr<grpc::Channel>> gateway_channels,
                 std::vector<std::shared_ptr<grpc::Channel>> echo_channels,
                 absl::Duration deadline)
    : workload_(std::move(workload)), deadline_(deadline) {
  for (const auto& channel : gateway_channels) {
    gateway_.push_back(v1::GatewayService::NewStub(channel));
    query_.push_back(v1::QueryService::NewStub(channel));
  }
  for (const auto& channel : echo_channels) {
    echo_.push_back(EchoService::NewStub(channel));
  }
}

Queries::Pick Queries::PickCold(int64_t n) const {
  const int64_t reporters = static_cast<int64_t>(workload_.reporters.size());
  const int64_t months = MonthsInRange(workload_.first, workload_.last);
  // Latest months first: what users ask about, with the longest histories
  // behind them (record highs look at every earlier month).
  const int64_t back = (n / reporters) % months;
  return {&workload_.reporters[n % reporters],
          Month::FromIndex(workload_.last.Index() - static_cast<int>(back)),
          n / (reporters * months)};
}

Queries::Pick Queries::PickWarm(int64_t n) const {
  // The largest reporters in the last two months.
  const int64_t reporters = static_cast<int64_t>(workload_.reporters.size());
  const int64_t i = n % 4;
  return {&workload_.reporters[std::min<int64_t>(i % 2, reporters - 1)],
          i < 2 ? workload_.last : workload_.last.Previous(), 0};
}

v1::GetMarketReportRequest Queries::ReportRequest(Cache cache,
                                                  int64_t n) const {
  const Pick pick = cache == Cache::kCold ? PickCold(n) : PickWarm(n);
  v1::GetMarketReportRequest request;
  request.set_reporter(*pick.reporter);
  *request.mutable_period() = pick.month.ToProto();
  request.set_powertrain(kSegments[pick.variant % kSegments.size()]);
  request.set_flow(v1::FLOW_EXPORT);
  // Past the segments, the number of top partners makes requests differ.
  request.set_top_partners(
      static_cast<int>(5 + (pick.variant / kSegments.size()) % 95));
  return request;
}

int Queries::UnaskedTopPartners() const {
  const int64_t asked = next_cold_[static_cast<int>(Endpoint::kReport)].load();
  if (asked == 0) return 5;
  const int64_t reporters = static_cast<int64_t>(workload_.reporters.size());
  const int64_t months = MonthsInRange(workload_.first, workload_.last);
  const int64_t last_variant = (asked - 1) / (reporters * months);
  const int64_t rounds = last_variant / static_cast<int64_t>(kSegments.size());
  // Past 95 rounds the numbers wrap around: every one was asked.
  return rounds >= 94 ? 101 : static_cast<int>(5 + rounds + 1);
}

v1::GetSeriesRequest Queries::SeriesRequest(Cache cache, int64_t n) const {
  const Pick pick = cache == Cache::kCold ? PickCold(n) : PickWarm(n);
  v1::GetSeriesRequest request;
  request.set_reporter(*pick.reporter);
  request.set_flow(v1::FLOW_EXPORT);
  request.set_powertrain(kSegments[pick.variant % kSegments.size()]);
  // Two years ending at the month; past the segments, longer ranges.
  const int months = 24 + static_cast<int>(pick.variant / kSegments.size());
  *request.mutable_start() =
      Month::FromIndex(pick.month.Index() - months + 1).ToProto();
  *request.mutable_end() = pick.month.ToProto();
  return request;
}

v1::GetPartnerBreakdownRequest Queries::PartnersRequest(Cache cache,
                                                        int64_t n) const {
  const Pick pick = cache == Cache::kCold ? PickCold(n) : PickWarm(n);
  v1::GetPartnerBreakdownRequest request;
  request.set_reporter(*pick.reporter);
  request.set_flow(v1::FLOW_EXPORT);
  request.set_powertrain(kSegments[pick.variant % kSegments.size()]);
  // The year to the month; past the segments, other limits.
  *request.mutable_start() = pick.month.YearStart().ToProto();
  *request.mutable_end() = pick.month.ToProto();
  request.set_limit(
      static_cast<int>(10 + (pick.variant / kSegments.size()) % 90));
  return request;
}

void Queries::Start(Endpoint endpoint, Cache cache, int caller, int64_t n,
                    CallDone done) {
  switch (endpoint) {
    case Endpoint::kEcho: {
      EchoRequest request;
      request.set_payload("0123456789abcdef");
      auto* stub = echo_[caller % echo_.size()].get();
      StartUnary<EchoRequest, EchoResponse>(
          [stub](auto... args) { stub->async()->Echo(std::move(args)...); },
          std::move(request), deadline_, std::move(done));
      return;
    }
    case Endpoint::kReport: {
      auto* stub = gateway_[caller % gateway_.size()].get();
      StartUnary<v1::GetMarketReportRequest, v1::MarketReport>(
          [stub](auto... args) {
            stub->async()->GetMarketReport(std::move(args)...);
          },
          ReportRequest(cache, n), deadline_, std::move(done),
          [](const v1::MarketReport& report) {
            if (report.warnings_size() == 0) return grpc::Status::OK;
            return grpc::Status(
                grpc::StatusCode::DATA_LOSS,
                absl::StrCat("report with warnings: ", report.warnings(0)));
          });
      return;
    }
    case Endpoint::kSeries: {
      auto* stub = query_[caller % query_.size()].get();
      StartUnary<v1::GetSeriesRequest, v1::GetSeriesResponse>(
          [stub](auto... args) {
            stub->async()->GetSeries(std::move(args)...);
          },
          SeriesRequest(cache, n), deadline_, std::move(done));
      return;
    }
    case Endpoint::kPartners: {
      auto* stub = query_[caller % query_.size()].get();
      StartUnary<v1::GetPartnerBreakdownRequest,
                 v1::GetPartnerBreakdownResponse>(
          [stub](auto... args) {
            stub->async()->GetPartnerBreakdown(std::move(args)...);
          },
          PartnersRequest(cache, n), deadline_, std::move(done));
      return;
    }
  }
}

LatencySummary Queries::Run(Endpoint endpoint, Cache cache, LoadConfig config) {
  std::atomic<int64_t>& next = next_cold_[static_cast<int>(endpoint)];
  int64_t base = 0;
  if (cache == Cache::kWarm) {
    // Fill the caches: each warm request once, before the clock starts.
    LoadConfig warmup;
    warmup.callers = 1;
    warmup.max_calls = 4;
    warmup.duration = absl::Seconds(60);
    RunClosedLoop(warmup, [&](int caller, int64_t n, CallDone done) {
      Start(endpoint, cache, caller, n, std::move(done));
    });
  } else {
    base = next.load();
  }
  std::atomic<int64_t> started{0};
  LatencySummary summary =
      RunClosedLoop(config, [&](int caller, int64_t n, CallDone done) {
        started.fetch_add(1);
        Start(endpoint, cache, caller, base + n, std::move(done));
      });
  if (cache == Cache::kCold) next.fetch_add(started.load());
  return summary;
}

}  // namespace evtrade::bench

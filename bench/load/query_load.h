// The read workloads of the benchmarks: GetMarketReport, GetSeries and
// GetPartnerBreakdown through the gateway, and the echo baseline, each as a
// StartCall for RunClosedLoop over several channels.
#ifndef EVTRADE_BENCH_LOAD_QUERY_LOAD_H_
#define EVTRADE_BENCH_LOAD_QUERY_LOAD_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "bench/load/closed_loop.h"
#include "common/domain/month.h"
#include "evtrade/bench/echo.grpc.pb.h"
#include "evtrade/v1/gateway_service.grpc.pb.h"
#include "evtrade/v1/ingest_service.grpc.pb.h"
#include "evtrade/v1/query_service.grpc.pb.h"
#include "grpcpp/channel.h"

namespace evtrade::bench {

// `count` channels to `target`, each with its own TCP connection (a local
// subchannel pool), all with the same arguments, so every workload and the
// echo baseline use alike channels.
std::vector<std::shared_ptr<grpc::Channel>> MakeChannels(
    const std::string& target, int count);

// What the store holds, so that requests ask for data that exists.
struct Workload {
  std::vector<std::string> reporters;  // each with data in every month
  Month first;                         // of the months all reporters have
  Month last;
};

// Which requests a run sends. Cold: every request differs from every other
// one sent before on this Queries object (reporter, month, segment,
// range...), so no cache has seen it. Warm: four fixed requests, sent once
// each before the run.
enum class Cache { kCold, kWarm };

enum class Endpoint { kEcho, kReport, kSeries, kPartners };

std::string_view EndpointName(Endpoint endpoint);

// Thread-safe after construction. Outlives every call it starts.
class Queries {
 public:
  Queries(Workload workload,
          std::vector<std::shared_ptr<grpc::Channel>> gateway_channels,
          std::vector<std::shared_ptr<grpc::Channel>> echo_channels,
          absl::Duration deadline);

  // Runs one closed-loop measurement. Reports with warnings (a part left
  // out) count as errors: a partial answer is not a fast answer.
  LatencySummary Run(Endpoint endpoint, Cache cache, LoadConfig config);

  // The data the requests ask for.
  const Workload& workload() const { return workload_; }

  v1::GetMarketReportRequest ReportRequest(Cache cache, int64_t n) const;
  v1::GetSeriesRequest SeriesRequest(Cache cache, int64_t n) const;
  v1::GetPartnerBreakdownRequest PartnersRequest(Cache cache, int64_t n) const;

  // The smallest top_partners that no cold report request asked for so
  // far (nor any larger one), so a report asking for it is not in the
  // gateway's cache. Cold requests ask for 5 and more in turn (see
  // ReportRequest); at most 100.
  int UnaskedTopPartners() const;

 private:
  void Start(Endpoint endpoint, Cache cache, int caller, int64_t n,
             CallDone done);
  // The (reporter, month, variant) of cold request n.
  struct Pick {
    const std::string* reporter;
    Month month;
    int64_t variant;
  };
  Pick PickCold(int64_t n) const;
  Pick PickWarm(int64_t n) const;

  const Workload workload_;
  const absl::Duration deadline_;
  std::vector<std::unique_ptr<v1::GatewayService::Stub>> gateway_;
  std::vector<std::unique_ptr<v1::QueryService::Stub>> query_;
  std::vector<std::unique_ptr<EchoService::Stub>> echo_;
  // Where the next cold run of each endpoint starts in its sequence.
  std::atomic<int64_t> next_cold_[4] = {0, 0, 0, 0};
};

}  // namespace evtrade::bench

#endif  // EVTRADE_BENCH_LOAD_QUERY_LOAD_H_

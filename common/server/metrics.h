// Prometheus metrics for a gRPC server: a registry, an optional HTTP exposer
// (/metrics), and one server interceptor that records the usual gRPC server
// series for every call:
//   grpc_server_started_total{grpc_service,grpc_method,grpc_type}
//   grpc_server_handled_total{grpc_service,grpc_method,grpc_type,grpc_code}
//   grpc_server_handling_seconds{grpc_service,grpc_method,grpc_type}
//   (histogram)
// grpc_type is unary, client_stream, server_stream or bidi_stream; grpc_code
// is the canonical name (OK, INVALID_ARGUMENT, ...). A client interceptor
// records the calls a process makes on a channel built with it:
//   evtrade_grpc_client_requests_total{method,code}
//   evtrade_grpc_client_request_duration_seconds{method}  (histogram)
// method is the full method name ("evtrade.v1.QueryService/GetSeries").
// Every registry renders with the process_* series (process_metrics.h).
#ifndef EVTRADE_COMMON_SERVER_METRICS_H_
#define EVTRADE_COMMON_SERVER_METRICS_H_

#include <memory>
#include <string>

#include "absl/base/call_once.h"
#include "absl/status/statusor.h"
#include "common/server/process_metrics.h"
#include "grpcpp/support/client_interceptor.h"
#include "grpcpp/support/server_interceptor.h"
#include "prometheus/counter.h"
#include "prometheus/exposer.h"
#include "prometheus/family.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"

namespace evtrade {

struct MetricsConfig {
  // host:port for the Prometheus HTTP exposer ("127.0.0.1:0" picks a port).
  // Empty: no exposer; whoever owns an HTTP port renders RenderText() (the
  // gateway serves /metrics on its HTTP listener).
  std::string listen_address;
};

// The latency histogram buckets of every evtrade histogram, in seconds:
// those of go-grpc-prometheus, so that dashboards written for it work.
const prometheus::Histogram::BucketBoundaries& LatencyBuckets();

// Thread-safe: the families are prometheus-cpp's (internally locked); the
// interceptors may run on any gRPC thread. Must outlive every server that
// uses its interceptor factory.
class Metrics {
 public:
  // Starts the exposer if configured; INVALID_ARGUMENT/UNAVAILABLE with the
  // reason when it cannot listen.
  static absl::StatusOr<std::unique_ptr<Metrics>> Create(
      const MetricsConfig& config);

  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;
  ~Metrics();

  // For other components that want to add their own series.
  std::shared_ptr<prometheus::Registry> registry() const { return registry_; }

  // A factory for grpc::ServerBuilder::experimental().
  // SetInterceptorCreators(); each call gets one interceptor.
  std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
  NewServerInterceptorFactory();

  // A factory for grpc::experimental::CreateCustomChannelWithInterceptors;
  // each call on the channel gets one interceptor. The client series appear
  // once the first factory is made.
  std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>
  NewClientInterceptorFactory();

  // The registry in the Prometheus text exposition format (what /metrics
  // serves), with the process_* series.
  std::string RenderText() const;

  // The Content-Type of /metrics: what the exposer sends (a test checks),
  // and what a component serving RenderText() itself must send.
  static constexpr char kContentType[] = "text/plain; charset=utf-8";

  // "host:port" the exposer listens on (the real port when 0 was asked for);
  // empty when there is no exposer.
  const std::string& exposer_address() const { return exposer_address_; }

 private:
  friend class MetricsInterceptor;
  friend class ClientMetricsInterceptor;
  Metrics();

  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Counter>* started_;
  prometheus::Family<prometheus::Counter>* handled_;
  prometheus::Family<prometheus::Histogram>* handling_seconds_;
  absl::once_flag client_families_once_;
  prometheus::Family<prometheus::Counter>* client_requests_ = nullptr;
  prometheus::Family<prometheus::Histogram>* client_seconds_ = nullptr;
  std::shared_ptr<ProcessCollector> process_;
  std::unique_ptr<prometheus::Exposer> exposer_;
  std::string exposer_address_;
};

}  // namespace evtrade

#endif  // EVTRADE_COMMON_SERVER_METRICS_H_

#include "common/server/metrics.h"

#include <grpcpp/server_context.h>

#include <exception>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/server/grpc_status.h"
#include "common/util/host_port.h"
#include "prometheus/text_serializer.h"

namespace evtrade {
namespace {

using grpc::experimental::ClientRpcInfo;
using grpc::experimental::InterceptionHookPoints;
using grpc::experimental::ServerRpcInfo;

absl::string_view TypeName(ServerRpcInfo::Type type) {
  switch (type) {
    case ServerRpcInfo::Type::UNARY:
      return "unary";
    case ServerRpcInfo::Type::CLIENT_STREAMING:
      return "client_stream";
    case ServerRpcInfo::Type::SERVER_STREAMING:
      return "server_stream";
    case ServerRpcInfo::Type::BIDI_STREAMING:
      return "bidi_stream";
  }
  return "unknown";
}

}  // namespace

const prometheus::Histogram::BucketBoundaries& LatencyBuckets() {
  static const auto* const kBuckets =
      new prometheus::Histogram::BucketBoundaries{
          0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
  return *kBuckets;
}

// One per call. gRPC runs the hooks of one call in order, never two at once,
// so the fields need no lock.
class MetricsInterceptor final : public grpc::experimental::Interceptor {
 public:
  MetricsInterceptor(Metrics* metrics, ServerRpcInfo* info)
      : metrics_(metrics),
        start_(absl::Now()),
        deadline_(info->server_context() != nullptr
                      ? CallDeadline(info->server_context()->deadline())
                      : absl::InfiniteFuture()) {
    // "/evtrade.v1.QueryService/GetSeries"
    absl::string_view full = info->method() != nullptr ? info->method() : "";
    if (!full.empty() && full.front() == '/') full.remove_prefix(1);
    const size_t slash = full.rfind('/');
    labels_ = {{"grpc_service", std::string(full.substr(0, slash))},
               {"grpc_method", slash == absl::string_view::npos
                                   ? std::string()
                                   : std::string(full.substr(slash + 1))},
               {"grpc_type", std::string(TypeName(info->type()))}};
    metrics_->started_->Add(labels_).Increment();
  }

  ~MetricsInterceptor() override {
    // A call that ends without sending a status was cancelled by the client
    // or ran out of time.
    if (!recorded_) Record(EndedCallStatus(deadline_, "").error_code());
  }

  void Intercept(
      grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            InterceptionHookPoints::PRE_SEND_STATUS)) {
      Record(methods->GetSendStatus().error_code());
    }
    methods->Proceed();
  }

 private:
  void Record(grpc::StatusCode code) {
    recorded_ = true;
    metrics_->handling_seconds_->Add(labels_, LatencyBuckets())
        .Observe(absl::ToDoubleSeconds(absl::Now() - start_));
    auto handled_labels = labels_;
    // The numeric codes are the same in gRPC and Abseil.
    handled_labels["grpc_code"] =
        absl::StatusCodeToString(static_cast<absl::StatusCode>(code));
    metrics_->handled_->Add(handled_labels).Increment();
  }

  Metrics* metrics_;
  absl::Time start_;
  absl::Time deadline_;
  std::map<std::string, std::string> labels_;
  bool recorded_ = false;
};

// One per client call; as on the server, its hooks never run concurrently.
class ClientMetricsInterceptor final : public grpc::experimental::Interceptor {
 public:
  ClientMetricsInterceptor(Metrics* metrics, ClientRpcInfo* info)
      : metrics_(metrics), start_(absl::Now()) {
    absl::string_view method = info->method() != nullptr ? info->method() : "";
    if (!method.empty() && method.front() == '/') method.remove_prefix(1);
    method_ = std::string(method);
  }

  void Intercept(
      grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            InterceptionHookPoints::POST_RECV_STATUS)) {
      const grpc::Status* status = methods->GetRecvStatus();
      const grpc::StatusCode code =
          status != nullptr ? status->error_code() : grpc::StatusCode::UNKNOWN;
      metrics_->client_seconds_->Add({{"method", method_}}, LatencyBuckets())
          .Observe(absl::ToDoubleSeconds(absl::Now() - start_));
      metrics_->client_requests_
          ->Add({{"method", method_},
                 {"code", absl::StatusCodeToString(
                              static_cast<absl::StatusCode>(code))}})
          .Increment();
    }
    methods->Proceed();
  }

 private:
  Metrics* metrics_;
  absl::Time start_;
  std::string method_;
};

namespace {

class ClientMetricsInterceptorFactory final
    : public grpc::experimental::ClientInterceptorFactoryInterface {
 public:
  explicit ClientMetricsInterceptorFactory(Metrics* metrics)
      : metrics_(metrics) {}
  grpc::experimental::Interceptor* CreateClientInterceptor(
      ClientRpcInfo* info) override {
    return new ClientMetricsInterceptor(metrics_, info);
  }

 private:
  Metrics* metrics_;
};

class MetricsInterceptorFactory final
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit MetricsInterceptorFactory(Metrics* metrics) : metrics_(metrics) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(
      ServerRpcInfo* info) override {
    return new MetricsInterceptor(metrics_, info);
  }

 private:
  Metrics* metrics_;
};

}  // namespace

Metrics::Metrics()
    : registry_(std::make_shared<prometheus::Registry>()),
      started_(&prometheus::BuildCounter()
                    .Name("grpc_server_started_total")
                    .Help("RPCs started on the server.")
                    .Register(*registry_)),
      handled_(&prometheus::BuildCounter()
                    .Name("grpc_server_handled_total")
                    .Help("RPCs completed on the server, by status code.")
                    .Register(*registry_)),
      handling_seconds_(&prometheus::BuildHistogram()
                             .Name("grpc_server_handling_seconds")
                             .Help("Time from the start of an RPC to its "
                                   "status being sent, in seconds.")
                             .Register(*registry_)),
      process_(std::make_shared<ProcessCollector>()) {}

Metrics::~Metrics() = default;

absl::StatusOr<std::unique_ptr<Metrics>> Metrics::Create(
    const MetricsConfig& config) {
  std::unique_ptr<Metrics> metrics(new Metrics());
  if (config.listen_address.empty()) return metrics;

  absl::StatusOr<HostPort> listen = ParseHostPort(config.listen_address);
  if (!listen.ok()) return listen.status();
  try {
    // prometheus-cpp (civetweb) reports bind failures by exception; they
    // stop here.
    metrics->exposer_ = std::make_unique<prometheus::Exposer>(
        config.listen_address, /*num_threads=*/1);
  } catch (const std::exception& e) {
    return absl::UnavailableError(absl::StrCat(
        "cannot serve metrics on ", config.listen_address, ": ", e.what()));
  }
  metrics->exposer_->RegisterCollectable(metrics->registry_);
  metrics->exposer_->RegisterCollectable(metrics->process_);
  std::vector<int> ports = metrics->exposer_->GetListeningPorts();
  metrics->exposer_address_ =
      (ports.empty() ? *listen : listen->WithPort(ports.front())).ToString();
  return metrics;
}

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
Metrics::NewServerInterceptorFactory() {
  return std::make_unique<MetricsInterceptorFactory>(this);
}

std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>
Metrics::NewClientInterceptorFactory() {
  absl::call_once(client_families_once_, [this] {
    client_requests_ = &prometheus::BuildCounter()
                            .Name("evtrade_grpc_client_requests_total")
                            .Help(
                                "RPCs this process made, by full method "
                                "name and status code.")
                            .Register(*registry_);
    client_seconds_ = &prometheus::BuildHistogram()
                           .Name("evtrade_grpc_client_request_duration_seconds")
                           .Help(
                               "Time from the start of an RPC this process "
                               "made to its status arriving, in seconds.")
                           .Register(*registry_);
  });
  return std::make_unique<ClientMetricsInterceptorFactory>(this);
}

std::string Metrics::RenderText() const {
  std::vector<prometheus::MetricFamily> families = registry_->Collect();
  for (prometheus::MetricFamily& family : process_->Collect()) {
    families.push_back(std::move(family));
  }
  return prometheus::TextSerializer().Serialize(families);
}

}  // namespace evtrade

#include "common/server/metrics.h"

#include <grpcpp/server_context.h>

#include <exception>
#include <map>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/server/grpc_status.h"
#include "prometheus/text_serializer.h"

namespace evtrade {
namespace {

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

// Buckets of go-grpc-prometheus, so that dashboards written for it work.
const prometheus::Histogram::BucketBoundaries& HandlingBuckets() {
  static const auto* const kBuckets =
      new prometheus::Histogram::BucketBoundaries{
          0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
  return *kBuckets;
}

}  // namespace

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
    metrics_->handling_seconds_->Add(labels_, HandlingBuckets())
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

namespace {

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
                             .Register(*registry_)) {}

Metrics::~Metrics() = default;

absl::StatusOr<std::unique_ptr<Metrics>> Metrics::Create(
    const MetricsConfig& config) {
  std::unique_ptr<Metrics> metrics(new Metrics());
  if (config.listen_address.empty()) return metrics;

  const size_t colon = config.listen_address.rfind(':');
  if (colon == std::string::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", config.listen_address, "\" is not host:port"));
  }
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
  std::vector<int> ports = metrics->exposer_->GetListeningPorts();
  metrics->exposer_address_ = absl::StrCat(
      config.listen_address.substr(0, colon), ":",
      ports.empty() ? std::string(config.listen_address.substr(colon + 1))
                    : absl::StrCat(ports.front()));
  return metrics;
}

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
Metrics::NewServerInterceptorFactory() {
  return std::make_unique<MetricsInterceptorFactory>(this);
}

std::string Metrics::RenderText() const {
  return prometheus::TextSerializer().Serialize(registry_->Collect());
}

}  // namespace evtrade

#include "tests/support/fake_query_service.h"

#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server_builder.h>

#include <algorithm>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/server/data_version_stream.h"
#include "common/server/grpc_status.h"

namespace evtrade::testing {

FakeQueryService::~FakeQueryService() { ReleaseDelayed(); }

// One watch stream, told by the fake (with its lock held, which
// DataVersionStream allows).
class FakeQueryService::FakeWatch final : public DataVersionStream {
 public:
  explicit FakeWatch(FakeQueryService* owner) : owner_(owner) {}

 private:
  void Detach() override { owner_->ForgetWatch(this); }

  FakeQueryService* const owner_;
};

void FakeQueryService::EnableWatch(int64_t data_version) {
  absl::MutexLock lock(&mu_);
  watch_version_ = data_version;
}

void FakeQueryService::PublishDataVersion(int64_t data_version) {
  absl::MutexLock lock(&mu_);
  watch_version_ = data_version;
  for (FakeWatch* watch : watches_) watch->Tell(data_version);
}

void FakeQueryService::EndWatches() {
  absl::MutexLock lock(&mu_);
  for (FakeWatch* watch : watches_) {
    watch->End(grpc::Status(grpc::StatusCode::UNAVAILABLE, "watch lost"));
  }
}

int FakeQueryService::OpenWatches() const {
  absl::MutexLock lock(&mu_);
  return static_cast<int>(watches_.size());
}

void FakeQueryService::ForgetWatch(FakeWatch* watch) {
  absl::MutexLock lock(&mu_);
  watches_.erase(watch);
}

grpc::ServerWriteReactor<v1::WatchDataVersionResponse>*
FakeQueryService::WatchDataVersion(
    grpc::CallbackServerContext* /*context*/,
    const v1::WatchDataVersionRequest* /*request*/) {
  auto* watch = new FakeWatch(this);
  absl::MutexLock lock(&mu_);
  if (!watch_version_.has_value()) {
    watch->End(grpc::Status(grpc::StatusCode::UNIMPLEMENTED,
                            "WatchDataVersion: no fake"));
  } else if (stopping_) {
    watch->End(grpc::Status(grpc::StatusCode::UNAVAILABLE, "stopping"));
  } else {
    watches_.insert(watch);
    watch->Tell(*watch_version_);
  }
  return watch;
}

void FakeQueryService::ReleaseDelayed() {
  std::vector<std::thread> threads;
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    threads.swap(delayed_);
    for (FakeWatch* watch : watches_) {
      watch->End(grpc::Status(grpc::StatusCode::UNAVAILABLE, "stopping"));
    }
  }
  for (std::thread& t : threads) t.join();
}

void FakeQueryService::SetDelay(const std::string& method,
                                absl::Duration delay) {
  absl::MutexLock lock(&mu_);
  delays_[method] = delay;
}

int FakeQueryService::Calls(const std::string& method) const {
  absl::MutexLock lock(&mu_);
  auto it = requests_.find(method);
  return it == requests_.end() ? 0 : static_cast<int>(it->second.size());
}

int FakeQueryService::TotalCalls() const {
  absl::MutexLock lock(&mu_);
  int total = 0;
  for (const auto& [method, requests] : requests_) total += requests.size();
  return total;
}

int FakeQueryService::MaxInFlight() const {
  absl::MutexLock lock(&mu_);
  return max_in_flight_;
}

absl::Time FakeQueryService::LastDeadline(const std::string& method) const {
  absl::MutexLock lock(&mu_);
  auto it = deadlines_.find(method);
  return it == deadlines_.end() ? absl::InfinitePast() : it->second;
}

std::vector<std::string> FakeQueryService::Requests(
    const std::string& method) const {
  absl::MutexLock lock(&mu_);
  auto it = requests_.find(method);
  return it == requests_.end() ? std::vector<std::string>() : it->second;
}

template <typename Request, typename Response>
grpc::ServerUnaryReactor* FakeQueryService::Handle(
    const std::string& method, grpc::CallbackServerContext* context,
    const Request* request, Response* response,
    FakeHandler<Request, Response> FakeQueryService::*handler) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  FakeHandler<Request, Response> answer;
  absl::Duration delay;
  bool stopping;
  {
    absl::MutexLock lock(&mu_);
    requests_[method].push_back(request->ShortDebugString());
    deadlines_[method] = absl::FromChrono(context->deadline());
    ++in_flight_;
    max_in_flight_ = std::max(max_in_flight_, in_flight_);
    answer = this->*handler;
    auto it = delays_.find(method);
    delay = it == delays_.end() ? absl::ZeroDuration() : it->second;
    stopping = stopping_;
  }
  absl::StatusOr<Response> result =
      answer ? answer(*request)
             : absl::UnimplementedError(absl::StrCat(method, ": no fake"));
  auto finish = [this, reactor, response, result = std::move(result)]() {
    {
      absl::MutexLock lock(&mu_);
      --in_flight_;
    }
    if (result.ok()) {
      *response = *result;
      reactor->Finish(grpc::Status::OK);
    } else {
      reactor->Finish(ToGrpcStatus(result.status()));
    }
  };
  if (delay <= absl::ZeroDuration() || stopping) {
    finish();
    return reactor;
  }
  absl::MutexLock lock(&mu_);
  delayed_.emplace_back([this, delay, finish = std::move(finish)]() {
    {
      absl::MutexLock wait_lock(&mu_);
      mu_.AwaitWithTimeout(absl::Condition(&stopping_), delay);
    }
    finish();
  });
  return reactor;
}

#define EVTRADE_FAKE_METHOD(Method, field)                                  \
  void FakeQueryService::On##Method(                                        \
      FakeHandler<v1::Method##Request, v1::Method##Response> h) {           \
    absl::MutexLock lock(&mu_);                                             \
    field = std::move(h);                                                   \
  }                                                                         \
  grpc::ServerUnaryReactor* FakeQueryService::Method(                       \
      grpc::CallbackServerContext* context,                                 \
      const v1::Method##Request* request, v1::Method##Response* response) { \
    return Handle(#Method, context, request, response,                      \
                  &FakeQueryService::field);                                \
  }

EVTRADE_FAKE_METHOD(GetSeries, series_)
EVTRADE_FAKE_METHOD(GetPartnerBreakdown, partners_)
EVTRADE_FAKE_METHOD(GetPowertrainMix, mix_)
EVTRADE_FAKE_METHOD(GetManufacturerBreakdown, manufacturers_)
EVTRADE_FAKE_METHOD(GetExporterRanking, ranking_)
EVTRADE_FAKE_METHOD(ListRecords, records_)
EVTRADE_FAKE_METHOD(GetStoreInfo, store_info_)
EVTRADE_FAKE_METHOD(GetReportFacts, report_facts_)

#undef EVTRADE_FAKE_METHOD

std::unique_ptr<InProcessServer> InProcessServer::Start(
    const std::vector<grpc::Service*>& services, int port) {
  grpc::EnableDefaultHealthCheckService(true);
  grpc::ServerBuilder builder;
  int bound_port = 0;
  // No SO_REUSEPORT (gRPC's default): with it, port 0 may be given to this
  // server and to another test's at once, and connections split between them.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.AddListeningPort(absl::StrCat("127.0.0.1:", port),
                           grpc::InsecureServerCredentials(), &bound_port);
  for (grpc::Service* service : services) builder.RegisterService(service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || bound_port == 0) return nullptr;
  return std::unique_ptr<InProcessServer>(
      new InProcessServer(std::move(server), bound_port));
}

InProcessServer::~InProcessServer() {
  server_->Shutdown(std::chrono::system_clock::now() +
                    std::chrono::milliseconds(200));
  server_->Wait();
}

std::string InProcessServer::address() const {
  return absl::StrCat("127.0.0.1:", port_);
}

}  // namespace evtrade::testing

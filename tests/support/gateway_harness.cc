#include "tests/support/gateway_harness.h"

#include <google/protobuf/util/message_differencer.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "tests/support/canned_market.h"

namespace evtrade::testing {

void ExpectSameMessage(const google::protobuf::Message& expected,
                       const google::protobuf::Message& actual) {
  std::string diff;
  google::protobuf::util::MessageDifferencer differencer;
  differencer.ReportDifferencesToString(&diff);
  EXPECT_TRUE(differencer.Compare(expected, actual)) << diff;
}

gateway::QueryClientConfig FastTestClientConfig() {
  gateway::QueryClientConfig config;
  config.max_reconnect_backoff = absl::Milliseconds(200);
  return config;
}

GatewayHarness::GatewayHarness()
    : data_version_(std::make_shared<std::atomic<int64_t>>(7)) {
  RestartBackend();
}

GatewayHarness::~GatewayHarness() {
  // Delayed fake answers go out now, so that no shutdown waits on them.
  if (fake_ != nullptr) fake_->ReleaseDelayed();
  gateway_server_.reset();
  backend_.reset();
}

void GatewayHarness::StartGateway(gateway::QueryClientConfig client_config,
                                  gateway::MarketReportsConfig reports_config) {
  client_config.target = absl::StrCat("127.0.0.1:", backend_port_);
  client_ = std::make_unique<gateway::QueryClient>(client_config);
  reports_ =
      std::make_unique<gateway::MarketReports>(client_.get(), reports_config);
  gateway_service_ =
      std::make_unique<gateway::GatewayServiceImpl>(reports_.get());
  forwarder_ = std::make_unique<gateway::QueryForwarder>(client_.get());
  gateway_server_ =
      InProcessServer::Start({gateway_service_.get(), forwarder_.get()});
  ASSERT_NE(gateway_server_, nullptr);
  auto channel = grpc::CreateChannel(gateway_server_->address(),
                                     grpc::InsecureChannelCredentials());
  // The tests' calls have no wait_for_ready: a first connection attempt
  // that fails (seen once, on a loaded machine) would fail them all until
  // the channel's reconnect backoff passes. Connect before they start.
  EXPECT_TRUE(channel->WaitForConnected(std::chrono::system_clock::now() +
                                        std::chrono::seconds(10)))
      << "no connection to the in-process gateway at "
      << gateway_server_->address();
  gateway_stub_ = v1::GatewayService::NewStub(channel);
  query_stub_ = v1::QueryService::NewStub(channel);
}

void GatewayHarness::EnableWatch() {
  watch_ = true;
  fake_->EnableWatch(data_version_->load());
}

void GatewayHarness::PublishDataVersion(int64_t version) {
  data_version_->store(version);
  fake_->PublishDataVersion(version);
}

void GatewayHarness::StopBackend() {
  fake_->ReleaseDelayed();
  backend_.reset();
}

bool GatewayHarness::RestartBackend() {
  backend_.reset();
  fake_ = std::make_unique<FakeQueryService>();
  InstallChinaNovember2022(*fake_, data_version_);
  if (watch_) fake_->EnableWatch(data_version_->load());
  backend_ = InProcessServer::Start({fake_.get()}, backend_port_);
  if (backend_ == nullptr) return false;
  backend_port_ = backend_->port();
  return true;
}

}  // namespace evtrade::testing

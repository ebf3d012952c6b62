// The gateway's client metrics: every call QueryClient makes to the query
// service is counted by method and status code and timed.
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "common/server/metrics.h"
#include "gateway/query_client.h"
#include "gtest/gtest.h"
#include "tests/support/fake_query_service.h"
#include "tests/support/gateway_harness.h"
#include "tests/support/metric_sample.h"

namespace evtrade::gateway {
namespace {

// Makes one call through `call(done)` and waits for its answer.
template <typename Response, typename Call>
absl::StatusCode CallAndWait(Call call) {
  absl::Notification done;
  absl::StatusCode code = absl::StatusCode::kUnknown;
  call([&](absl::StatusOr<Response> response) {
    code = response.status().code();
    done.Notify();
  });
  EXPECT_TRUE(done.WaitForNotificationWithTimeout(absl::Seconds(10)));
  return code;
}

TEST(QueryClientMetricsTest, CountsEveryCallByMethodAndCode) {
  testing::FakeQueryService fake;
  fake.OnGetSeries([](const v1::GetSeriesRequest& request)
                       -> absl::StatusOr<v1::GetSeriesResponse> {
    if (request.reporter() == "XXX") {
      return absl::NotFoundError("reporter: XXX has no records");
    }
    return v1::GetSeriesResponse();
  });
  std::unique_ptr<testing::InProcessServer> backend =
      testing::InProcessServer::Start({&fake});
  ASSERT_NE(backend, nullptr);

  auto metrics = Metrics::Create({});
  ASSERT_TRUE(metrics.ok()) << metrics.status();
  QueryClientConfig config = testing::FastTestClientConfig();
  config.target = backend->address();
  QueryClient client(config, metrics->get());

  v1::GetSeriesRequest chn;
  chn.set_reporter("CHN");
  v1::GetSeriesRequest unknown;
  unknown.set_reporter("XXX");
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  for (const v1::GetSeriesRequest* request : {&chn, &chn, &unknown}) {
    CallAndWait<v1::GetSeriesResponse>([&](auto done) {
      client.GetSeries(*request, deadline, std::move(done));
    });
  }
  EXPECT_EQ(CallAndWait<v1::GetStoreInfoResponse>([&](auto done) {
              client.GetStoreInfo(v1::GetStoreInfoRequest(), deadline,
                                  std::move(done));
            }),
            absl::StatusCode::kUnimplemented);

  const Metrics& m = **metrics;
  auto requests = [&m](const std::string& method, const std::string& code) {
    return testing::MetricSample(*m.registry(),
                                 "evtrade_grpc_client_requests_total",
                                 {{"method", method}, {"code", code}});
  };
  auto timed = [&m](const std::string& method) {
    return testing::MetricSample(*m.registry(),
                                 "evtrade_grpc_client_request_duration_seconds",
                                 {{"method", method}});
  };
  const std::string series = "evtrade.v1.QueryService/GetSeries";
  const std::string info = "evtrade.v1.QueryService/GetStoreInfo";
  EXPECT_EQ(requests(series, "OK"), 2);
  EXPECT_EQ(requests(series, "NOT_FOUND"), 1);
  EXPECT_EQ(timed(series), 3);
  EXPECT_EQ(requests(info, "UNIMPLEMENTED"), 1);
  EXPECT_EQ(timed(info), 1);
  EXPECT_EQ(fake.Calls("GetSeries"), 3);
}

}  // namespace
}  // namespace evtrade::gateway

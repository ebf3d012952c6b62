// The query tests' small store: records written through the real writer
// (either backend), and an in-process QueryService with a real stub.
#ifndef EVTRADE_TESTS_SUPPORT_QUERY_FIXTURE_H_
#define EVTRADE_TESTS_SUPPORT_QUERY_FIXTURE_H_

#include <grpcpp/grpcpp.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/store/ingest_store.h"
#include "common/store/query_store.h"
#include "evtrade/v1/query_service.grpc.pb.h"
#include "gtest/gtest.h"
#include "query_service/query_service.h"
#include "tests/support/store_backends.h"

namespace evtrade::testing {

v1::Period MakePeriod(int year, int month);

// A normalized official (or manufacturer) record.
v1::TradeRecord Rec(const std::string& reporter, const std::string& partner,
                    v1::Flow flow, const std::string& hs_code, int year,
                    int month, int64_t value_usd, int64_t quantity,
                    const std::string& manufacturer = "");

// Validates and upserts `records` in one batch and commits it; returns the
// batch's data_version.
absl::StatusOr<int64_t> IngestBatch(store::IngestStore& store,
                                    const std::vector<v1::TradeRecord>& records,
                                    const std::string& source);

// The fixture (hand-computed figures in tests/query/query_figures_test.cc):
// CHN exports of BEV (870380, with World rows), ICE (870323, partners only)
// and PHEV (870360, partners only, a zero month 2021-10) in 2021-10/11 and
// 2022-10/11; BEL and GBR tied on BEV in 2022-11; S19; manufacturer rows
// Tesla (World) and BYD (BEL); an import; a non-vehicle code; DEU and JPN
// exports for rankings. 22 records.
std::vector<v1::TradeRecord> FixtureBatch1();
// Revises CHN's World BEV row of 2021-11 from 1000 to 4000 (40 units).
std::vector<v1::TradeRecord> FixtureBatch2();

// The store read of CHN's official BEV exports of 2021-11: one cell, the
// World row (1000; 4000 after FixtureBatch2).
store::SeriesFilter ChnBev202111();

// A QueryService on an in-process gRPC server over the store `db` (as
// --db: a SQLite file or a PostgreSQL URI).
class InProcessQueryServer {
 public:
  static absl::StatusOr<std::unique_ptr<InProcessQueryServer>> Start(
      const std::string& db, int worker_threads = 2);
  ~InProcessQueryServer();

  v1::QueryService::Stub& stub() { return *stub_; }
  query::QueryServiceImpl& service() { return *service_; }

 private:
  InProcessQueryServer() = default;

  std::unique_ptr<query::QueryServiceImpl> service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<v1::QueryService::Stub> stub_;
};

// Base of a test suite, run once per store backend, whose tests share one
// in-process server per backend: the suite's SetUp calls UseSharedServer.
class SharedQueryServerSuite : public ::testing::TestWithParam<Backend> {
 protected:
  // The first test of each backend makes a fresh store, fills it with
  // `fill` (which may ASSERT) and starts the server; later tests of that
  // backend reuse both. Fails the calling test when that cannot be done.
  void UseSharedServer(const std::function<void(store::IngestStore&)>& fill);
  static void TearDownTestSuite();
  // The current test's server.
  static v1::QueryService::Stub& stub();

 private:
  static std::array<InProcessQueryServer*, 2> servers_;
  static Backend current_;
};

// Calls one QueryService method (e.g. &v1::QueryService::Stub::GetSeries)
// with a 20 s deadline.
template <typename Response, typename Request, typename Method>
grpc::Status CallQuery(v1::QueryService::Stub& stub, Method method,
                       const Request& request, Response* response) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(20));
  return (stub.*method)(&context, request, response);
}

// As CallQuery; a non-OK status fails the test.
template <typename Response, typename Request, typename Method>
Response CallQueryOk(v1::QueryService::Stub& stub, Method method,
                     const Request& request) {
  Response response;
  grpc::Status status = CallQuery(stub, method, request, &response);
  EXPECT_TRUE(status.ok()) << status.error_code() << ": "
                           << status.error_message();
  return response;
}

}  // namespace evtrade::testing

#endif  // EVTRADE_TESTS_SUPPORT_QUERY_FIXTURE_H_

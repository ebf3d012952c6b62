#include "tests/support/query_fixture.h"

#include <utility>

#include "absl/status/status.h"
#include "common/store/open_store.h"
#include "common/store/write_records.h"
#include "common/util/status_macros.h"

namespace evtrade::testing {

v1::Period MakePeriod(int year, int month) {
  v1::Period period;
  period.set_year(year);
  period.set_month(month);
  return period;
}

v1::TradeRecord Rec(const std::string& reporter, const std::string& partner,
                    v1::Flow flow, const std::string& hs_code, int year,
                    int month, int64_t value_usd, int64_t quantity,
                    const std::string& manufacturer) {
  v1::TradeRecord r;
  r.set_reporter(reporter);
  r.set_partner(partner);
  r.set_flow(flow);
  r.set_hs_code(hs_code);
  r.mutable_period()->set_year(year);
  r.mutable_period()->set_month(month);
  r.set_value_usd(value_usd);
  r.set_quantity(quantity);
  r.set_manufacturer(manufacturer);
  r.set_source("query-fixture");
  return r;
}

absl::StatusOr<int64_t> IngestBatch(store::IngestStore& store,
                                    const std::vector<v1::TradeRecord>& records,
                                    const std::string& source) {
  store::BatchMeta meta;
  meta.source = source;
  meta.writer = "query-tests";
  size_t next = 0;
  ASSIGN_OR_RETURN(store::BatchInfo info, store::WriteBatch(
                                              store, meta,
                                              [&](v1::TradeRecord& record) {
                                                if (next == records.size())
                                                  return false;
                                                record = records[next++];
                                                return true;
                                              },
                                              /*all_or_nothing=*/true));
  return info.data_version;
}

std::vector<v1::TradeRecord> FixtureBatch1() {
  constexpr v1::Flow X = v1::FLOW_EXPORT;
  return {
      Rec("CHN", "W00", X, "870380", 2021, 11, 1000, 10),
      Rec("CHN", "BEL", X, "870380", 2021, 11, 600, 6),
      Rec("CHN", "GBR", X, "870380", 2021, 11, 300, 3),
      Rec("CHN", "DEU", X, "870323", 2021, 11, 500, 5),
      Rec("CHN", "BEL", X, "870360", 2021, 10, 0, 0),
      Rec("CHN", "W00", X, "870380", 2022, 10, 2000, 20),
      Rec("CHN", "BEL", X, "870380", 2022, 10, 1200, 12),
      Rec("CHN", "GBR", X, "870380", 2022, 10, 500, 5),
      Rec("CHN", "DEU", X, "870323", 2022, 10, 1000, 10),
      Rec("CHN", "BEL", X, "870323", 2022, 10, 500, 5),
      Rec("CHN", "W00", X, "870380", 2022, 11, 3000, 30),
      Rec("CHN", "BEL", X, "870380", 2022, 11, 1000, 10),
      Rec("CHN", "GBR", X, "870380", 2022, 11, 1000, 10),
      Rec("CHN", "S19", X, "870380", 2022, 11, 400, 4),
      Rec("CHN", "DEU", X, "870323", 2022, 11, 1500, 15),
      Rec("CHN", "BEL", X, "870360", 2022, 11, 600, 6),
      Rec("CHN", "W00", X, "870380", 2022, 11, 1800, 18, "Tesla"),
      Rec("CHN", "BEL", X, "870360", 2022, 11, 300, 6, "BYD"),
      Rec("CHN", "DEU", v1::FLOW_IMPORT, "870323", 2022, 11, 700, 7),
      Rec("CHN", "BEL", X, "870899", 2022, 11, 999, 0),
      Rec("DEU", "W00", X, "870380", 2022, 11, 2500, 25),
      Rec("JPN", "USA", X, "870323", 2022, 11, 5100, 60),
  };
}

std::vector<v1::TradeRecord> FixtureBatch2() {
  return {Rec("CHN", "W00", v1::FLOW_EXPORT, "870380", 2021, 11, 4000, 40)};
}

store::SeriesFilter ChnBev202111() {
  store::SeriesFilter filter;
  filter.reporter = "CHN";
  filter.classes = {PowertrainClass::kBev};
  filter.first = Month{2021, 11};
  filter.last = Month{2021, 11};
  return filter;
}

absl::StatusOr<std::unique_ptr<InProcessQueryServer>>
InProcessQueryServer::Start(const std::string& db, int worker_threads) {
  query::QueryServiceConfig config;
  config.store.db = db;
  config.worker_threads = worker_threads;
  auto service = query::QueryServiceImpl::Create(config);
  if (!service.ok()) return service.status();
  std::unique_ptr<InProcessQueryServer> server(new InProcessQueryServer());
  server->service_ = *std::move(service);
  grpc::ServerBuilder builder;
  builder.RegisterService(server->service_.get());
  server->server_ = builder.BuildAndStart();
  if (server->server_ == nullptr) {
    return absl::InternalError("in-process server did not start");
  }
  server->stub_ = v1::QueryService::NewStub(
      server->server_->InProcessChannel(grpc::ChannelArguments()));
  return server;
}

InProcessQueryServer::~InProcessQueryServer() {
  // Open WatchDataVersion streams end first: Shutdown waits for every call.
  if (service_ != nullptr) service_->EndWatches();
  if (server_ != nullptr) server_->Shutdown();
}

std::array<InProcessQueryServer*, 2> SharedQueryServerSuite::servers_ = {};
Backend SharedQueryServerSuite::current_ = Backend::kSqlite;

void SharedQueryServerSuite::UseSharedServer(
    const std::function<void(store::IngestStore&)>& fill) {
  current_ = GetParam();
  InProcessQueryServer*& server = servers_[static_cast<int>(current_)];
  if (server != nullptr) return;
  absl::StatusOr<std::string> db = FreshStore(current_);
  ASSERT_TRUE(db.ok()) << db.status();
  {
    store::StoreConfig config;
    config.db = *db;
    auto ingest = store::OpenIngestStore(config);
    ASSERT_TRUE(ingest.ok()) << ingest.status();
    fill(**ingest);
    if (HasFatalFailure()) return;
  }
  auto started = InProcessQueryServer::Start(*db);
  ASSERT_TRUE(started.ok()) << started.status();
  server = started->release();
}

void SharedQueryServerSuite::TearDownTestSuite() {
  for (InProcessQueryServer*& server : servers_) {
    delete server;
    server = nullptr;
  }
}

v1::QueryService::Stub& SharedQueryServerSuite::stub() {
  return servers_[static_cast<int>(current_)]->stub();
}

}  // namespace evtrade::testing

// evtrade.v1.QueryService over the store (SQLite or PostgreSQL).
#ifndef EVTRADE_QUERY_SERVICE_QUERY_SERVICE_H_
#define EVTRADE_QUERY_SERVICE_QUERY_SERVICE_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/store/open_store.h"
#include "evtrade/v1/query_service.grpc.pb.h"
#include "query_service/data_version_watch.h"
#include "query_service/store_worker_pool.h"

namespace evtrade::query {

struct QueryServiceConfig {
  // The store (shared with the ingest service): store.db is a SQLite file
  // or a PostgreSQL URI, e.g. of a hot standby. Readers never migrate a
  // PostgreSQL schema (store.migrate is not used).
  store::StoreConfig store;
  // Threads doing the blocking store reads, one connection each.
  int worker_threads = 4;
  // WatchDataVersion: how often the store's data_version is read while
  // anyone watches (its own thread and connection, apart from the workers).
  DataVersionWatchConfig watch;
};

// Every QueryService RPC on the callback API. Each RPC validates its request
// on the gRPC thread (cheap, and bad requests never queue), then posts the
// store read to a pool of worker threads and finishes the reactor from
// there. gRPC's performance guide asks callback handlers not to block:
// store reads do, and would stall gRPC's shared callback threads (and every
// other RPC on them) while a slow read runs. Each worker owns its own
// connection, so reads run in parallel and no connection is shared.
//
// Thread-safe. Destroy it only after the server it is registered with has
// shut down (that waits for every RPC to finish).
class QueryServiceImpl final : public v1::QueryService::CallbackService {
 public:
  // Opens the store (one connection per worker); fails on a bad path or
  // config.
  static absl::StatusOr<std::unique_ptr<QueryServiceImpl>> Create(
      const QueryServiceConfig& config);

  // OK once the store has the schema the reads need (for the health
  // status: NOT_SERVING until then). Thread-safe.
  absl::Status StoreReady() const { return stores_->SchemaReady(); }

  grpc::ServerUnaryReactor* GetSeries(grpc::CallbackServerContext* context,
                                      const v1::GetSeriesRequest* request,
                                      v1::GetSeriesResponse* response) override;
  grpc::ServerUnaryReactor* GetPartnerBreakdown(
      grpc::CallbackServerContext* context,
      const v1::GetPartnerBreakdownRequest* request,
      v1::GetPartnerBreakdownResponse* response) override;
  grpc::ServerUnaryReactor* GetPowertrainMix(
      grpc::CallbackServerContext* context,
      const v1::GetPowertrainMixRequest* request,
      v1::GetPowertrainMixResponse* response) override;
  grpc::ServerUnaryReactor* GetManufacturerBreakdown(
      grpc::CallbackServerContext* context,
      const v1::GetManufacturerBreakdownRequest* request,
      v1::GetManufacturerBreakdownResponse* response) override;
  grpc::ServerUnaryReactor* GetExporterRanking(
      grpc::CallbackServerContext* context,
      const v1::GetExporterRankingRequest* request,
      v1::GetExporterRankingResponse* response) override;
  grpc::ServerUnaryReactor* ListRecords(
      grpc::CallbackServerContext* context,
      const v1::ListRecordsRequest* request,
      v1::ListRecordsResponse* response) override;
  grpc::ServerUnaryReactor* GetStoreInfo(
      grpc::CallbackServerContext* context,
      const v1::GetStoreInfoRequest* request,
      v1::GetStoreInfoResponse* response) override;
  // A stream per watcher, fed by one DataVersionWatch (see there).
  grpc::ServerWriteReactor<v1::WatchDataVersionResponse>* WatchDataVersion(
      grpc::CallbackServerContext* context,
      const v1::WatchDataVersionRequest* request) override;

  // Ends every WatchDataVersion stream (UNAVAILABLE) and refuses new ones:
  // call it when the server starts to shut down, whose wait for open calls
  // would otherwise last until its timeout.
  void EndWatches() { watch_->Stop(); }

  // The watch behind WatchDataVersion (for tests).
  const DataVersionWatch& watch() const { return *watch_; }

  grpc::ServerUnaryReactor* GetReportFacts(
      grpc::CallbackServerContext* context,
      const v1::GetReportFactsRequest* request,
      v1::GetReportFactsResponse* response) override;

 private:
  QueryServiceImpl(std::unique_ptr<store::QueryStoreFactory> stores,
                   std::unique_ptr<StoreWorkerPool> pool,
                   const DataVersionWatchConfig& watch);

  // Validates with `parse` now, answers with `answer` on a worker.
  template <typename Request, typename Response, typename Parse,
            typename Answer>
  grpc::ServerUnaryReactor* Dispatch(grpc::CallbackServerContext* context,
                                     const Request* request, Response* response,
                                     Parse parse, Answer answer);

  std::unique_ptr<store::QueryStoreFactory> stores_;
  std::unique_ptr<StoreWorkerPool> pool_;
  std::unique_ptr<DataVersionWatch> watch_;
};

}  // namespace evtrade::query

#endif  // EVTRADE_QUERY_SERVICE_QUERY_SERVICE_H_

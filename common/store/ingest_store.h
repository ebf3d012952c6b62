// The write side of the store, as the ingest service uses it. Two backends
// implement it with the same semantics (open one with OpenIngestStore in
// open_store.h): a SQLite file (sqlite_ingest_store.h) and a PostgreSQL
// primary (pg_ingest_store.h).
#ifndef EVTRADE_COMMON_STORE_INGEST_STORE_H_
#define EVTRADE_COMMON_STORE_INGEST_STORE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "evtrade/v1/common.pb.h"

namespace evtrade::store {

// What one upsert did to its record key.
enum class UpsertOutcome {
  kInserted,   // the key was new
  kUpdated,    // other figures: revision kept, new figures current
  kUnchanged,  // the same figures again: nothing written
};

struct BatchCounts {
  int64_t received = 0;
  int64_t inserted = 0;
  int64_t updated = 0;
  int64_t unchanged = 0;
  int64_t rejected = 0;
};

// Who sent a batch and how it is labelled.
struct BatchMeta {
  std::string request_id;  // empty = none
  std::string source;
  std::string writer;
};

// A committed batch, as ListBatches returns it.
struct BatchInfo {
  int64_t batch_id = 0;
  BatchMeta meta;
  absl::Time ingest_time;
  BatchCounts counts;
  int64_t data_version = 0;
};

// One ingest stream being written, inside one store transaction. Nothing is
// visible to readers until Commit; destroying it uncommitted rolls back.
// Holds the store's writer lock for its lifetime: batches of every writer
// of the store (threads, processes, ingest replicas) commit one at a time,
// so batch_id and data_version follow commit order and are never reused.
// Not thread-safe.
class BatchWriter {
 public:
  virtual ~BatchWriter() = default;

  // The id and data version this batch gets if it commits.
  virtual int64_t batch_id() const = 0;
  virtual int64_t data_version() const = 0;

  // Upserts one normalized, validated record (see NormalizeAndValidate) and
  // maintains the rollups in the same transaction.
  virtual absl::StatusOr<UpsertOutcome> Upsert(
      const v1::TradeRecord& record) = 0;

  // Writes the batch row with `counts` and `response` (a serialized
  // IngestResponse, kept for replays) and commits durably (the commit is
  // flushed before this returns). At most once. ALREADY_EXISTS (and nothing
  // written) when a batch with the same non-empty request_id committed first,
  // e.g. a concurrent stream that passed FindResponse at the same time: replay
  // that batch's stored response.
  virtual absl::StatusOr<BatchInfo> Commit(const BatchCounts& counts,
                                           std::string response) = 0;
};

struct BatchPage {
  std::vector<BatchInfo> batches;  // newest first
  std::optional<int64_t> next_before_batch_id;
};

// Thread-safe. One writer at a time: BeginBatch waits while another
// BatchWriter is alive, in this process or (holding the store's writer
// lock) in another; past the configured lock timeout it fails UNAVAILABLE.
// FindResponse and ListBatches answer while a batch is open, from the
// committed batches. Errors: UNAVAILABLE when the store cannot be reached
// or is locked (retry), ALREADY_EXISTS for a duplicate request_id,
// RESOURCE_EXHAUSTED when it is full, FAILED_PRECONDITION for a schema
// this build cannot use.
class IngestStore {
 public:
  virtual ~IngestStore() = default;

  virtual absl::StatusOr<std::unique_ptr<BatchWriter>> BeginBatch(
      const BatchMeta& meta) = 0;

  // The stored response of a committed batch with this request id, if any.
  virtual absl::StatusOr<std::optional<std::string>> FindResponse(
      std::string_view request_id) = 0;

  // Batches with batch_id < before (all when nullopt), newest first.
  virtual absl::StatusOr<BatchPage> ListBatches(
      int page_size, std::optional<int64_t> before_batch_id) = 0;
};

}  // namespace evtrade::store

#endif  // EVTRADE_COMMON_STORE_INGEST_STORE_H_

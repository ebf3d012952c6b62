// A program that includes a store header and calls the store: what a
// gateway source doing so would compile to. tests/layers links it twice:
// with evtrade_store it links (so the source is valid), with the gateway's
// libraries alone it must fail with an undefined store symbol.
#include "common/store/sqlite_ingest_store.h"

int main() {
  evtrade::store::SqliteStoreConfig config;
  config.path = "/nonexistent/evtrade-layer-probe/store.db";
  return evtrade::store::SqliteIngestStore::Open(config).ok() ? 1 : 0;
}

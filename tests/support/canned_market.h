// Canned QueryService answers for China's exports in November 2022 (figures
// shaped like the sample data's story), and the MarketReport the gateway
// must assemble from them, written out field by field.
#ifndef EVTRADE_TESTS_SUPPORT_CANNED_MARKET_H_
#define EVTRADE_TESTS_SUPPORT_CANNED_MARKET_H_

#include <atomic>
#include <cstdint>
#include <memory>

#include "evtrade/v1/gateway_service.pb.h"
#include "tests/support/fake_query_service.h"

namespace evtrade::testing {

// Installs handlers for every QueryService RPC of the report on `fake`:
// reporter CHN, export, 2022-11, segment ELECTRIC; answers carry
// `*data_version` as read at call time (tests bump it to mimic an ingest).
// Other reporters get NOT_FOUND "reporter XXX has no data".
void InstallChinaNovember2022(
    FakeQueryService& fake, std::shared_ptr<std::atomic<int64_t>> data_version);

// The report for {reporter CHN, period 2022-11} with the defaults (ELECTRIC,
// export, top 5), at `data_version`.
v1::MarketReport ExpectedChinaReport(int64_t data_version);

}  // namespace evtrade::testing

#endif  // EVTRADE_TESTS_SUPPORT_CANNED_MARKET_H_

// An HTTP server on 127.0.0.1 that answers like the UN Comtrade v1 API, for
// `evtrade fetch` tests: GET /data/v1/get/C/M/HS (needs the key kKey in
// Ocp-Apim-Subscription-Key, else 401) and /public/v1/preview/C/M/HS (no
// key, at most 500 records), query parameters reporterCode, period,
// cmdCode, flowCode, partnerCode (absent = kDefaultPartners), maxRecords
// (the answer is cut to it, as the API does). One record per combination:
//   primaryValue = reporter * 1,000,000 + partner * 100 + month + 0.5
//   qty = 10 + month (items), netWgt = 1500.5
// Faults can be set for the n-th request. Thread-safe.
#ifndef EVTRADE_TESTS_SUPPORT_FAKE_COMTRADE_API_H_
#define EVTRADE_TESTS_SUPPORT_FAKE_COMTRADE_API_H_

#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace evtrade::testing {

class FakeComtradeApi {
 public:
  static constexpr char kKey[] = "test-subscription-key";
  static constexpr int kDefaultPartners[] = {0, 56, 826};  // World, BEL, GBR

  enum class Fault {
    kTooManyRequests,  // 429 with Retry-After: 1
    kServerError,      // 500
    kMalformedJson,    // 200 with a response cut in the middle
    kErrorSet,         // 200 with "error" set and no data
  };

  // Listens on 127.0.0.1, a free port.
  static std::unique_ptr<FakeComtradeApi> Start();
  ~FakeComtradeApi();

  // "http://127.0.0.1:<port>".
  std::string base_url() const;
  // The `n`-th request (from 1, all requests counted) gets `fault`.
  void FailRequest(int n, Fault fault);
  // Each request's path and query string, in order.
  std::vector<std::string> requests() const;

 private:
  FakeComtradeApi();
  void Handle(const httplib::Request& request, httplib::Response& response);

  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
  mutable absl::Mutex mutex_;
  std::map<int, Fault> faults_ ABSL_GUARDED_BY(mutex_);
  std::vector<std::string> requests_ ABSL_GUARDED_BY(mutex_);
};

}  // namespace evtrade::testing

#endif  // EVTRADE_TESTS_SUPPORT_FAKE_COMTRADE_API_H_

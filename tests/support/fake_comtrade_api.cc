#include "tests/support/fake_comtrade_api.h"

#include <httplib.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/domain/areas.h"

namespace evtrade::testing {
namespace {

constexpr int kPreviewLimit = 500;

std::vector<std::string> List(const httplib::Request& request,
                              const std::string& name) {
  if (!request.has_param(name.c_str())) return {};
  return absl::StrSplit(request.get_param_value(name.c_str()), ',',
                        absl::SkipEmpty());
}

std::string Record(int reporter, int partner, const std::string& period,
                   const std::string& cmd, const std::string& flow) {
  const int month = std::stoi(period.substr(4));
  const int64_t value =
      int64_t{reporter} * 1'000'000 + int64_t{partner} * 100 + month;
  return absl::StrCat(
      R"({"typeCode":"C","freqCode":"M","refPeriodId":)", period, "01",
      R"(,"refYear":)", period.substr(0, 4), R"(,"refMonth":)", month,
      R"(,"period":")", period, R"(","reporterCode":)", reporter,
      R"(,"reporterISO":")", std::string(AreaCodeOfM49(reporter).value_or("")),
      R"(","reporterDesc":"Reporter","flowCode":")", flow,
      R"(","flowDesc":"Flow","partnerCode":)", partner, R"(,"partnerISO":")",
      std::string(AreaCodeOfM49(partner).value_or("")),
      R"(","partnerDesc":"Partner","partner2Code":0,"partner2ISO":"W00",)"
      R"("cmdCode":")",
      cmd,
      R"(","cmdDesc":"Motor cars","customsCode":"C00","mosCode":"0",)"
      R"("motCode":0,"qtyUnitCode":5,"qtyUnitAbbr":"u","qty":)",
      10 + month,
      R"(,"isQtyEstimated":false,"netWgt":1500.5,"cifvalue":null,)"
      R"("fobvalue":)",
      value, R"(.5,"primaryValue":)", value, R"(.5,"isAggregate":)",
      partner == 0 ? "true" : "false", "}");
}

}  // namespace

FakeComtradeApi::FakeComtradeApi()
    : server_(std::make_unique<httplib::Server>()) {}

std::unique_ptr<FakeComtradeApi> FakeComtradeApi::Start() {
  std::unique_ptr<FakeComtradeApi> api(new FakeComtradeApi());
  FakeComtradeApi* self = api.get();
  auto handler = [self](const httplib::Request& request,
                        httplib::Response& response) {
    self->Handle(request, response);
  };
  api->server_->Get("/data/v1/get/C/M/HS", handler);
  api->server_->Get("/public/v1/preview/C/M/HS", handler);
  api->port_ = api->server_->bind_to_any_port("127.0.0.1");
  if (api->port_ <= 0) return nullptr;
  api->thread_ = std::thread([self] { self->server_->listen_after_bind(); });
  // bind_to_any_port already listens: connections queue until the loop
  // accepts them.
  return api;
}

FakeComtradeApi::~FakeComtradeApi() {
  server_->stop();
  if (thread_.joinable()) thread_.join();
}

std::string FakeComtradeApi::base_url() const {
  return absl::StrCat("http://127.0.0.1:", port_);
}

void FakeComtradeApi::FailRequest(int n, Fault fault) {
  absl::MutexLock lock(&mutex_);
  faults_[n] = fault;
}

std::vector<std::string> FakeComtradeApi::requests() const {
  absl::MutexLock lock(&mutex_);
  return requests_;
}

void FakeComtradeApi::Handle(const httplib::Request& request,
                             httplib::Response& response) {
  std::optional<Fault> fault;
  {
    absl::MutexLock lock(&mutex_);
    std::string query;
    for (const auto& [name, value] : request.params) {
      absl::StrAppend(&query, query.empty() ? "?" : "&", name, "=", value);
    }
    requests_.push_back(request.path + query);
    const auto it = faults_.find(static_cast<int>(requests_.size()));
    if (it != faults_.end()) fault = it->second;
  }
  const bool preview = request.path.rfind("/public/", 0) == 0;
  if (!preview &&
      request.get_header_value("Ocp-Apim-Subscription-Key") != kKey) {
    response.status = 401;
    response.set_content(
        R"({"statusCode":401,"message":"Access denied due to invalid )"
        R"(subscription key."})",
        "application/json");
    return;
  }
  if (fault == Fault::kTooManyRequests) {
    response.status = 429;
    response.set_header("Retry-After", "1");
    response.set_content(
        R"({"statusCode":429,"message":"Rate limit is exceeded."})",
        "application/json");
    return;
  }
  if (fault == Fault::kServerError) {
    response.status = 500;
    response.set_content("Internal server error", "text/plain");
    return;
  }
  if (fault == Fault::kMalformedJson) {
    response.set_content(
        R"({"elapsedTime":"0.2 secs","count":3,"data":[{"typeCode":"C",)",
        "application/json");
    return;
  }
  if (fault == Fault::kErrorSet) {
    response.set_content(
        R"({"elapsedTime":"0 secs","count":0,"data":[],"error":"Too many )"
        R"(requests for this subscription."})",
        "application/json");
    return;
  }
  int64_t max_records = 100000;
  if (request.has_param("maxRecords")) {
    absl::SimpleAtoi(request.get_param_value("maxRecords"), &max_records);
  }
  if (preview) max_records = std::min<int64_t>(max_records, kPreviewLimit);
  std::vector<int> partners;
  for (const std::string& code : List(request, "partnerCode")) {
    partners.push_back(std::stoi(code));
  }
  if (partners.empty()) {
    partners.assign(std::begin(kDefaultPartners), std::end(kDefaultPartners));
  }
  std::string data;
  int64_t count = 0;
  for (const std::string& reporter : List(request, "reporterCode")) {
    for (const std::string& period : List(request, "period")) {
      for (const std::string& cmd : List(request, "cmdCode")) {
        for (const std::string& flow : List(request, "flowCode")) {
          for (int partner : partners) {
            if (count == max_records) continue;  // cut, as the API does
            absl::StrAppend(
                &data, count == 0 ? "" : ",",
                Record(std::stoi(reporter), partner, period, cmd, flow));
            ++count;
          }
        }
      }
    }
  }
  response.set_content(
      absl::StrCat(R"({"elapsedTime":"0.1 secs","count":)", count,
                   R"(,"data":[)", data, R"(],"error":""})"),
      "application/json");
}

}  // namespace evtrade::testing

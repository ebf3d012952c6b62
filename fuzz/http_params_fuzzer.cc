// The gateway's query parameters -> request messages, on any query string:
// the first byte picks the request type, the rest is split on '&' and '='
// as the HTTP server does (without percent-decoding: any byte may come
// through decoding anyway). Whatever is accepted must survive the wire:
// serialize, parse back (proto3 strings must be UTF-8) and compare.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_split.h"
#include "evtrade/v1/gateway_service.pb.h"
#include "evtrade/v1/query_service.pb.h"
#include "fuzz/fuzz_input.h"
#include "gateway/http_params.h"

namespace {

std::unique_ptr<google::protobuf::Message> RequestOfType(uint8_t type) {
  switch (type % 7) {
    case 0:
      return std::make_unique<evtrade::v1::GetSeriesRequest>();
    case 1:
      return std::make_unique<evtrade::v1::GetPartnerBreakdownRequest>();
    case 2:
      return std::make_unique<evtrade::v1::GetPowertrainMixRequest>();
    case 3:
      return std::make_unique<evtrade::v1::GetManufacturerBreakdownRequest>();
    case 4:
      return std::make_unique<evtrade::v1::GetExporterRankingRequest>();
    case 5:
      return std::make_unique<evtrade::v1::GetMarketReportRequest>();
    default:
      return std::make_unique<evtrade::v1::CompareReportersRequest>();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::unique_ptr<google::protobuf::Message> request = RequestOfType(data[0]);
  const std::string_view query = evtrade::fuzz::AsText(data + 1, size - 1);
  std::vector<std::pair<std::string, std::string>> params;
  for (absl::string_view part :
       absl::StrSplit(absl::string_view(query.data(), query.size()), '&')) {
    std::pair<std::string, std::string> param =
        absl::StrSplit(part, absl::MaxSplits('=', 1));
    params.push_back(std::move(param));
  }
  const absl::Status status =
      evtrade::gateway::SetFieldsFromParams(params, *request);
  if (status.ok()) {
    // What the gateway accepts, the query service can parse: the request
    // goes over the wire and comes back the same.
    std::string wire;
    FUZZ_CHECK(request->SerializeToString(&wire));
    std::unique_ptr<google::protobuf::Message> parsed(request->New());
    FUZZ_CHECK(parsed->ParseFromString(wire));
    FUZZ_CHECK(parsed->SerializeAsString() == wire);
  } else {
    FUZZ_CHECK(status.code() == absl::StatusCode::kInvalidArgument);
  }
  return 0;
}

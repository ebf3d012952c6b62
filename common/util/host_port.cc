#include "common/util/host_port.h"

#include <algorithm>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace evtrade {

std::string HostPort::ToString() const {
  if (host.find(':') != std::string::npos) {
    return absl::StrCat("[", host, "]:", port);
  }
  return absl::StrCat(host, ":", port);
}

absl::StatusOr<HostPort> ParseHostPort(absl::string_view address) {
  const size_t colon = address.rfind(':');
  if (colon == absl::string_view::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", address, "\" is not host:port"));
  }
  absl::string_view host = address.substr(0, colon);
  const absl::string_view port = address.substr(colon + 1);
  if (host.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", address, "\" has no host (use 0.0.0.0 for all)"));
  }
  if (host.front() == '[') {
    if (host.size() < 3 || host.back() != ']' ||
        host.substr(1, host.size() - 2).find_first_of("[]") !=
            absl::string_view::npos) {
      return absl::InvalidArgumentError(absl::StrCat(
          "\"", address, "\": write an IPv6 host in brackets, [::1]:50051"));
    }
    host = host.substr(1, host.size() - 2);
  } else if (host.find_first_of(":[]") != absl::string_view::npos) {
    return absl::InvalidArgumentError(absl::StrCat(
        "\"", address, "\": write an IPv6 host in brackets, [::1]:50051"));
  }
  int port_number = -1;
  // SimpleAtoi alone would take "+80" and " 80".
  if (port.empty() ||
      !std::all_of(port.begin(), port.end(), absl::ascii_isdigit) ||
      !absl::SimpleAtoi(port, &port_number) || port_number > 65535) {
    return absl::InvalidArgumentError(absl::StrCat(
        "\"", address, "\": port must be a number from 0 to 65535"));
  }
  return HostPort{std::string(host), port_number};
}

}  // namespace evtrade

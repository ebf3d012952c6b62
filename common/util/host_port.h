// "host:port" addresses, as every listen flag, metrics address and gRPC
// target of evtrade is written: the one parser of them.
#ifndef EVTRADE_COMMON_UTIL_HOST_PORT_H_
#define EVTRADE_COMMON_UTIL_HOST_PORT_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace evtrade {

struct HostPort {
  // Without brackets: "127.0.0.1", "localhost", "::1".
  std::string host;
  // 0..65535; 0 asks a listener to pick a free port.
  int port = 0;

  // "host:port", with an IPv6 host in brackets ("[::1]:8080").
  std::string ToString() const;
  // The same address with another port (a listener's real one).
  HostPort WithPort(int new_port) const { return {host, new_port}; }
};

// Parses "host:port" or "[v6 host]:port". INVALID_ARGUMENT, naming the
// address, when there is no colon, the host is empty, an IPv6 host is not in
// brackets, or the port is not a decimal number from 0 to 65535 (empty,
// signed, over 65535).
absl::StatusOr<HostPort> ParseHostPort(absl::string_view address);

}  // namespace evtrade

#endif  // EVTRADE_COMMON_UTIL_HOST_PORT_H_

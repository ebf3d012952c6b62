// The OpenAPI 3.0 document of the HTTP API, generated from the contract:
// paths and operations from the google.api.http annotations
// (gateway/http_routes.h), parameters from the request messages' fields,
// schemas from the message descriptors. Nothing in it is written by hand but
// the few routes that are the gateway's own (/healthz, ...).
#ifndef EVTRADE_GATEWAY_OPENAPI_H_
#define EVTRADE_GATEWAY_OPENAPI_H_

#include <string>
#include <vector>

#include "gateway/http_routes.h"

namespace evtrade::gateway {

// A route that is not an RPC: answered with `content_type`.
struct OpenApiPlainPath {
  std::string path;
  std::string summary;
  std::string content_type;
};

// The document as JSON (keys in a fixed order).
std::string OpenApiJson(const std::vector<HttpRoute>& routes,
                        const std::vector<OpenApiPlainPath>& plain);

}  // namespace evtrade::gateway

#endif  // EVTRADE_GATEWAY_OPENAPI_H_

// The gateway's HTTP request and response, independent of the server
// library: the routes (HttpApi) see only these, so the transport can change
// without touching a route.
#ifndef EVTRADE_GATEWAY_HTTP_TYPES_H_
#define EVTRADE_GATEWAY_HTTP_TYPES_H_

#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace evtrade::gateway {

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string path;    // percent-decoded, without the query string
  // Query parameters in the order given, percent-decoded ('+' is a space).
  std::vector<std::pair<std::string, std::string>> params;
  // Header names lower-cased.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

struct HttpResponse {
  int status = 200;
  std::string content_type;
  // Further headers (Allow, Access-Control-*, Content-Disposition, ...);
  // the transport sets Content-Type, Content-Length and Connection itself.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

// Answers one request; may block (backend calls have deadlines). Called on
// several threads at once.
using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

}  // namespace evtrade::gateway

#endif  // EVTRADE_GATEWAY_HTTP_TYPES_H_

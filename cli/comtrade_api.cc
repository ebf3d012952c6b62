#include "cli/comtrade_api.h"

#include <httplib.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace evtrade::cli {
namespace {

// How much of an error response is quoted in a message.
constexpr size_t kQuotedBodyBytes = 300;

// Splits "https://host:443/prefix" into "https://host:443" and "/prefix".
std::pair<std::string, std::string> SplitBaseUrl(const std::string& url) {
  const size_t scheme = url.find("://");
  const size_t path =
      url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  if (path == std::string::npos) return {url, ""};
  std::string prefix = url.substr(path);
  while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
  return {url.substr(0, path), prefix};
}

}  // namespace

std::string ResponseStart(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string text(kQuotedBodyBytes, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(in.gcount()));
  for (char& c : text) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return text;
}

std::string ComtradeDataPath(const ComtradeApiConfig& config) {
  return config.api_key.empty() ? "/public/v1/preview/C/M/HS"
                                : "/data/v1/get/C/M/HS";
}

absl::Status FetchToFile(
    const ComtradeApiConfig& config,
    const std::vector<std::pair<std::string, std::string>>& params,
    const std::string& out_path,
    const std::function<void(const std::string&)>& note) {
  const auto [host, prefix] = SplitBaseUrl(config.base_url);
  httplib::Client client(host);
  if (!client.is_valid()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--api_base_url: cannot use \"", config.base_url, "\""));
  }
  client.set_connection_timeout(
      absl::ToChronoMicroseconds(config.connect_timeout));
  client.set_read_timeout(absl::ToChronoMicroseconds(config.read_timeout));
  client.set_follow_location(true);
  httplib::Headers headers;
  if (!config.api_key.empty()) {
    headers.emplace("Ocp-Apim-Subscription-Key", config.api_key);
  }
  std::string target = prefix + ComtradeDataPath(config);
  for (size_t i = 0; i < params.size(); ++i) {
    absl::StrAppend(&target, i == 0 ? "?" : "&", params[i].first, "=",
                    params[i].second);
  }

  absl::Duration backoff = config.retry_base;
  for (int attempt = 1;; ++attempt) {
    std::ofstream out(out_path, std::ios::binary | std::ios::trunc);
    if (!out) {
      return absl::UnavailableError(absl::StrCat("cannot write ", out_path));
    }
    httplib::Result result = client.Get(
        target, headers, [](const httplib::Response&) { return true; },
        [&out](const char* data, size_t size) {
          out.write(data, static_cast<std::streamsize>(size));
          return static_cast<bool>(out);
        });
    out.close();
    std::string problem;
    absl::Duration wait = backoff;
    if (!result) {
      problem =
          absl::StrCat("request failed: ", httplib::to_string(result.error()));
    } else {
      const int status = result->status;
      if (status == 200) return absl::OkStatus();
      const std::string answer =
          absl::StrFormat("HTTP %d from %s: %s", status, config.base_url,
                          ResponseStart(out_path));
      if (status == 401 || status == 403) {
        return absl::PermissionDeniedError(absl::StrCat(
            answer,
            config.api_key.empty()
                ? " (this endpoint needs a subscription key: --api_key_file)"
                : " (check the subscription key in --api_key_file)"));
      }
      if (status != 429 && status < 500) {
        return absl::InvalidArgumentError(answer);
      }
      problem = absl::StrFormat("HTTP %d", status);
      int64_t seconds = 0;
      if (result->has_header("Retry-After") &&
          absl::SimpleAtoi(result->get_header_value("Retry-After"), &seconds) &&
          seconds >= 0) {
        wait = absl::Seconds(seconds);
      }
    }
    if (attempt >= config.max_attempts) {
      return absl::UnavailableError(
          absl::StrFormat("%s; gave up after %d attempts", problem, attempt));
    }
    wait = std::min(wait, config.max_retry_wait);
    note(absl::StrFormat("%s: retry %d of %d in %s", problem, attempt,
                         config.max_attempts - 1, absl::FormatDuration(wait)));
    absl::SleepFor(wait);
    backoff = std::min(backoff * 2, config.max_retry_wait);
  }
}

}  // namespace evtrade::cli

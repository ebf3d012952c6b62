#include "tests/support/test_certs.h"

#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/support/paths.h"

namespace evtrade::testing {
namespace {

// `openssl req -x509` making a key and a certificate for `subject`, signed
// by `ca` (self-signed when empty).
absl::Status MakeCert(const std::string& dir, const std::string& name,
                      const std::string& subject, const std::string& ca,
                      const std::string& extensions) {
  std::string command = absl::StrCat(
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 "
      "-nodes -days 2 -subj /CN=",
      subject, " -keyout ", dir, "/", name, ".key -out ", dir, "/", name,
      ".pem ", extensions);
  if (!ca.empty()) {
    absl::StrAppend(&command, " -CA ", dir, "/", ca, ".pem -CAkey ", dir, "/",
                    ca, ".key");
  }
  absl::StrAppend(&command, " >/dev/null 2>&1");
  if (std::system(command.c_str()) != 0) {
    return absl::InternalError(absl::StrCat("failed: ", command));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<TestCerts> MakeTestCerts() {
  const std::string dir = MakeTempDir("certs");
  const std::string leaf = "-addext basicConstraints=critical,CA:FALSE";
  for (const auto& [name, subject, ca, extensions] :
       {std::tuple<std::string, std::string, std::string, std::string>{
            "ca", "evtrade-test-ca", "", ""},
        {"server", "localhost", "ca",
         absl::StrCat(leaf,
                      " -addext subjectAltName=IP:127.0.0.1,DNS:localhost")},
        {"client", "evtrade-test-client", "ca", leaf},
        {"other_ca", "other-test-ca", "", ""},
        {"other_client", "evtrade-test-client", "other_ca", leaf}}) {
    if (absl::Status s = MakeCert(dir, name, subject, ca, extensions);
        !s.ok()) {
      return s;
    }
  }
  auto path = [&](const char* file) { return absl::StrCat(dir, "/", file); };
  return TestCerts{.ca_cert = path("ca.pem"),
                   .server_cert = path("server.pem"),
                   .server_key = path("server.key"),
                   .client_cert = path("client.pem"),
                   .client_key = path("client.key"),
                   .other_ca_cert = path("other_ca.pem"),
                   .other_client_cert = path("other_client.pem"),
                   .other_client_key = path("other_client.key")};
}

TlsConfig LoadOrFail(const TlsFiles& files, TlsRole role) {
  absl::StatusOr<TlsConfig> config = LoadTlsConfig(files, role);
  if (!config.ok()) {
    ADD_FAILURE() << config.status();
    return {};
  }
  return *std::move(config);
}

}  // namespace evtrade::testing

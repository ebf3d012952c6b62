// Certificates made by the test itself (the openssl command-line tool):
// a CA, a server certificate and a client certificate it signed, and a
// second, unrelated CA with a client certificate of its own. EC P-256 keys,
// valid for two days, unencrypted PEM files in one folder.
#ifndef EVTRADE_TESTS_SUPPORT_TEST_CERTS_H_
#define EVTRADE_TESTS_SUPPORT_TEST_CERTS_H_

#include <string>

#include "absl/status/statusor.h"
#include "common/tls/tls_config.h"

namespace evtrade::testing {

struct TestCerts {
  std::string ca_cert;      // the CA every party trusts
  std::string server_cert;  // SAN IP:127.0.0.1, DNS:localhost; signed by CA
  std::string server_key;
  std::string client_cert;  // signed by the CA
  std::string client_key;
  std::string other_ca_cert;      // a CA nobody trusts
  std::string other_client_cert;  // signed by the other CA
  std::string other_client_key;

  // Files for a server (identity + the CA: mTLS) and for a client.
  TlsFiles ServerFiles() const { return {server_cert, server_key, ca_cert}; }
  TlsFiles ClientFiles() const { return {client_cert, client_key, ca_cert}; }
};

// Makes the files in a fresh folder under the test's temporary directory.
absl::StatusOr<TestCerts> MakeTestCerts();

// LoadTlsConfig, failing the calling test (ADD_FAILURE) on an error.
TlsConfig LoadOrFail(const TlsFiles& files, TlsRole role);

}  // namespace evtrade::testing

#endif  // EVTRADE_TESTS_SUPPORT_TEST_CERTS_H_

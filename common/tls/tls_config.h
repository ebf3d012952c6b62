// TLS and mutual TLS for every listener and channel: the one place that
// turns certificate files into gRPC (and OpenSSL) credentials.
//
// Every binary takes the same three files (flags --tls_cert_file,
// --tls_key_file, --tls_ca_file; the mains turn them into TlsFiles):
//   cert + key  the binary's own identity: a server serves TLS with it, and
//               every outbound call presents it as the client certificate.
//   ca          the CA that verifies peers: a server given it requires and
//               verifies client certificates (mTLS); a client given it
//               verifies the server's certificate against it.
// All empty: plaintext (the default). The files are read once, at start-up.
#ifndef EVTRADE_COMMON_TLS_TLS_CONFIG_H_
#define EVTRADE_COMMON_TLS_TLS_CONFIG_H_

#include <grpcpp/security/credentials.h>
#include <grpcpp/security/server_credentials.h>
#include <openssl/ssl.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace evtrade {

// The file paths, as given (empty = not given).
struct TlsFiles {
  std::string cert_file{};
  std::string key_file{};
  std::string ca_file{};
};

// The PEM contents, checked.
struct TlsConfig {
  std::string cert_chain{};   // leaf first; empty = no own identity
  std::string private_key{};  // matches cert_chain's leaf
  std::string ca_certs{};     // empty = peers not verified by a CA of ours

  bool has_identity() const { return !cert_chain.empty(); }
  // A channel made with this config speaks TLS.
  bool client_uses_tls() const { return has_identity() || !ca_certs.empty(); }
};

// Whether the binary loading the files serves connections: a server needs
// an identity to go with a CA (it cannot ask clients for certificates over
// plaintext).
enum class TlsRole { kClient, kServer };

// Reads and checks the files: each given file is readable and holds PEM of
// the right kind (certificates; a private key), the key matches the
// certificate, cert and key come together, and a server given a CA has an
// identity. INVALID_ARGUMENT with one line naming the flag, e.g.
// "--tls_key_file: cannot read /x/key.pem: No such file or directory" or
// "--tls_cert_file: /x/cert.pem holds no PEM certificate".
absl::StatusOr<TlsConfig> LoadTlsConfig(const TlsFiles& files, TlsRole role);

// Server credentials: plaintext without an identity; TLS with it, and with
// a CA client certificates are required and verified.
std::shared_ptr<grpc::ServerCredentials> MakeServerCredentials(
    const TlsConfig& config);

// Channel credentials: plaintext unless client_uses_tls(); then TLS that
// verifies the server against ca_certs (the system's roots when empty) and
// presents the identity, if any, as the client certificate.
std::shared_ptr<grpc::ChannelCredentials> MakeChannelCredentials(
    const TlsConfig& config);

// Sets up an OpenSSL server context the same way (for the gateway's HTTP
// listener): identity, TLS 1.2 or later, and with a CA, required and
// verified client certificates. False when OpenSSL refuses a part.
bool ConfigureServerContext(const TlsConfig& config, SSL_CTX& context);

}  // namespace evtrade

#endif  // EVTRADE_COMMON_TLS_TLS_CONFIG_H_

#include "common/tls/tls_config.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/util/file.h"

namespace evtrade {
namespace {

struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
struct X509Free {
  void operator()(X509* cert) const { X509_free(cert); }
};
struct KeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using X509Ptr = std::unique_ptr<X509, X509Free>;
using KeyPtr = std::unique_ptr<EVP_PKEY, KeyFree>;

std::unique_ptr<BIO, BioFree> MemoryBio(const std::string& pem) {
  return std::unique_ptr<BIO, BioFree>(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
}

// Every certificate in `pem`, in order; none when it holds no certificate.
std::vector<X509Ptr> ParseCertificates(const std::string& pem) {
  std::vector<X509Ptr> certs;
  auto bio = MemoryBio(pem);
  if (bio == nullptr) return certs;
  while (X509* cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
    certs.emplace_back(cert);
  }
  ERR_clear_error();  // the read that ended the loop left an error
  return certs;
}

KeyPtr ParseKey(const std::string& pem) {
  auto bio = MemoryBio(pem);
  if (bio == nullptr) return nullptr;
  KeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  ERR_clear_error();
  return key;
}

absl::Status FlagError(absl::string_view flag, absl::string_view reason) {
  return absl::InvalidArgumentError(absl::StrCat("--", flag, ": ", reason));
}

// The file's PEM, or the one-line error naming the flag.
absl::StatusOr<std::string> ReadPem(absl::string_view flag,
                                    const std::string& path) {
  absl::StatusOr<std::string> pem = ReadFileContents(path);
  if (!pem.ok()) return FlagError(flag, pem.status().message());
  return pem;
}

}  // namespace

absl::StatusOr<TlsConfig> LoadTlsConfig(const TlsFiles& files, TlsRole role) {
  if (files.cert_file.empty() != files.key_file.empty()) {
    return files.cert_file.empty()
               ? FlagError("tls_key_file", "needs --tls_cert_file too")
               : FlagError("tls_cert_file", "needs --tls_key_file too");
  }
  if (role == TlsRole::kServer && !files.ca_file.empty() &&
      files.cert_file.empty()) {
    return FlagError("tls_ca_file",
                     "a server needs --tls_cert_file and --tls_key_file to "
                     "serve TLS and ask clients for certificates");
  }
  TlsConfig config;
  if (!files.cert_file.empty()) {
    absl::StatusOr<std::string> cert =
        ReadPem("tls_cert_file", files.cert_file);
    if (!cert.ok()) return cert.status();
    absl::StatusOr<std::string> key = ReadPem("tls_key_file", files.key_file);
    if (!key.ok()) return key.status();
    std::vector<X509Ptr> chain = ParseCertificates(*cert);
    if (chain.empty()) {
      return FlagError(
          "tls_cert_file",
          absl::StrCat(files.cert_file, " holds no PEM certificate"));
    }
    KeyPtr parsed_key = ParseKey(*key);
    if (parsed_key == nullptr) {
      return FlagError("tls_key_file",
                       absl::StrCat(files.key_file,
                                    " holds no PEM private key (or it is "
                                    "encrypted)"));
    }
    if (X509_check_private_key(chain.front().get(), parsed_key.get()) != 1) {
      ERR_clear_error();
      return FlagError(
          "tls_key_file",
          absl::StrCat(files.key_file, " is not the key of the certificate in ",
                       files.cert_file));
    }
    config.cert_chain = *std::move(cert);
    config.private_key = *std::move(key);
  }
  if (!files.ca_file.empty()) {
    absl::StatusOr<std::string> ca = ReadPem("tls_ca_file", files.ca_file);
    if (!ca.ok()) return ca.status();
    if (ParseCertificates(*ca).empty()) {
      return FlagError(
          "tls_ca_file",
          absl::StrCat(files.ca_file, " holds no PEM certificate"));
    }
    config.ca_certs = *std::move(ca);
  }
  return config;
}

std::shared_ptr<grpc::ServerCredentials> MakeServerCredentials(
    const TlsConfig& config) {
  if (!config.has_identity()) return grpc::InsecureServerCredentials();
  grpc::SslServerCredentialsOptions options(
      config.ca_certs.empty()
          ? GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE
          : GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  options.pem_root_certs = config.ca_certs;
  options.pem_key_cert_pairs.push_back(
      {.private_key = config.private_key, .cert_chain = config.cert_chain});
  return grpc::SslServerCredentials(options);
}

std::shared_ptr<grpc::ChannelCredentials> MakeChannelCredentials(
    const TlsConfig& config) {
  if (!config.client_uses_tls()) return grpc::InsecureChannelCredentials();
  grpc::SslCredentialsOptions options;
  options.pem_root_certs = config.ca_certs;
  options.pem_private_key = config.private_key;
  options.pem_cert_chain = config.cert_chain;
  return grpc::SslCredentials(options);
}

bool ConfigureServerContext(const TlsConfig& config, SSL_CTX& context) {
  std::vector<X509Ptr> chain = ParseCertificates(config.cert_chain);
  KeyPtr key = ParseKey(config.private_key);
  if (chain.empty() || key == nullptr) return false;
  if (SSL_CTX_set_min_proto_version(&context, TLS1_2_VERSION) != 1 ||
      SSL_CTX_use_certificate(&context, chain.front().get()) != 1 ||
      SSL_CTX_use_PrivateKey(&context, key.get()) != 1 ||
      SSL_CTX_check_private_key(&context) != 1) {
    return false;
  }
  for (size_t i = 1; i < chain.size(); ++i) {
    // add1: the context takes its own reference.
    if (SSL_CTX_add1_chain_cert(&context, chain[i].get()) != 1) return false;
  }
  if (!config.ca_certs.empty()) {
    X509_STORE* store = SSL_CTX_get_cert_store(&context);
    for (const X509Ptr& ca : ParseCertificates(config.ca_certs)) {
      if (X509_STORE_add_cert(store, ca.get()) != 1) return false;
    }
    SSL_CTX_set_verify(
        &context, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
  }
  return true;
}

}  // namespace evtrade

// TLS and mTLS on a real gRPC server (GrpcServer, as every service runs it)
// with certificates made by the test: who gets in and who is refused, and
// the one-line errors for bad files.
#include <fstream>
#include <memory>
#include <string>

#include "common/health/health_check.h"
#include "common/server/server_runner.h"
#include "common/tls/tls_config.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/paths.h"
#include "tests/support/test_certs.h"

namespace evtrade::testing {
namespace {

using ::grpc::health::v1::HealthCheckResponse;
using ::testing::HasSubstr;

class TlsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    absl::StatusOr<TestCerts> certs = MakeTestCerts();
    ASSERT_TRUE(certs.ok()) << certs.status();
    certs_ = new TestCerts(*std::move(certs));
  }
  static void TearDownTestSuite() { delete certs_; }

  // A server with the health service only, serving `tls`.
  std::unique_ptr<GrpcServer> StartServer(const TlsConfig& tls) {
    ServerConfig config;
    config.listen_address = "127.0.0.1:0";
    config.drain_delay = absl::ZeroDuration();
    config.tls = tls;
    auto server = GrpcServer::Start(config, {}, nullptr);
    EXPECT_TRUE(server.ok()) << server.status();
    return server.ok() ? *std::move(server) : nullptr;
  }

  static absl::StatusOr<HealthCheckResponse::ServingStatus> Check(
      const GrpcServer& server, const TlsConfig& client) {
    return CheckHealth(server.address(), "", absl::Seconds(5), client);
  }

  static TestCerts* certs_;
};

TestCerts* TlsTest::certs_ = nullptr;

TEST_F(TlsTest, MutualTlsAdmitsOnlyClientsWithACertificateOfTheCa) {
  auto server =
      StartServer(LoadOrFail(certs_->ServerFiles(), TlsRole::kServer));
  ASSERT_NE(server, nullptr);

  // A client with a certificate the CA signed, verifying the server.
  auto admitted =
      Check(*server, LoadOrFail(certs_->ClientFiles(), TlsRole::kClient));
  ASSERT_TRUE(admitted.ok()) << admitted.status();
  EXPECT_EQ(*admitted, HealthCheckResponse::SERVING);

  // Plaintext to a TLS server.
  EXPECT_EQ(Check(*server, TlsConfig{}).status().code(),
            absl::StatusCode::kUnavailable);
  // TLS, but no client certificate.
  EXPECT_EQ(
      Check(*server, LoadOrFail({.ca_file = certs_->ca_cert}, TlsRole::kClient))
          .status()
          .code(),
      absl::StatusCode::kUnavailable);
  // A client certificate another CA signed.
  EXPECT_EQ(Check(*server, LoadOrFail({.cert_file = certs_->other_client_cert,
                                       .key_file = certs_->other_client_key,
                                       .ca_file = certs_->ca_cert},
                                      TlsRole::kClient))
                .status()
                .code(),
            absl::StatusCode::kUnavailable);
}

TEST_F(TlsTest, ClientThatDoesNotTrustTheServersCaIsRefused) {
  auto server =
      StartServer(LoadOrFail(certs_->ServerFiles(), TlsRole::kServer));
  ASSERT_NE(server, nullptr);
  // A valid client certificate, but the server is checked against the
  // other CA: the client ends the handshake.
  EXPECT_EQ(Check(*server, LoadOrFail({.cert_file = certs_->client_cert,
                                       .key_file = certs_->client_key,
                                       .ca_file = certs_->other_ca_cert},
                                      TlsRole::kClient))
                .status()
                .code(),
            absl::StatusCode::kUnavailable);
}

TEST_F(TlsTest, TlsWithoutACaAsksNoClientCertificate) {
  auto server = StartServer(LoadOrFail(
      {.cert_file = certs_->server_cert, .key_file = certs_->server_key},
      TlsRole::kServer));
  ASSERT_NE(server, nullptr);
  auto status = Check(
      *server, LoadOrFail({.ca_file = certs_->ca_cert}, TlsRole::kClient));
  ASSERT_TRUE(status.ok()) << status.status();
  EXPECT_EQ(*status, HealthCheckResponse::SERVING);
  EXPECT_EQ(Check(*server, TlsConfig{}).status().code(),
            absl::StatusCode::kUnavailable);
}

TEST_F(TlsTest, NoFilesMeansPlaintext) {
  absl::StatusOr<TlsConfig> none = LoadTlsConfig({}, TlsRole::kServer);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_identity());
  EXPECT_FALSE(none->client_uses_tls());
  auto server = StartServer(*none);
  ASSERT_NE(server, nullptr);
  EXPECT_TRUE(Check(*server, TlsConfig{}).ok());
}

TEST_F(TlsTest, BadFilesAreOneLineErrorsNamingTheFlag) {
  const std::string dir = MakeTempDir("bad_pem");
  const std::string not_pem = dir + "/not.pem";
  std::ofstream(not_pem) << "hello\n";
  auto error = [](const TlsFiles& files, TlsRole role) {
    absl::StatusOr<TlsConfig> config = LoadTlsConfig(files, role);
    EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
    return std::string(config.status().message());
  };
  EXPECT_EQ(
      error({.cert_file = dir + "/none.pem", .key_file = certs_->server_key},
            TlsRole::kServer),
      "--tls_cert_file: cannot read " + dir +
          "/none.pem: No such file or directory");
  EXPECT_EQ(error({.cert_file = not_pem, .key_file = certs_->server_key},
                  TlsRole::kServer),
            "--tls_cert_file: " + not_pem + " holds no PEM certificate");
  EXPECT_EQ(error({.cert_file = certs_->server_cert, .key_file = not_pem},
                  TlsRole::kServer),
            "--tls_key_file: " + not_pem +
                " holds no PEM private key (or it is encrypted)");
  EXPECT_EQ(
      error({.cert_file = certs_->server_cert, .key_file = certs_->client_key},
            TlsRole::kServer),
      "--tls_key_file: " + certs_->client_key +
          " is not the key of the certificate in " + certs_->server_cert);
  EXPECT_EQ(error({.ca_file = not_pem}, TlsRole::kClient),
            "--tls_ca_file: " + not_pem + " holds no PEM certificate");
  EXPECT_EQ(error({.cert_file = certs_->server_cert}, TlsRole::kClient),
            "--tls_cert_file: needs --tls_key_file too");
  EXPECT_EQ(error({.key_file = certs_->server_key}, TlsRole::kClient),
            "--tls_key_file: needs --tls_cert_file too");
  EXPECT_THAT(error({.ca_file = certs_->ca_cert}, TlsRole::kServer),
              HasSubstr("--tls_ca_file: a server needs --tls_cert_file"));
  // A client may verify the server without an identity of its own.
  EXPECT_TRUE(
      LoadTlsConfig({.ca_file = certs_->ca_cert}, TlsRole::kClient).ok());
}

}  // namespace
}  // namespace evtrade::testing

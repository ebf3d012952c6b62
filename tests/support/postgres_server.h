// Throwaway PostgreSQL servers for tests: Debian's PostgreSQL 15 binaries
// (initdb, pg_ctl, pg_basebackup from /usr/lib/postgresql/15/bin), a data
// folder under the temp dir, listening on 127.0.0.1 on a free port with its
// unix socket in that folder, trust authentication on loopback, fsync off.
// PostgreSQL refuses to run as root: when the test runs as root (CI), every
// server command runs as the `postgres` system user (runuser) and the folder
// is chown'ed to it. Missing binaries are an error, never a skip.
#ifndef EVTRADE_TESTS_SUPPORT_POSTGRES_SERVER_H_
#define EVTRADE_TESTS_SUPPORT_POSTGRES_SERVER_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/store/pg_connection.h"

namespace evtrade::testing {

// One running server. Not thread-safe. The destructor stops it (immediate
// mode) and removes its folder.
class PostgresServer {
 public:
  // A copy of a pristine initdb folder (made once), then pg_ctl start.
  static absl::StatusOr<std::unique_ptr<PostgresServer>> StartPrimary();
  // A streaming hot standby of `primary`: pg_basebackup -R, then start.
  static absl::StatusOr<std::unique_ptr<PostgresServer>> StartStandby(
      const PostgresServer& primary);

  ~PostgresServer();
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  int port() const { return port_; }
  // "postgresql://postgres@127.0.0.1:<port>/<dbname>".
  std::string Uri(const std::string& dbname) const;

  // A new, empty database with a fresh name; returns its name.
  absl::StatusOr<std::string> CreateDatabase();
  // Drops it, disconnecting whoever is still connected.
  absl::Status DropDatabase(const std::string& name);

 private:
  PostgresServer(std::string dir, int port)
      : dir_(std::move(dir)), port_(port) {}
  // pg_ctl start on data_dir(); waits until it accepts connections.
  absl::Status Start();
  store::PgConnectionConfig AdminConfig() const;
  std::string data_dir() const { return dir_ + "/data"; }

  std::string dir_;
  int port_;
  bool running_ = false;
  int databases_ = 0;
};

// The one primary of this test executable, started on first use and stopped
// when the process exits. The error, every time, when it cannot start.
absl::StatusOr<PostgresServer*> SharedPostgres();

// A URI of a fresh database on SharedPostgres() (created on first use of the
// server), for tests parameterized over the store backend.
absl::StatusOr<std::string> FreshPostgresDatabase();

}  // namespace evtrade::testing

#endif  // EVTRADE_TESTS_SUPPORT_POSTGRES_SERVER_H_

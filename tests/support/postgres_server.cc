#include "tests/support/postgres_server.h"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/store/pg_connection.h"
#include "tests/support/paths.h"
#include "tests/support/process.h"

namespace evtrade::testing {
namespace {

constexpr char kBinDir[] = "/usr/lib/postgresql/15/bin";
constexpr char kRunuser[] = "/usr/sbin/runuser";
constexpr char kSystemUser[] = "postgres";

bool RunningAsRoot() { return geteuid() == 0; }

// Runs `binary` (as the postgres user when we are root and `as_server_user`)
// and waits for it; its output is in the error when it fails.
absl::Status Run(const std::string& binary,
                 const std::vector<std::string>& args, bool as_server_user,
                 absl::Duration timeout = absl::Seconds(120)) {
  if (!std::filesystem::exists(binary)) {
    return absl::FailedPreconditionError(absl::StrCat(
        binary,
        " is missing: install PostgreSQL 15 (bash scripts/install_deps.sh)"));
  }
  ProcessOptions options;
  if (RunningAsRoot() && as_server_user) {
    options.binary = kRunuser;
    options.args = {"-u", kSystemUser, "--", binary};
  } else {
    options.binary = binary;
  }
  options.args.insert(options.args.end(), args.begin(), args.end());
  // libpq and the server must not pick up a developer's settings.
  options.unset_env = {"PGDATA", "PGHOST",     "PGPORT",
                       "PGUSER", "PGDATABASE", "PGPASSWORD"};
  absl::StatusOr<std::unique_ptr<Process>> process = Process::Start(options);
  if (!process.ok()) return process.status();
  absl::StatusOr<int> code = (*process)->Wait(timeout);
  if (!code.ok() || *code != 0) {
    return absl::InternalError(absl::StrCat(
        binary, " failed (",
        code.ok() ? absl::StrCat("exit ", *code) : code.status().ToString(),
        "): ", (*process)->Stdout(), (*process)->Stderr()));
  }
  return absl::OkStatus();
}

// Runs a PostgreSQL program as the server user.
absl::Status RunPg(const std::string& program,
                   const std::vector<std::string>& args) {
  return Run(absl::StrCat(kBinDir, "/", program), args,
             /*as_server_user=*/true);
}

// A folder the server user owns.
absl::StatusOr<std::string> MakeServerDir(const std::string& prefix) {
  const std::string dir = MakeTempDir(prefix);
  if (RunningAsRoot()) {
    const passwd* user = getpwnam(kSystemUser);
    if (user == nullptr) {
      return absl::FailedPreconditionError(
          "no `postgres` system user: install PostgreSQL "
          "(bash scripts/install_deps.sh)");
    }
    if (chown(dir.c_str(), user->pw_uid, user->pw_gid) != 0) {
      return absl::InternalError(absl::StrCat("chown ", dir, " failed"));
    }
  }
  return dir;
}

// A freshly initdb'ed data folder that servers start from a copy of: every
// ctest case is its own process with its own server, and copying is several
// times faster than initdb. Made once per machine (and PostgreSQL major
// version) under the temp root, atomically (staged, then renamed), and never
// started itself.
absl::StatusOr<std::string> PristineDataDir() {
  const char* base = std::getenv("TEST_TMPDIR");
  const std::filesystem::path root =
      base != nullptr ? std::filesystem::path(base)
                      : std::filesystem::temp_directory_path();
  const std::filesystem::path done = root / "evtrade_pg15_pristine";
  if (std::filesystem::exists(done / "data" / "PG_VERSION")) {
    return (done / "data").string();
  }
  absl::StatusOr<std::string> staging = MakeServerDir("pg_pristine_staging");
  if (!staging.ok()) return staging.status();
  if (absl::Status s = RunPg(
          "initdb", {"-D", *staging + "/data", "-A", "trust", "-U", "postgres",
                     "-E", "UTF8", "--locale=C", "--no-sync"});
      !s.ok()) {
    return s;
  }
  std::error_code error;
  std::filesystem::rename(*staging, done, error);
  if (error) {
    // Another test process made it first; theirs is as good.
    std::filesystem::remove_all(*staging, error);
  }
  return (done / "data").string();
}

}  // namespace

absl::StatusOr<std::unique_ptr<PostgresServer>> PostgresServer::StartPrimary() {
  absl::StatusOr<std::string> dir = MakeServerDir("pg_primary");
  if (!dir.ok()) return dir.status();
  std::unique_ptr<PostgresServer> server(
      new PostgresServer(*dir, PickFreePort()));
  absl::StatusOr<std::string> pristine = PristineDataDir();
  if (!pristine.ok()) return pristine.status();
  // -a keeps the owner (postgres) and the 0700 mode the server insists on.
  if (absl::Status s = Run("/bin/cp", {"-a", *pristine, server->data_dir()},
                           /*as_server_user=*/false);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = server->Start(); !s.ok()) return s;
  return server;
}

absl::StatusOr<std::unique_ptr<PostgresServer>> PostgresServer::StartStandby(
    const PostgresServer& primary) {
  absl::StatusOr<std::string> dir = MakeServerDir("pg_standby");
  if (!dir.ok()) return dir.status();
  std::unique_ptr<PostgresServer> server(
      new PostgresServer(*dir, PickFreePort()));
  // -R writes standby.signal and primary_conninfo: the copy starts as a
  // hot standby streaming from the primary.
  if (absl::Status s =
          RunPg("pg_basebackup",
                {"-h", "127.0.0.1", "-p", absl::StrCat(primary.port()), "-U",
                 "postgres", "-D", server->data_dir(), "-R", "-X", "stream",
                 "--no-sync", "-c", "fast"});
      !s.ok()) {
    return s;
  }
  if (absl::Status s = server->Start(); !s.ok()) return s;
  return server;
}

absl::Status PostgresServer::Start() {
  const std::string options = absl::StrCat(
      "-c listen_addresses=127.0.0.1 -c port=", port_,
      " -c unix_socket_directories=", dir_,
      " -c fsync=off -c full_page_writes=off -c max_connections=200"
      " -c shared_buffers=32MB -c hot_standby=on");
  if (absl::Status s =
          RunPg("pg_ctl", {"start", "-w", "-t", "60", "-D", data_dir(), "-l",
                           dir_ + "/server.log", "-o", options});
      !s.ok()) {
    return s;
  }
  running_ = true;
  return absl::OkStatus();
}

PostgresServer::~PostgresServer() {
  if (running_) {
    (void)RunPg("pg_ctl", {"stop", "-w", "-m", "immediate", "-D", data_dir()});
  }
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

std::string PostgresServer::Uri(const std::string& dbname) const {
  return absl::StrCat("postgresql://postgres@127.0.0.1:", port_, "/", dbname);
}

store::PgConnectionConfig PostgresServer::AdminConfig() const {
  store::PgConnectionConfig config;
  config.uri = Uri("postgres");
  return config;
}

absl::StatusOr<std::string> PostgresServer::CreateDatabase() {
  const std::string name = absl::StrCat("evtrade_test_", ++databases_);
  auto admin = store::PgConnection::Open(AdminConfig());
  if (!admin.ok()) return admin.status();
  // A name we made up, never user input: identifiers cannot be parameters.
  if (absl::Status s = (*admin)->Command(
          absl::StrCat("CREATE DATABASE ", name, " TEMPLATE template0"));
      !s.ok()) {
    return s;
  }
  return name;
}

absl::Status PostgresServer::DropDatabase(const std::string& name) {
  auto admin = store::PgConnection::Open(AdminConfig());
  if (!admin.ok()) return admin.status();
  return (*admin)->Command(
      absl::StrCat("DROP DATABASE IF EXISTS ", name, " WITH (FORCE)"));
}

absl::StatusOr<PostgresServer*> SharedPostgres() {
  static absl::Mutex mu(absl::kConstInit);
  // Started once; destroyed (server stopped) when the process exits.
  static std::unique_ptr<PostgresServer>* server = nullptr;
  static absl::Status* failure = nullptr;
  absl::MutexLock lock(&mu);
  if (failure != nullptr) return *failure;
  if (server == nullptr) {
    auto started = PostgresServer::StartPrimary();
    if (!started.ok()) {
      failure = new absl::Status(started.status());
      return *failure;
    }
    static std::unique_ptr<PostgresServer> owner = *std::move(started);
    server = &owner;
  }
  return server->get();
}

absl::StatusOr<std::string> FreshPostgresDatabase() {
  absl::StatusOr<PostgresServer*> server = SharedPostgres();
  if (!server.ok()) return server.status();
  absl::StatusOr<std::string> name = (*server)->CreateDatabase();
  if (!name.ok()) return name.status();
  return (*server)->Uri(*name);
}

}  // namespace evtrade::testing

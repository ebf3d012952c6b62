// Real processes for end-to-end tests: start a built binary on loopback,
// signal it, wait for it, read what it printed, and ask its gRPC health
// service whether it is SERVING.
#ifndef EVTRADE_TESTS_SUPPORT_PROCESS_H_
#define EVTRADE_TESTS_SUPPORT_PROCESS_H_

#include <sys/types.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/health/health_check.h"

namespace evtrade::testing {

struct ProcessOptions {
  // Path of the executable, e.g. BinDir() + "/query_service".
  std::string binary;
  // Arguments after argv[0].
  std::vector<std::string> args;
  // Variables set in the child on top of the test's own environment
  // (a variable listed here replaces the inherited one).
  std::vector<std::pair<std::string, std::string>> env;
  // Variables removed from the inherited environment, e.g. "EVTRADE_LISTEN"
  // so that a developer's shell cannot change what a test runs.
  std::vector<std::string> unset_env;
  // Where stdout.log and stderr.log go; empty = a fresh MakeTempDir().
  std::string log_dir;
  // A file the child reads as standard input; empty = /dev/null.
  std::string stdin_path = {};
};

// One child process. The destructor SIGKILLs and reaps it if it is still
// running, so a failing test never leaves a process behind.
// Not thread-safe: use one Process from one thread.
class Process {
 public:
  // Starts the binary (posix_spawn: nothing unsafe runs between fork and
  // exec, which matters because tests have gRPC threads). The child gets
  // default signal dispositions and an empty signal mask.
  static absl::StatusOr<std::unique_ptr<Process>> Start(
      const ProcessOptions& options);

  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;
  ~Process();

  pid_t Pid() const { return pid_; }
  // True until Wait() has seen the child exit.
  bool Running();

  // Sends `signal` (e.g. SIGTERM). FAILED_PRECONDITION once it has exited.
  absl::Status Kill(int signal);

  // Waits up to `timeout` for the child to exit. Returns its exit code, or
  // 128 + signal number when a signal ended it (the shell's convention).
  // DEADLINE_EXCEEDED if it is still running then.
  absl::StatusOr<int> Wait(absl::Duration timeout);

  // Waits until the child's stderr contains `needle`; returns all of stderr.
  // DEADLINE_EXCEEDED on timeout, FAILED_PRECONDITION if the child exits
  // without printing it.
  absl::StatusOr<std::string> WaitForStderr(const std::string& needle,
                                            absl::Duration timeout);

  // Everything the child wrote so far.
  std::string Stdout() const;
  std::string Stderr() const;
  const std::string& stdout_path() const { return stdout_path_; }
  const std::string& stderr_path() const { return stderr_path_; }

 private:
  Process(pid_t pid, std::string stdout_path, std::string stderr_path)
      : pid_(pid),
        stdout_path_(std::move(stdout_path)),
        stderr_path_(std::move(stderr_path)) {}

  pid_t pid_;
  bool exited_ = false;
  int exit_code_ = -1;
  std::string stdout_path_;
  std::string stderr_path_;
};

// A TCP port on 127.0.0.1 that was free a moment ago (bind to port 0, read
// it back, close). Prefer starting servers on port 0 where they report the
// port they got; use this where a fixed address must be passed in a flag.
int PickFreePort();
// "127.0.0.1:<PickFreePort()>".
std::string FreeLoopbackAddress();

// Health checks for the processes (declared in common/health/).
using ::evtrade::CheckHealth;
using ::evtrade::WaitForHealthServing;

}  // namespace evtrade::testing

#endif  // EVTRADE_TESTS_SUPPORT_PROCESS_H_

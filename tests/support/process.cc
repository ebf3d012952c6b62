#include "tests/support/process.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "tests/support/paths.h"

extern char** environ;

namespace evtrade::testing {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

absl::Status ErrnoStatus(const std::string& what, int err) {
  return absl::InternalError(absl::StrCat(what, ": ", std::strerror(err)));
}

// The child's environment: ours, minus unset_env and overridden names, plus
// options.env.
std::vector<std::string> ChildEnvironment(const ProcessOptions& options) {
  std::vector<std::string> env;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    std::string_view var(*entry);
    std::string_view name = var.substr(0, var.find('='));
    bool drop = false;
    for (const std::string& unset : options.unset_env) {
      drop = drop || name == unset;
    }
    for (const auto& [key, value] : options.env) {
      drop = drop || name == key;
    }
    if (!drop) env.emplace_back(var);
  }
  for (const auto& [key, value] : options.env) {
    env.push_back(absl::StrCat(key, "=", value));
  }
  return env;
}

std::vector<char*> CStrings(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (std::string& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Process>> Process::Start(
    const ProcessOptions& options) {
  std::string log_dir =
      options.log_dir.empty() ? MakeTempDir("process") : options.log_dir;
  std::string stdout_path = log_dir + "/stdout.log";
  std::string stderr_path = log_dir + "/stderr.log";

  std::vector<std::string> argv_strings = {options.binary};
  argv_strings.insert(argv_strings.end(), options.args.begin(),
                      options.args.end());
  std::vector<std::string> env_strings = ChildEnvironment(options);
  std::vector<char*> argv = CStrings(argv_strings);
  std::vector<char*> envp = CStrings(env_strings);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(
      &actions, STDIN_FILENO,
      options.stdin_path.empty() ? "/dev/null" : options.stdin_path.c_str(),
      O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, stdout_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, stderr_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);

  // The test runner may block or ignore signals; the service must see
  // SIGTERM exactly as it would under an init system.
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t empty_mask;
  sigemptyset(&empty_mask);
  sigset_t default_signals;
  sigemptyset(&default_signals);
  for (int sig : {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGPIPE, SIGCHLD}) {
    sigaddset(&default_signals, sig);
  }
  posix_spawnattr_setsigmask(&attr, &empty_mask);
  posix_spawnattr_setsigdefault(&attr, &default_signals);
  posix_spawnattr_setflags(&attr,
                           POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

  pid_t pid = -1;
  int err = posix_spawn(&pid, options.binary.c_str(), &actions, &attr,
                        argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (err != 0) return ErrnoStatus("posix_spawn " + options.binary, err);
  return std::unique_ptr<Process>(
      new Process(pid, std::move(stdout_path), std::move(stderr_path)));
}

Process::~Process() {
  if (!exited_) {
    kill(pid_, SIGKILL);
    int status = 0;
    while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
  }
}

bool Process::Running() {
  if (exited_) return false;
  return !Wait(absl::ZeroDuration()).ok();
}

absl::Status Process::Kill(int signal) {
  if (exited_) {
    return absl::FailedPreconditionError(
        absl::StrCat("process ", pid_, " has exited"));
  }
  if (kill(pid_, signal) != 0) {
    return ErrnoStatus(absl::StrCat("kill ", pid_), errno);
  }
  return absl::OkStatus();
}

absl::StatusOr<int> Process::Wait(absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (!exited_) {
    int status = 0;
    pid_t got = waitpid(pid_, &status, WNOHANG);
    if (got < 0 && errno != EINTR) {
      return ErrnoStatus(absl::StrCat("waitpid ", pid_), errno);
    }
    if (got == pid_) {
      exited_ = true;
      exit_code_ =
          WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      break;
    }
    if (absl::Now() >= deadline) {
      return absl::DeadlineExceededError(
          absl::StrCat("process ", pid_, " still running after ",
                       absl::FormatDuration(timeout)));
    }
    absl::SleepFor(absl::Milliseconds(5));
  }
  return exit_code_;
}

absl::StatusOr<std::string> Process::WaitForStderr(const std::string& needle,
                                                   absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (true) {
    std::string err = Stderr();
    if (err.find(needle) != std::string::npos) return err;
    if (!Running()) {
      return absl::FailedPreconditionError(
          absl::StrCat("process exited (code ", exit_code_,
                       ") without printing \"", needle, "\"; stderr: ", err));
    }
    if (absl::Now() >= deadline) {
      return absl::DeadlineExceededError(
          absl::StrCat("no \"", needle, "\" on stderr after ",
                       absl::FormatDuration(timeout), "; stderr: ", err));
    }
    absl::SleepFor(absl::Milliseconds(10));
  }
}

std::string Process::Stdout() const { return ReadFile(stdout_path_); }
std::string Process::Stderr() const { return ReadFile(stderr_path_); }

int PickFreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  close(fd);
  return port;
}

std::string FreeLoopbackAddress() {
  return absl::StrCat("127.0.0.1:", PickFreePort());
}

}  // namespace evtrade::testing

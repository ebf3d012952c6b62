#include "common/server/env_flags.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>

#include "absl/flags/commandlineflag.h"
#include "absl/flags/parse.h"
#include "absl/flags/reflection.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace evtrade {

std::string EnvVarForFlag(absl::string_view flag_name) {
  return absl::StrCat("EVTRADE_",
                      absl::AsciiStrToUpper(std::string(flag_name)));
}

absl::Status ApplyFlagsFromEnv() {
  // Sorted, so that with several bad values the same one is always reported.
  std::map<std::string, absl::CommandLineFlag*> flags;
  for (const auto& [name, flag] : absl::GetAllFlags()) {
    flags.emplace(std::string(name), flag);
  }
  for (const auto& [name, flag] : flags) {
    const std::string var = EnvVarForFlag(name);
    const char* value = std::getenv(var.c_str());
    if (value == nullptr) continue;
    std::string error;
    if (!flag->ParseFrom(value, &error)) {
      return absl::InvalidArgumentError(absl::StrCat(var, ": ", error));
    }
  }
  return absl::OkStatus();
}

std::vector<char*> ParseFlagsWithEnv(int argc, char* argv[]) {
  absl::Status status = ApplyFlagsFromEnv();
  if (!status.ok()) {
    std::string program =
        argc > 0 ? std::filesystem::path(argv[0]).filename().string()
                 : "evtrade";
    ExitWithUsageError(program, status);
  }
  return absl::ParseCommandLine(argc, argv);
}

void ExitWithUsageError(absl::string_view program, const absl::Status& status) {
  std::fprintf(stderr, "%.*s: %.*s\n", static_cast<int>(program.size()),
               program.data(), static_cast<int>(status.message().size()),
               status.message().data());
  std::exit(2);
}

}  // namespace evtrade

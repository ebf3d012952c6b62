// What every harness in fuzz/ shares: the libFuzzer entry point's
// signature, declared once for the harnesses and for replay_main.cc.
#ifndef EVTRADE_FUZZ_FUZZ_INPUT_H_
#define EVTRADE_FUZZ_FUZZ_INPUT_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

// Called with each input; must return 0. A crash, a sanitizer report or a
// failed FUZZ_CHECK is a finding.
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace evtrade::fuzz {

inline std::string_view AsText(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// An invariant of the code under test: aborts (a finding) when it fails,
// in every build type.
[[noreturn]] void CheckFailed(const char* expression, const char* file,
                              int line);
#define FUZZ_CHECK(condition)                                       \
  do {                                                              \
    if (!(condition)) {                                             \
      ::evtrade::fuzz::CheckFailed(#condition, __FILE__, __LINE__); \
    }                                                               \
  } while (false)

}  // namespace evtrade::fuzz

#endif  // EVTRADE_FUZZ_FUZZ_INPUT_H_

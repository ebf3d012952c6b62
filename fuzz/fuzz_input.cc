#include "fuzz/fuzz_input.h"

#include <cstdio>
#include <cstdlib>

namespace evtrade::fuzz {

void CheckFailed(const char* expression, const char* file, int line) {
  std::fprintf(stderr, "%s:%d: FUZZ_CHECK failed: %s\n", file, line,
               expression);
  std::abort();
}

}  // namespace evtrade::fuzz

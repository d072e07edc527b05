// Shared bits of the libFuzzer targets. A broken property is reported like a crash: print what
// was expected and abort(), which libFuzzer records as a crash artifact.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>

#include "shard/result.h"

namespace shard::fuzz {

[[noreturn]] inline void property_failed(const char* what, const std::string& detail) {
  std::fprintf(stderr, "\n==== fuzz property violated: %s\n%s\n", what, detail.c_str());
  std::fflush(stderr);
  std::abort();
}

/// An Error as one line, with its kind: "Malformed: offset 0x1f: ...".
inline std::string describe(const Error& e) { return std::string(to_string(e.kind)) + ": " + e.to_string(); }

}  // namespace shard::fuzz

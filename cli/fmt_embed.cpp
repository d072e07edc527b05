// The `shard` executable carries its own copy of the few {fmt} entry points Shard calls, so that
// it does not load libfmt.so — and, with it, libstdc++.so, whose symbol lookups were 90% of the
// executable's start-up (1.95M instructions for `shard --version`, 0.24M without; bench/RESULTS.md,
// cold start). Debian ships {fmt} only as a shared library, so the code comes from its
// header-only form: taking the addresses below makes this object define them (as weak symbols
// the linker prefers to the shared library's, which --as-needed then drops). The library that
// embedders link still uses libfmt.so; only the CLI is built this way (cli/CMakeLists.txt).
#define FMT_HEADER_ONLY
#include <fmt/format.h>

#include <cstdio>
#include <string>

namespace shard::cli {

// Every out-of-line {fmt} function the Shard libraries call (`nm -D --undefined-only bin/shard |
// grep fmt` on a build without this file). A new one would bring libfmt.so back as a dependency:
// the CTest cli-lean-executable fails then.
extern void* const kFmtEntryPoints[];
void* const kFmtEntryPoints[] = {
    reinterpret_cast<void*>(static_cast<std::string (*)(fmt::string_view, fmt::format_args)>(&fmt::vformat)),
    reinterpret_cast<void*>(static_cast<void (*)(fmt::string_view, fmt::format_args)>(&fmt::vprint)),
    reinterpret_cast<void*>(static_cast<void (*)(std::FILE*, fmt::string_view, fmt::format_args)>(&fmt::vprint)),
};

}  // namespace shard::cli

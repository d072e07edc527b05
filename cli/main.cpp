// The `shard` command line. Uses the public API (include/shard/) only.
#include <fmt/format.h>

#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "shard/validate.h"
#include "shard/version.h"
#include "shard/wast.h"

namespace {

constexpr std::string_view kUsage = R"(usage: shard <command> [options] [args]

commands:
  wast [-v] FILE.wast...    run spec-test scripts; prints failures and a final line
                            "N passed, N failed, N skipped"; exit status 0 only if none failed
  validate FILE             decode and validate a module (.wasm or .wat); exit status 0 if valid
  wat2wasm FILE -o OUT      convert a text module to the binary format
  help                      this text
  version                   print the version

options:
  -h, --help                this text
  --version                 print the version
)";

int usage_error(std::string_view msg) {
  fmt::print(stderr, "shard: {}\n\n{}", msg, kUsage);
  return 2;
}

int cmd_wast(const std::vector<std::string_view>& args) {
  shard::WastOptions opts;
  std::vector<std::string> files;
  for (std::string_view a : args) {
    if (a == "-v" || a == "--verbose") opts.verbose = true;
    else if (a == "-q" || a == "--quiet") opts.quiet = true;
    else if (!a.empty() && a[0] == '-') return usage_error(fmt::format("wast: unknown option '{}'", a));
    else files.emplace_back(a);
  }
  if (files.empty()) return usage_error("wast: no script given");
  shard::WastStats total;
  bool script_error = false;
  for (const std::string& f : files) {
    auto stats = shard::run_wast_file(f, opts);
    if (!stats) {
      fmt::print(stderr, "{}: {}\n", f, stats.error().to_string());
      script_error = true;
      continue;
    }
    total += *stats;
  }
  fmt::print("{} passed, {} failed, {} skipped\n", total.passed, total.failed, total.skipped);
  return (total.failed == 0 && !script_error) ? 0 : 1;
}

int cmd_validate(const std::vector<std::string_view>& args) {
  if (args.size() != 1) return usage_error("validate: expected exactly one FILE");
  std::string path(args[0]);
  auto bytes = shard::read_module_file(path);
  if (!bytes) {
    fmt::print(stderr, "{}: {} error: {}\n", path, shard::to_string(bytes.error().kind), bytes.error().to_string());
    return 1;
  }
  auto ok = shard::validate(*bytes);
  if (!ok) {
    fmt::print(stderr, "{}: {}: {}\n", path, shard::to_string(ok.error().kind), ok.error().to_string());
    return 1;
  }
  fmt::print("{}: valid\n", path);
  return 0;
}

int cmd_wat2wasm(const std::vector<std::string_view>& args) {
  std::string in, out;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "-o") {
      if (i + 1 >= args.size()) return usage_error("wat2wasm: -o needs a file");
      out = args[++i];
    } else if (in.empty()) {
      in = args[i];
    } else {
      return usage_error(fmt::format("wat2wasm: unexpected argument '{}'", args[i]));
    }
  }
  if (in.empty() || out.empty()) return usage_error("wat2wasm: expected FILE -o OUT");
  auto bytes = shard::read_module_file(in);
  if (!bytes) {
    fmt::print(stderr, "{}: {}\n", in, bytes.error().to_string());
    return 1;
  }
  std::FILE* f = std::fopen(out.c_str(), "wb");
  if (!f) {
    fmt::print(stderr, "shard: cannot write {}: {}\n", out, std::strerror(errno));
    return 1;
  }
  size_t n = std::fwrite(bytes->data(), 1, bytes->size(), f);
  bool ok = std::fclose(f) == 0 && n == bytes->size();
  if (!ok) fmt::print(stderr, "shard: cannot write {}\n", out);
  return ok ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return usage_error("no command given");
  std::string_view cmd = argv[1];
  std::vector<std::string_view> args(argv + 2, argv + argc);
  if (cmd == "-h" || cmd == "--help" || cmd == "help") {
    fmt::print("{}", kUsage);
    return 0;
  }
  if (cmd == "--version" || cmd == "version") {
    fmt::print("shard {}\n", shard::kVersion);
    return 0;
  }
  if (cmd == "wast") return cmd_wast(args);
  if (cmd == "validate") return cmd_validate(args);
  if (cmd == "wat2wasm") return cmd_wat2wasm(args);
  return usage_error(fmt::format("unknown command '{}'", cmd));
}

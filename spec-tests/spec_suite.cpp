// Runs the official spec test scripts of one tier (TIERS.tsv) in process, prints a per-file
// table, and compares each file's pass count with spec-tests/EXPECTED.tsv. Exit status 1 on
// any regression (fewer passes than expected) or a script that does not parse; 0 otherwise.
//
//   shard_spec [--suite DIR] [--tier 2.0] [--expected FILE] [--update] [-v] [FILTER...]
//
// DIR defaults to $SHARD_TESTSUITE_DIR, else the path configured at build time
// (../shared/wasm-testsuite beside the checkout). FILTERs keep files whose path contains one.
#include <fmt/format.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "shard/wast.h"

namespace {

struct Options {
  std::string suite;
  std::string tier = "2.0";
  std::string expected_path = SHARD_SPEC_EXPECTED;
  bool update = false;
  bool verbose = false;
  std::vector<std::string> filters;
};

std::vector<std::string> split(const std::string& line, char sep) {
  std::vector<std::string> out;
  std::stringstream ss(line);
  std::string part;
  while (std::getline(ss, part, sep)) out.push_back(part);
  return out;
}

std::map<std::string, uint32_t> read_expected(const std::string& path) {
  std::map<std::string, uint32_t> m;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    auto cols = split(line, '\t');
    if (cols.size() >= 2 && cols[0] != "file") m[cols[0]] = static_cast<uint32_t>(std::strtoul(cols[1].c_str(), nullptr, 10));
  }
  return m;
}

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  if (const char* env = std::getenv("SHARD_TESTSUITE_DIR"); env && *env) opt.suite = env;
  else opt.suite = SHARD_TESTSUITE_DEFAULT;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto need = [&](const char* what) -> std::string {
      if (i + 1 >= argc) {
        fmt::print(stderr, "shard_spec: {} needs a value\n", what);
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--suite") opt.suite = need("--suite");
    else if (a == "--tier") opt.tier = need("--tier");
    else if (a == "--expected") opt.expected_path = need("--expected");
    else if (a == "--update") opt.update = true;
    else if (a == "-v" || a == "--verbose") opt.verbose = true;
    else if (!a.empty() && a[0] == '-') {
      fmt::print(stderr, "shard_spec: unknown option {}\n", a);
      return 2;
    } else opt.filters.push_back(a);
  }

  std::ifstream tiers(opt.suite + "/TIERS.tsv");
  if (!tiers) {
    fmt::print(stderr, "shard_spec: cannot read {}/TIERS.tsv (set --suite or SHARD_TESTSUITE_DIR)\n", opt.suite);
    return 2;
  }
  std::vector<std::string> files;
  std::string line;
  while (std::getline(tiers, line)) {
    auto cols = split(line, '\t');
    if (cols.size() < 2 || cols[1] != opt.tier) continue;
    bool keep = opt.filters.empty();
    for (const auto& f : opt.filters) keep = keep || cols[0].find(f) != std::string::npos;
    if (keep) files.push_back(cols[0]);
  }

  auto expected = read_expected(opt.expected_path);
  shard::WastOptions wopts;
  wopts.quiet = !opt.verbose;
  shard::WastStats total;
  int regressions = 0, broken = 0;
  std::map<std::string, uint32_t> got;
  fmt::print("{:<48} {:>7} {:>7} {:>7} {:>9}\n", "file", "passed", "failed", "skipped", "expected");
  for (const std::string& f : files) {
    auto stats = shard::run_wast_file(opt.suite + "/" + f, wopts);
    if (!stats) {
      fmt::print("{:<48} script error: {}\n", f, stats.error().to_string());
      ++broken;
      got[f] = 0;
      continue;
    }
    total += *stats;
    got[f] = stats->passed;
    auto it = expected.find(f);
    uint32_t want = it == expected.end() ? 0 : it->second;
    std::string mark;
    if (stats->passed < want) {
      mark = "  REGRESSION";
      ++regressions;
    } else if (stats->passed > want) {
      mark = "  (above expected: raise EXPECTED.tsv)";
    }
    fmt::print("{:<48} {:>7} {:>7} {:>7} {:>9}{}\n", f, stats->passed, stats->failed, stats->skipped, want, mark);
  }
  if (opt.update) {
    if (!opt.filters.empty()) {
      // Keep the rows of files not run this time.
      for (auto& [k, v] : got) expected[k] = v;
      got = expected;
    }
    std::ofstream out(opt.expected_path);
    out << "# file\tpassed — expected passing commands per spec file; CI fails if a count drops.\n";
    out << "# Regenerate with: build/bin/shard_spec --update\n";
    for (const auto& [k, v] : got) out << k << '\t' << v << '\n';
    fmt::print("wrote {}\n", opt.expected_path);
  }
  fmt::print("files: {}, regressions: {}, script errors: {}, message mismatches: {}\n", files.size(), regressions,
             broken, total.message_mismatches);
  fmt::print("{} passed, {} failed, {} skipped\n", total.passed, total.failed, total.skipped);
  return (regressions == 0 && broken == 0) ? 0 : 1;
}

// Runs the official spec test scripts of one tier (TIERS.tsv) in process, prints a per-file
// table, and compares each file's pass count with spec-tests/EXPECTED.tsv. Exit status 1 on
// any regression (fewer passes than expected) or a script that does not parse; 0 otherwise.
//
//   shard_spec [--suite DIR] [--tier 2.0] [--feature F] [--expected FILE] [--update] [-v] [FILTER...]
//   shard_spec --component-model [--suite DIR] [--expected FILE] [--update] [-v] [FILTER...]
//
// --tier takes either a suite tier of TIERS.tsv (2.0, 3.0: a number) or an execution tier
// (interp, jit, auto; default auto), and may be given once for each. --bounds-checks runs
// with memory accesses checked in software instead of through guard pages (CTest runs the
// core suite both ways: spec-tier-2.0 and spec-tier-2.0-bounds-checks).
//
// DIR defaults to $SHARD_TESTSUITE_DIR, else the path configured at build time
// (../shared/wasm-testsuite beside the checkout). FILTERs keep files whose path contains one.
// --feature F keeps the tier's rows that list F in their feature column (not as "F(neg)") and
// list no other feature that has a run of its own (kOwnRuns): `--tier 3.0 --feature
// multi-memory` is the files that need multi-memory and no other 3.0 feature; `--feature
// exception-handling` also takes files that mix in features Shard does not implement (tail
// calls, GC, ...): their commands that need those fail, and a script that cannot even be parsed
// for them is reported but not counted as a script error.
//
// With --component-model, the scripts are the Component Model's tests (DIR defaults to
// $SHARD_COMPONENT_TESTS_DIR, else ../shared/component-model-tests): every .wast file below
// DIR except async/ (features after WASI 0.2) and those its nyi.txt lists, whose commands are
// counted as skipped. Their rows in EXPECTED.tsv are prefixed "component-model/".
#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <map>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "shard/component.h"
#include "shard/wast.h"
#ifdef SHARD_HAVE_JIT
#include "jit/jit.h"
#endif

namespace {

struct Options {
  std::string suite;
  std::string tier = "2.0";                   ///< the suite tier (TIERS.tsv)
  shard::TierKind exec_tier = shard::TierKind::Auto;
  bool bounds_checks = false;
  std::string feature;  ///< empty: every row of the tier
  std::string expected_path = SHARD_SPEC_EXPECTED;
  bool update = false;
  bool verbose = false;
  bool component_model = false;
  std::vector<std::string> filters;
};

std::vector<std::string> split(const std::string& line, char sep) {
  std::vector<std::string> out;
  std::stringstream ss(line);
  std::string part;
  while (std::getline(ss, part, sep)) out.push_back(part);
  return out;
}

/// Features with a `--feature` run of their own (CTest spec-*): a row listing two of them
/// belongs to neither run.
constexpr std::string_view kOwnRuns[] = {"multi-memory", "exception-handling"};

/// For `--feature`: whether the row's feature column selects it; `extras` gets the other
/// features it lists.
bool feature_selects(const std::string& column, const std::string& feature, std::vector<std::string>& extras) {
  if (column == feature) return true;
  bool found = false;
  for (const std::string& f : split(column, ',')) {
    if (f == feature) {
      found = true;
    } else {
      for (std::string_view own : kOwnRuns)
        if (f == own) return false;
      extras.push_back(f);
    }
  }
  return found;
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

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// The Component Model scripts below `dir`, sorted, and the ones to skip (async/, nyi.txt).
void component_files(const std::string& dir, std::vector<std::string>& run, std::set<std::string>& skip) {
  std::set<std::string> nyi;
  std::ifstream in(dir + "/nyi.txt");
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    if (line.starts_with("./")) line = line.substr(2);
    nyi.insert(line);
  }
  namespace fs = std::filesystem;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file() || it->path().extension() != ".wast") continue;
    std::string rel = fs::relative(it->path(), dir).generic_string();
    run.push_back(rel);
    if (rel.starts_with("async/") || nyi.count(rel)) skip.insert(rel);
  }
  std::sort(run.begin(), run.end());
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
    else if (a == "--tier") {
      std::string t = need("--tier");
      if (auto k = shard::parse_tier_name(t)) opt.exec_tier = *k;
      else if (!t.empty() && t[0] >= '0' && t[0] <= '9') opt.tier = t;
      else {
        fmt::print(stderr, "shard_spec: unknown tier {} (a suite tier such as 2.0, or interp, jit, auto)\n", t);
        return 2;
      }
    } else if (a == "--bounds-checks") opt.bounds_checks = true;
    else if (a == "--feature") opt.feature = need("--feature");
    else if (a == "--expected") opt.expected_path = need("--expected");
    else if (a == "--update") opt.update = true;
    else if (a == "--component-model") opt.component_model = true;
    else if (a == "-v" || a == "--verbose") opt.verbose = true;
    else if (!a.empty() && a[0] == '-') {
      fmt::print(stderr, "shard_spec: unknown option {}\n", a);
      return 2;
    } else opt.filters.push_back(a);
  }

  std::vector<std::string> files;
  std::set<std::string> skipped_files;
  std::map<std::string, std::string> other_features;  ///< file -> features beyond --feature it needs
  std::string prefix;
  if (opt.component_model) {
    prefix = "component-model/";
    if (const char* env = std::getenv("SHARD_COMPONENT_TESTS_DIR"); env && *env) opt.suite = env;
    else if (opt.suite == SHARD_TESTSUITE_DEFAULT || (std::getenv("SHARD_TESTSUITE_DIR") && opt.suite == std::getenv("SHARD_TESTSUITE_DIR")))
      opt.suite = SHARD_COMPONENT_TESTS_DEFAULT;
    std::vector<std::string> all;
    component_files(opt.suite, all, skipped_files);
    if (all.empty()) {
      fmt::print(stderr, "shard_spec: no .wast files below {} (set --suite or SHARD_COMPONENT_TESTS_DIR)\n", opt.suite);
      return 2;
    }
    for (const auto& f : all) {
      bool keep = opt.filters.empty();
      for (const auto& flt : opt.filters) keep = keep || f.find(flt) != std::string::npos;
      if (keep) files.push_back(f);
    }
  } else {
    std::ifstream tiers(opt.suite + "/TIERS.tsv");
    if (!tiers) {
      fmt::print(stderr, "shard_spec: cannot read {}/TIERS.tsv (set --suite or SHARD_TESTSUITE_DIR)\n", opt.suite);
      return 2;
    }
    std::string line;
    while (std::getline(tiers, line)) {
      auto cols = split(line, '\t');
      if (cols.size() < 2 || cols[1] != opt.tier) continue;
      std::vector<std::string> extras;
      if (!opt.feature.empty() && (cols.size() < 3 || !feature_selects(cols[2], opt.feature, extras))) continue;
      bool keep = opt.filters.empty();
      for (const auto& f : opt.filters) keep = keep || cols[0].find(f) != std::string::npos;
      if (!keep) continue;
      files.push_back(cols[0]);
      if (!extras.empty()) {
        std::string needs;
        for (const auto& e : extras) needs += (needs.empty() ? "" : ",") + e;
        other_features[cols[0]] = needs;
      }
    }
  }

  auto expected = read_expected(opt.expected_path);
  shard::WastOptions wopts;
  wopts.tier = opt.exec_tier;
  wopts.signal_based_traps = !opt.bounds_checks;
  wopts.quiet = !opt.verbose;
  shard::WastStats total;
  int regressions = 0, broken = 0;
  std::map<std::string, uint32_t> got;
  fmt::print("{:<60} {:>7} {:>7} {:>7} {:>9}\n", "file", "passed", "failed", "skipped", "expected");
  for (const std::string& file : files) {
    const std::string path = opt.suite + "/" + file;
    const std::string f = prefix + file;
    if (skipped_files.count(file)) {
      auto n = shard::cm::count_wast_commands(read_text(path));
      const uint32_t count = n ? *n : 0;
      total.skipped += count;
      fmt::print("{:<60} {:>7} {:>7} {:>7} {:>9}  (skipped: {})\n", f, 0, 0, count, "-",
                 file.starts_with("async/") ? "async, after WASI 0.2" : "listed in nyi.txt");
      continue;
    }
    auto stats = opt.component_model ? shard::cm::run_wast_file(path, wopts) : shard::run_wast_file(path, wopts);
    if (!stats) {
      if (auto it = other_features.find(file); it != other_features.end()) {
        fmt::print("{:<60} script error (needs {}, not implemented): {}\n", f, it->second, stats.error().to_string());
        continue;
      }
      fmt::print("{:<60} script error: {}\n", f, stats.error().to_string());
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
    fmt::print("{:<60} {:>7} {:>7} {:>7} {:>9}{}\n", f, stats->passed, stats->failed, stats->skipped, want, mark);
  }
  if (opt.update) {
    // Keep the rows of files not run this time (other filters, the other suite).
    for (auto& [k, v] : got) expected[k] = v;
    got = expected;
    std::ofstream out(opt.expected_path);
    out << "# file\tpassed — expected passing commands per spec file; CI fails if a count drops.\n";
    out << "# Regenerate with: build/bin/shard_spec --update (core 2.0), build/bin/shard_spec --tier 3.0 --feature "
           "multi-memory --update, build/bin/shard_spec --tier 3.0 --feature exception-handling --update, and "
           "build/bin/shard_spec --component-model --update\n";
    for (const auto& [k, v] : got) out << k << '\t' << v << '\n';
    fmt::print("wrote {}\n", opt.expected_path);
  }
  fmt::print("files: {}, regressions: {}, script errors: {}, message mismatches: {}\n", files.size(), regressions,
             broken, total.message_mismatches);
  fmt::print("{} passed, {} failed, {} skipped\n", total.passed, total.failed, total.skipped);
  // Under the JIT, say how many functions ran as machine code and how many were left to the
  // interpreter.
#ifdef SHARD_HAVE_JIT
  if (shard::jit::stats().compiled + shard::jit::stats().fallbacks != 0) fmt::print("{}\n", shard::jit::stats_report());
#endif
  return (regressions == 0 && broken == 0) ? 0 : 1;
}

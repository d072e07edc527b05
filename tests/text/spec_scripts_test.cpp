// Parses every Wasm 2.0 spec script (TIERS.tsv tier "2.0"): each script must parse, each text
// module must encode, each quoted module of assert_malformed must be rejected, and every other
// quoted module must encode.
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "text/wast.h"
#include "text/wat.h"

namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> tier_files(const std::string& tier) {
  std::vector<std::string> files;
  std::ifstream in(std::string(SHARD_TESTSUITE_DIR) + "/TIERS.tsv");
  std::string line;
  while (std::getline(in, line)) {
    auto tab = line.find('\t');
    if (tab == std::string::npos) continue;
    auto tab2 = line.find('\t', tab + 1);
    if (line.substr(tab + 1, tab2 == std::string::npos ? std::string::npos : tab2 - tab - 1) == tier)
      files.push_back(line.substr(0, tab));
  }
  return files;
}

}  // namespace

TEST_CASE("every Wasm 2.0 spec script parses and its modules encode", "[text][spec]") {
  auto files = tier_files("2.0");
  if (files.empty()) {
    WARN("no testsuite at " SHARD_TESTSUITE_DIR "; skipped");
    return;
  }
  size_t scripts = 0, scripts_ok = 0, text_modules = 0, text_ok = 0, malformed_quotes = 0, malformed_rejected = 0,
         other_quotes = 0, other_quotes_ok = 0, wording_matches = 0;
  std::vector<std::string> problems, wording;
  for (const std::string& rel : files) {
    std::string path = std::string(SHARD_TESTSUITE_DIR) + "/" + rel;
    std::string src = read_file(path);
    ++scripts;
    auto script = shard::wast::parse_script(src);
    if (!script) {
      problems.push_back(fmt::format("{}: script: {}", rel, script.error().to_string()));
      continue;
    }
    ++scripts_ok;
    for (const auto& cmd : script->commands) {
      const auto& m = cmd.module;
      bool has_module = cmd.kind == shard::wast::Command::Kind::Module ||
                        cmd.kind == shard::wast::Command::Kind::AssertMalformed ||
                        cmd.kind == shard::wast::Command::Kind::AssertInvalid ||
                        cmd.kind == shard::wast::Command::Kind::AssertUnlinkable ||
                        cmd.kind == shard::wast::Command::Kind::AssertUninstantiable;
      if (!has_module) continue;
      bool malformed = cmd.kind == shard::wast::Command::Kind::AssertMalformed;
      if (m.form == shard::wast::ModuleSource::Form::Text) {
        ++text_modules;
        if (!m.error) ++text_ok;
        else problems.push_back(fmt::format("{}:{}: text module: {}", rel, m.line, m.error->to_string()));
      } else if (m.form == shard::wast::ModuleSource::Form::Quote) {
        auto r = shard::wat_to_binary(m.quote);
        if (malformed) {
          ++malformed_quotes;
          if (!r) {
            ++malformed_rejected;
            // The reference interpreter's wording, checked as a prefix (informational).
            if (r.error().message.rfind(cmd.text, 0) == 0) ++wording_matches;
            else wording.push_back(fmt::format("{}:{}: \"{}\" vs \"{}\"", rel, m.line, r.error().message, cmd.text));
          }
          else problems.push_back(fmt::format("{}:{}: accepted malformed quote (expected \"{}\")", rel, m.line, cmd.text));
        } else {
          ++other_quotes;
          if (r) ++other_quotes_ok;
          else problems.push_back(fmt::format("{}:{}: quote module: {}", rel, m.line, r.error().to_string()));
        }
      }
    }
  }
  fmt::print("spec scripts: {}/{} parsed; text modules encoded {}/{}; malformed quotes rejected {}/{}; "
             "other quoted modules encoded {}/{}\n",
             scripts_ok, scripts, text_ok, text_modules, malformed_rejected, malformed_quotes, other_quotes_ok,
             other_quotes);
  fmt::print("  malformed-quote messages with the expected wording: {}/{}\n", wording_matches, malformed_rejected);
  if (getenv("SHARD_TEXT_VERBOSE")) {
    for (const auto& w : wording) fmt::print("  wording: {}\n", w);
  }
  for (const auto& p : problems) fmt::print("  {}\n", p);
  CHECK(scripts_ok == scripts);
  CHECK(text_ok == text_modules);
  CHECK(malformed_rejected == malformed_quotes);
  CHECK(other_quotes_ok == other_quotes);
}

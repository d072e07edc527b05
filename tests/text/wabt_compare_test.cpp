// Byte-for-byte comparison of Shard's text encoder with wabt's (wast2json --enable-all
// --no-check) on every text module of the Wasm 2.0 spec scripts. Skipped when wast2json is not
// installed; scripts wabt cannot read are listed and skipped. Reference files are generated
// into a temporary directory at test time.
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "text/lexer.h"
#include "text/wast.h"

namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> tier_2_files() {
  std::vector<std::string> files;
  std::ifstream in(std::string(SHARD_TESTSUITE_DIR) + "/TIERS.tsv");
  std::string line;
  while (std::getline(in, line)) {
    auto tab = line.find('\t');
    if (tab != std::string::npos && line.compare(tab + 1, 4, "2.0\t") == 0) files.push_back(line.substr(0, tab));
    else if (tab != std::string::npos && line.substr(tab + 1) == "2.0") files.push_back(line.substr(0, tab));
  }
  return files;
}

// Shard emits a data count section of 0 when code uses data.drop/memory.init in a module with
// no data segments (binary/modules.rst requires the section for those instructions, and the spec
// test then expects "unknown data segment"); wabt omits it. Drops that section for comparison.
std::vector<uint8_t> without_empty_data_count(const std::vector<uint8_t>& m) {
  std::vector<uint8_t> out(m.begin(), m.begin() + std::min<size_t>(8, m.size()));
  size_t p = 8;
  while (p + 1 < m.size()) {
    uint8_t id = m[p];
    size_t q = p + 1, size = 0;
    for (int shift = 0; q < m.size(); shift += 7) {
      size |= size_t{m[q] & 0x7fu} << shift;
      if (!(m[q++] & 0x80)) break;
    }
    size_t end = std::min(m.size(), q + size);
    if (!(id == 12 && size == 1 && m[q] == 0)) out.insert(out.end(), m.begin() + p, m.begin() + end);
    p = end;
  }
  return out;
}

// The source text of every `(module ...)` in a script, by line, found with Shard's lexer.
std::map<uint32_t, std::string> module_sources(const std::string& src) {
  std::map<uint32_t, std::string> out;
  auto toks = shard::text::tokenize(src);
  if (!toks) return out;
  const auto& t = *toks;
  for (size_t i = 0; i + 1 < t.size(); ++i) {
    if (t[i].kind != shard::text::TokenKind::LParen || t[i + 1].text != "module") continue;
    int depth = 0;
    size_t j = i;
    for (; j < t.size(); ++j) {
      depth += t[j].kind == shard::text::TokenKind::LParen;
      depth -= t[j].kind == shard::text::TokenKind::RParen;
      if (depth == 0) break;
    }
    if (j == t.size()) break;
    const char* begin = t[i].text.data();
    const char* end = t[j].text.data() + 1;
    out[t[i].line] = std::string(begin, end);
  }
  return out;
}

}  // namespace

TEST_CASE("text modules of the 2.0 spec scripts encode exactly as wabt's", "[text][wabt]") {
  if (std::system("command -v wast2json >/dev/null 2>&1") != 0) {
    WARN("wast2json not installed; skipped");
    return;
  }
  auto files = tier_2_files();
  if (files.empty()) {
    WARN("no testsuite; skipped");
    return;
  }
  std::string tmpl = (fs::temp_directory_path() / "shard-text-wabt-XXXXXX").string();
  REQUIRE(mkdtemp(tmpl.data()) != nullptr);
  fs::path tmp(tmpl);

  size_t compared = 0, equal = 0, wabt_unreadable = 0;
  std::vector<std::string> skipped_files, differences;
  static const std::regex kEntry(R"re("line": (\d+), "filename": "([^"]+\.wasm)")re");
  for (size_t fi = 0; fi < files.size(); ++fi) {
    const std::string& rel = files[fi];
    std::string src_path = std::string(SHARD_TESTSUITE_DIR) + "/" + rel;
    fs::path json = tmp / fmt::format("s{}.json", fi);
    std::string cmd = fmt::format("wast2json --enable-all --no-check '{}' -o '{}' >/dev/null 2>&1", src_path, json.string());
    std::map<uint32_t, std::string> wasm_by_line;
    if (std::system(cmd.c_str()) == 0) {
      std::string listing = slurp(json);
      for (auto it = std::sregex_iterator(listing.begin(), listing.end(), kEntry); it != std::sregex_iterator(); ++it)
        wasm_by_line[static_cast<uint32_t>(std::stoul((*it)[1]))] = (*it)[2];
    } else {
      // wast2json rejects the whole script (older wabt); compare module by module with wat2wasm,
      // skipping the modules it cannot read.
      skipped_files.push_back(rel);
      for (const auto& [line, text] : module_sources(slurp(src_path))) {
        std::string stem = fmt::format("s{}-{}", fi, line);
        std::ofstream(tmp / (stem + ".wat"), std::ios::binary) << text;
        std::string w = fmt::format("wat2wasm --enable-all --no-check '{}' -o '{}' >/dev/null 2>&1",
                                    (tmp / (stem + ".wat")).string(), (tmp / (stem + ".wasm")).string());
        if (std::system(w.c_str()) == 0) wasm_by_line[line] = stem + ".wasm";
        else ++wabt_unreadable;
      }
    }

    auto script = shard::wast::parse_script(slurp(src_path));
    REQUIRE(script.ok());
    for (const auto& c : script->commands) {
      const auto& m = c.module;
      if (m.form != shard::wast::ModuleSource::Form::Text || m.error || m.bytes.empty()) continue;
      auto found = wasm_by_line.find(m.line);
      if (found == wasm_by_line.end()) continue;
      std::string ref = slurp(tmp / found->second);
      ++compared;
      std::vector<uint8_t> want(ref.begin(), ref.end());
      if (want == m.bytes || want == without_empty_data_count(m.bytes)) {
        ++equal;
        continue;
      }
      size_t at = 0;
      while (at < want.size() && at < m.bytes.size() && want[at] == m.bytes[at]) ++at;
      differences.push_back(fmt::format("{}:{}: first difference at byte {} (wabt {} bytes, shard {})", rel, m.line,
                                        at, ref.size(), m.bytes.size()));
    }
  }
  fs::remove_all(tmp);
  fmt::print("wabt comparison: {}/{} modules byte-identical; {} scripts compared module by module (wast2json "
             "cannot read them), {} of their modules unreadable by wat2wasm\n",
             equal, compared, skipped_files.size(), wabt_unreadable);
  for (const auto& s : skipped_files) fmt::print("  per module: {}\n", s);
  for (const auto& d : differences) fmt::print("  {}\n", d);
  CHECK(compared > 0);
  CHECK(equal == compared);
}

// make_seeds: writes the fuzzers' seed corpora and dictionaries from the spec test suite and
// other example files, so no binary corpus is ever committed.
//
//   make_seeds --testsuite DIR [--extra DIR]... --out DIR
//
// From every Wasm 2.0 script of the suite (TIERS.tsv tier 2.0; every core/*.wast if there is no
// TIERS.tsv) and every .wast/.wat/.wasm under the --extra folders it writes
//   OUT/decode/  each module's binary: (module binary ...), encoded text modules, quoted modules
//   OUT/run/     the binaries of those that validate
//   OUT/wat/     the source text of each text module, and each quoted module's text
//   OUT/wast/    the scripts cut into chunks of whole top-level commands (a few KiB each)
//   OUT/wat.dict, OUT/wasm.dict   libFuzzer dictionaries (keywords from the opcode table)
// File names are content hashes, so rerunning is idempotent and duplicates collapse.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "text/lexer.h"
#include "text/wast.h"
#include "text/wat.h"
#include "types.h"
#include "valid/validator.h"

namespace fs = std::filesystem;
using namespace shard;

namespace {

constexpr size_t kMaxSeed = 16 * 1024;   // larger inputs only slow the fuzzers down
constexpr size_t kWastChunk = 3 * 1024;  // target size of a script chunk

struct Counts {
  size_t decode = 0, run = 0, wat = 0, wast = 0;
};

class SeedWriter {
 public:
  explicit SeedWriter(fs::path out) : out_(std::move(out)) {
    for (const char* d : {"decode", "run", "wat", "wast"}) fs::create_directories(out_ / d);
  }

  void binary(const std::vector<uint8_t>& bytes) {
    std::string_view s(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    if (!put("decode", s)) return;
    ++counts.decode;
    if (load_module(bytes) && put("run", s)) ++counts.run;
  }
  void wat(std::string_view text) {
    if (put("wat", text)) ++counts.wat;
  }
  void wast(std::string_view text) {
    if (put("wast", text)) ++counts.wast;
  }

  Counts counts;

 private:
  /// Writes `data` as OUT/dir/<fnv1a-64>; false if it is too large or already there.
  bool put(const char* dir, std::string_view data) {
    if (data.empty() || data.size() > kMaxSeed) return false;
    uint64_t h = 0xcbf29ce484222325ull;
    for (char c : data) h = (h ^ static_cast<uint8_t>(c)) * 0x100000001b3ull;
    char name[17];
    std::snprintf(name, sizeof name, "%016llx", static_cast<unsigned long long>(h));
    if (!seen_.insert(std::string(dir) + name).second) return false;
    std::ofstream f(out_ / dir / name, std::ios::binary);
    f.write(data.data(), static_cast<std::streamsize>(data.size()));
    return true;
  }

  fs::path out_;
  std::set<std::string> seen_;
};

std::string read_file(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::ostringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

/// The source text of every `(module ...)` form that is written as text (not binary/quote),
/// found with the project's own tokenizer: tokens are views into `source`.
std::vector<std::string_view> text_modules(std::string_view source) {
  std::vector<std::string_view> out;
  auto tokens = text::tokenize(source);
  if (!tokens) return out;
  const std::vector<text::Token>& t = *tokens;
  for (size_t i = 0; i + 1 < t.size(); ++i) {
    if (t[i].kind != text::TokenKind::LParen || t[i + 1].kind != text::TokenKind::Keyword || t[i + 1].text != "module")
      continue;
    size_t k = i + 2;
    if (k < t.size() && t[k].kind == text::TokenKind::Id) ++k;
    if (k < t.size() && t[k].kind == text::TokenKind::Keyword &&
        (t[k].text == "binary" || t[k].text == "quote" || t[k].text == "instance"))
      continue;
    int depth = 0;
    for (size_t j = i; j < t.size() && t[j].kind != text::TokenKind::Eof; ++j) {
      if (t[j].kind == text::TokenKind::LParen) ++depth;
      if (t[j].kind == text::TokenKind::RParen && --depth == 0) {
        const char* b = t[i].text.data();
        const char* e = t[j].text.data() + 1;
        out.emplace_back(b, static_cast<size_t>(e - b));
        break;
      }
    }
  }
  return out;
}

/// Cuts a script into chunks of consecutive top-level forms of about kWastChunk bytes.
std::vector<std::string_view> wast_chunks(std::string_view source) {
  std::vector<std::string_view> out;
  auto tokens = text::tokenize(source);
  if (!tokens) return out;
  const char* chunk_begin = nullptr;
  int depth = 0;
  for (const text::Token& tok : *tokens) {
    if (tok.kind == text::TokenKind::LParen && depth++ == 0 && chunk_begin == nullptr) chunk_begin = tok.text.data();
    if (tok.kind == text::TokenKind::RParen && depth > 0 && --depth == 0) {
      const char* end = tok.text.data() + 1;
      if (static_cast<size_t>(end - chunk_begin) >= kWastChunk) {
        out.emplace_back(chunk_begin, static_cast<size_t>(end - chunk_begin));
        chunk_begin = nullptr;
      }
    }
  }
  if (chunk_begin != nullptr && depth == 0) {
    const char* end = source.data() + source.size();
    out.emplace_back(chunk_begin, static_cast<size_t>(end - chunk_begin));
  }
  return out;
}

void add_script(SeedWriter& w, const std::string& source) {
  for (std::string_view chunk : wast_chunks(source)) w.wast(chunk);
  for (std::string_view m : text_modules(source)) w.wat(m);
  auto script = wast::parse_script(source);
  if (!script) return;
  for (const wast::Command& cmd : script->commands) {
    const wast::ModuleSource& src = cmd.module;
    if (src.form == wast::ModuleSource::Form::Quote) {
      w.wat(src.quote);
      if (auto bin = wat_to_binary(src.quote)) w.binary(*bin);
    } else if (!src.bytes.empty() && !src.error) {
      w.binary(src.bytes);
    }
  }
}

void add_file(SeedWriter& w, const fs::path& p) {
  std::string ext = p.extension().string();
  std::string data = read_file(p);
  if (ext == ".wast") {
    add_script(w, data);
  } else if (ext == ".wat") {
    w.wat(data);
    if (auto bin = wat_to_binary(data)) w.binary(*bin);
  } else if (ext == ".wasm") {
    w.binary(std::vector<uint8_t>(data.begin(), data.end()));
  }
}

/// Suite scripts to use: tier 2.0 rows of TIERS.tsv, or every core/*.wast.
std::vector<fs::path> suite_files(const fs::path& suite) {
  std::vector<fs::path> out;
  std::ifstream tiers(suite / "TIERS.tsv");
  if (tiers) {
    std::string line;
    while (std::getline(tiers, line)) {
      std::istringstream row(line);
      std::string path, tier;
      if (std::getline(row, path, '\t') && std::getline(row, tier, '\t') && tier == "2.0") out.push_back(suite / path);
    }
  } else if (fs::is_directory(suite / "core")) {
    for (const auto& e : fs::directory_iterator(suite / "core"))
      if (e.path().extension() == ".wast") out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string dict_entry(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c >= 0x7f) {
      char buf[5];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"\n";
}

void write_dicts(const fs::path& out) {
  std::ofstream wat(out / "wat.dict");
  for (const OpInfo& oi : kOpInfo) wat << dict_entry(oi.name);
  for (const char* k :
       {"(module", "(func", "(param", "(result", "(local", "(global", "(table", "(memory", "(data", "(elem",
        "(import", "(export", "(type", "(start", "(mut", "(offset", "(item", "(declare", "(ref", "(then", "(else",
        "(block", "(loop", "(if", "funcref", "externref", "func", "extern", "i32", "i64", "f32", "f64", "v128",
        "i8x16", "i16x8", "i32x4", "i64x2", "f32x4", "f64x2", "offset=", "align=", "nan", "inf", "nan:0x",
        "nan:canonical", "nan:arithmetic", "0x", "$", "\"", ";;", "(;", ";)", "(@", "(assert_return",
        "(assert_trap", "(assert_invalid", "(assert_malformed", "(assert_unlinkable", "(assert_exhaustion",
        "(assert_exception", "(invoke", "(get", "(register", "(either", "ref.extern", "ref.host", "binary",
        "quote", "definition", "instance"})
    wat << dict_entry(k);

  std::ofstream wasm(out / "wasm.dict");
  for (std::string_view k : {std::string_view("\0asm\1\0\0\0", 8), std::string_view("\x60\x00\x00", 3),
                             std::string_view("\x41\x00", 2), std::string_view("\xfc"), std::string_view("\xfd"),
                             std::string_view("\x0b"), std::string_view("\x40"), std::string_view("\x70"),
                             std::string_view("\x6f"), std::string_view("\x7b"), std::string_view("\x7f"),
                             std::string_view("\x7e"), std::string_view("\x7d"), std::string_view("\x7c"),
                             std::string_view("\x80\x80\x80\x80\x00", 5), std::string_view("\xff\xff\xff\xff\x0f", 5),
                             std::string_view("\x04name")})
    wasm << dict_entry(k);
}

}  // namespace

int main(int argc, char** argv) {
  fs::path suite, out;
  std::vector<fs::path> extra;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string_view a = argv[i];
    if (a == "--testsuite") suite = argv[i + 1];
    else if (a == "--extra") extra.emplace_back(argv[i + 1]);
    else if (a == "--out") out = argv[i + 1];
  }
  if (out.empty()) {
    std::fprintf(stderr, "usage: make_seeds --testsuite DIR [--extra DIR]... --out DIR\n");
    return 2;
  }
  SeedWriter w(out);
  size_t files = 0;
  if (!suite.empty()) {
    for (const fs::path& p : suite_files(suite)) {
      if (!fs::is_regular_file(p)) continue;
      add_file(w, p);
      ++files;
    }
  }
  for (const fs::path& dir : extra) {
    if (!fs::is_directory(dir)) continue;
    for (const auto& e : fs::recursive_directory_iterator(dir)) {
      if (!e.is_regular_file()) continue;
      add_file(w, e.path());
      ++files;
    }
  }
  write_dicts(out);
  std::printf("make_seeds: %zu files -> %zu decode, %zu run, %zu wat, %zu wast seeds in %s\n", files, w.counts.decode,
              w.counts.run, w.counts.wat, w.counts.wast, out.string().c_str());
  return 0;
}

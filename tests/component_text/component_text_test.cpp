// The component text format (component/text/): encodings checked byte for byte against
// wasm-tools (the expected bytes below are `jco parse` output with its name section removed),
// errors, and every script of ../shared/component-model-tests except async/ and nyi.txt.
//
// With SHARD_CTEXT_DUMP=DIR set, the scripts test also writes each text component it encodes
// as DIR/NNNN.wat and DIR/NNNN.shard.wasm for compare_wasm_tools.mjs (see that file).
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <vector>

#include "component/text/component_text.h"

using namespace shard;
using namespace shard::component::text;
using Bytes = std::vector<uint8_t>;

namespace {

const std::string kTests = std::string(SHARD_SOURCE_DIR) + "/../shared/component-model-tests";

Bytes preamble() { return {0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00}; }
Bytes with_preamble(std::initializer_list<uint8_t> rest) {
  Bytes b = preamble();
  b.insert(b.end(), rest);
  return b;
}

Bytes encode(std::string_view text) {
  auto r = component_wat_to_binary(text);
  if (!r) FAIL(r.error().to_string());
  return *r;
}

Error error_of(std::string_view text) {
  auto r = component_wat_to_binary(text);
  REQUIRE_FALSE(r);
  return r.error();
}

std::string read_text(const std::filesystem::path& p) {
  std::ifstream f(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), {});
}

}  // namespace

TEST_CASE("empty components", "[component_text]") {
  CHECK(encode("(component)") == preamble());
  CHECK(encode("(component $c)") == preamble());
  CHECK(encode("(component (component))") == with_preamble({0x04, 0x08, 0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00}));
}

TEST_CASE("inline value types are hoisted, one definition each", "[component_text]") {
  // wasm-tools: three list types (no deduplication), then the function type, then the import.
  Bytes want = with_preamble({0x07, 0x0e, 0x04, 0x70, 0x7d, 0x70, 0x7d, 0x70, 0x7d, 0x40, 0x01, 0x01, 0x78, 0x02,
                              0x01, 0x00, 0x0a, 0x06, 0x01, 0x00, 0x01, 0x66, 0x01, 0x03});
  CHECK(encode(R"((component (type $a (list u8)) (type (list u8)) (import "f" (func (param "x" (list u8))))))") ==
        want);
}

TEST_CASE("import attributes, map, and inline exports at the end", "[component_text]") {
  Bytes want = with_preamble({
      0x07, 0x03, 0x01, 0x42, 0x00,                                                       // (type (instance))
      0x0a, 0x0e, 0x01, 0x02, 0x01, 0x61, 0x01, 0x00, 0x05, 0x61, 0x3a, 0x62, 0x2f, 0x63,  // import "a" implements
      0x05, 0x00,                                                                         //
      0x07, 0x0a, 0x02, 0x70, 0x7d, 0x40, 0x01, 0x01, 0x78, 0x01, 0x01, 0x00,             // list u8, func type
      0x0a, 0x0b, 0x01, 0x02, 0x01, 0x62, 0x01, 0x02, 0x02, 0x69, 0x64, 0x01, 0x02,       // import "b" external-id
      0x07, 0x0d, 0x03, 0x63, 0x73, 0x79, 0x70, 0x7d, 0x40, 0x01, 0x01, 0x78, 0x04, 0x00, 0x79,  // map, list, func
      0x08, 0x06, 0x01, 0x00, 0x00, 0x00, 0x00, 0x05,                                     // canon lift
      0x0b, 0x07, 0x01, 0x00, 0x01, 0x67, 0x01, 0x01, 0x00,                               // export "g"
  });
  CHECK(encode(R"((component
    (import "a" (implements "a:b/c") (instance))
    (import "b" (external-id "id") (func (param "x" (list u8))))
    (type (map string u32))
    (func $f (export "g") (param "x" (list u8)) (result u32) (canon lift (core func 0)))))") == want);
}

TEST_CASE("core modules use the core text encoder", "[component_text]") {
  Bytes got = encode(R"((component (core module $m (func (export "f") (result i32) i32.const 1))))");
  REQUIRE(got.size() > 10);
  CHECK(got[8] == 0x01);  // core module section
  Bytes core(got.begin() + 10, got.end());
  CHECK(core[0] == 0x00);
  CHECK(core[4] == 0x01);  // core version 1, layer 0
  CHECK(core[6] == 0x00);
}

TEST_CASE("aliases: inline export sugar and outer identifiers", "[component_text]") {
  // (func $i "f") inserts (alias export 0 "f" (func)) before the export.
  Bytes b = encode(R"((component
    (import "i" (instance $i (export "f" (func))))
    (export "g" (func $i "f"))))");
  Bytes want_tail = {0x06, 0x06, 0x01, 0x01, 0x00, 0x00, 0x01, 0x66,                 // alias export 0 "f"
                     0x0b, 0x07, 0x01, 0x00, 0x01, 0x67, 0x01, 0x00, 0x00};          // export "g" (func 0)
  REQUIRE(b.size() > want_tail.size());
  CHECK(Bytes(b.end() - want_tail.size(), b.end()) == want_tail);

  // $T of the parent becomes (alias outer 1 0 (type)) inside the nested component.
  Bytes nested = encode(R"((component $P (type $T u32) (component (type (list $T)))))");
  Bytes inner = with_preamble({0x06, 0x05, 0x01, 0x03, 0x02, 0x01, 0x00, 0x07, 0x03, 0x01, 0x70, 0x00});
  Bytes want = with_preamble({0x07, 0x02, 0x01, 0x79, 0x04, static_cast<uint8_t>(inner.size())});
  want.insert(want.end(), inner.begin(), inner.end());
  CHECK(nested == want);

  // Each use of an outer identifier adds its own alias (as wasm-tools does); depth by number too.
  Bytes twice = encode(R"((component $P (type $T u32) (type (component (type (list $T)) (type (option $T))))))");
  Bytes decls = {0x41, 0x04, 0x02, 0x03, 0x02, 0x01, 0x00, 0x01, 0x70, 0x00,
                 0x02, 0x03, 0x02, 0x01, 0x00, 0x01, 0x6b, 0x02};
  CHECK(Bytes(twice.end() - decls.size(), twice.end()) == decls);
  CHECK(encode("(component $P (type $T u32) (type (component (alias outer 1 0 (type)) (type (list 0)))))") ==
        encode("(component $P (type $T u32) (type (component (type (list $T)))))"));

  // Only core modules, core types, components and types can be aliased from outside.
  auto e = component_wat_to_binary(R"((component (import "x" (func $x)) (component (export "x" (func $x)))))");
  REQUIRE_FALSE(e);
  CHECK(e.error().message == "outer item `x` is not a module, type, or component");
}

TEST_CASE("value type indices are signed LEB128 (s33)", "[component_text]") {
  std::string text = "(component";
  for (int i = 0; i < 64; ++i) text += " (type u8)";
  text += " (type (list 64)))";
  Bytes b = encode(text);
  Bytes tail = {0x70, 0xc0, 0x00};
  CHECK(Bytes(b.end() - 3, b.end()) == tail);
}

TEST_CASE("errors carry line and column", "[component_text]") {
  Error e = error_of("(component\n  (export \"f\" (func $nope)))");
  CHECK(e.kind == ErrorKind::Malformed);
  CHECK(e.line == 2);
  CHECK(e.message.find("$nope") != std::string::npos);

  e = error_of("(component (core module (func $f) (func $f)))");
  CHECK(e.kind == ErrorKind::Malformed);

  e = error_of("(component (type $t u8) (type $t u8))");
  CHECK(e.message.find("duplicate") != std::string::npos);
}

TEST_CASE("features after WASI 0.2 are reported as unsupported", "[component_text]") {
  for (const char* text : {"(component (type (stream u8)))", "(component (type (future)))",
                           "(component (type (func async)))", "(component (core func (canon task.return)))",
                           "(component (core func (canon thread.index)))", "(component (type error-context))",
                           "(component (start 0))"}) {
    INFO(text);
    Error e = error_of(text);
    CHECK(e.kind == ErrorKind::Unsupported);
  }
}

TEST_CASE("script values and commands", "[component_text]") {
  auto s = parse_component_script(R"wast(
    (component definition $D (core module $m))
    (component instance $i $D)
    (component binary "\00asm" "\0d\00\01\00")
    (assert_return (invoke "f" (u8.const 7) (s8.const -8) (str.const "x") (char.const "⛳")
                     (record.const (field "a" u32.const 1) (field "b" (list.const (bool.const true))))
                     (variant.const "v" (f32.const 1.5)) (enum.const "e") (flags.const "a" "c")
                     (option.some (tuple.const)) (option.none) (result.ok) (result.err (u64.const 1)))
                   (str.const "ok"))
    (assert_trap (invoke "g") "unknown handle index 5")
    (assert_invalid (component (export "x" (func 0))) "unknown func")
    (assert_malformed (component quote "(export)") "bad")
    (assert_malformed (component (type (record))) "x")
  )wast");
  REQUIRE(s);
  auto& c = s->commands;
  REQUIRE(c.size() == 8);
  CHECK(c[0].kind == ComponentCommand::Kind::Component);
  CHECK(c[0].component.definition);
  CHECK(c[0].component.name == "D");
  CHECK(c[1].kind == ComponentCommand::Kind::ComponentInstance);
  CHECK(c[1].name == "i");
  CHECK(c[1].definition == "D");
  CHECK(c[2].component.form == ComponentSource::Form::Binary);
  CHECK(c[2].component.bytes == preamble());
  REQUIRE(c[3].action.args.size() == 12);
  using K = ComponentValue::Kind;
  auto& a = c[3].action.args;
  CHECK(a[0].kind == K::U8);
  CHECK(a[0].bits == 7);
  CHECK(a[1].bits == 0xf8);
  CHECK(a[3].bits == 0x26f3);
  CHECK(a[4].labels == std::vector<std::string>{"a", "b"});
  CHECK(a[4].items[1].items[0].bits == 1);
  CHECK(a[5].text == "v");
  CHECK(a[7].labels.size() == 2);
  CHECK(a[9].kind == K::OptionNone);
  CHECK(a[10].items.empty());
  CHECK(c[3].expected.size() == 1);
  CHECK(c[4].kind == ComponentCommand::Kind::AssertTrap);
  CHECK(c[4].text == "unknown handle index 5");
  CHECK(c[5].kind == ComponentCommand::Kind::AssertInvalid);
  CHECK_FALSE(c[5].component.error);  // encodes; validation rejects it
  CHECK(c[6].component.form == ComponentSource::Form::Quote);
  CHECK(c[7].component.bytes.size() > 8);
}

// Every script outside async/ and nyi.txt parses; every text component encodes except those
// using features after WASI 0.2 (Unsupported) and those assert_malformed expects to fail.
TEST_CASE("component-model-tests scripts", "[component_text][scripts]") {
  std::set<std::string> nyi;
  {
    std::ifstream f(kTests + "/nyi.txt");
    std::string line;
    while (std::getline(f, line)) {
      if (line.starts_with("./")) nyi.insert(line.substr(2));
    }
  }
  const char* dump = std::getenv("SHARD_CTEXT_DUMP");
  int scripts = 0, encoded = 0, unsupported = 0, malformed_expected = 0, binaries = 0, quotes = 0;
  int dumped = 0, core_gaps = 0;
  // Core features lib/text does not parse yet (exception-handling tags, threads' shared
  // memories); these components fail in the nested core module, not in component syntax.
  auto core_gap = [](const std::string& path, const std::string& msg) {
    return msg.find("unknown operator shared") != std::string::npos ||
           (path.ends_with("linking/tags.wast") && msg.find("unexpected token") != std::string::npos);
  };
  std::vector<std::string> paths;
  for (const char* dir : {"binary", "linking", "resources", "validation", "values", "wasi-0.2"}) {
    std::filesystem::path p = kTests + "/" + dir;
    if (!std::filesystem::exists(p)) continue;
    for (auto& e : std::filesystem::directory_iterator(p)) {
      std::string rel = std::string(dir) + "/" + e.path().filename().string();
      if (e.path().extension() == ".wast" && !nyi.count(rel)) paths.push_back(e.path().string());
    }
  }
  std::sort(paths.begin(), paths.end());
  REQUIRE(!paths.empty());
  for (const std::string& path : paths) {
    INFO(path);
    std::string text = read_text(path);
    auto script = parse_component_script(text);
    if (!script) FAIL(script.error().to_string());
    ++scripts;
    for (auto& cmd : script->commands) {
      const ComponentSource& src = cmd.component;
      bool has_component = cmd.kind == ComponentCommand::Kind::Component ||
                           cmd.kind == ComponentCommand::Kind::AssertMalformed ||
                           cmd.kind == ComponentCommand::Kind::AssertInvalid ||
                           cmd.kind == ComponentCommand::Kind::AssertUnlinkable ||
                           cmd.kind == ComponentCommand::Kind::AssertUninstantiable;
      if (!has_component) continue;
      if (src.form == ComponentSource::Form::Binary) {
        ++binaries;
        continue;
      }
      if (src.form == ComponentSource::Form::Quote) {
        auto r = component_wat_to_binary("(component " + src.quote + ")");
        // The scripts only quote components the text format must reject.
        CHECK(cmd.kind == ComponentCommand::Kind::AssertMalformed);
        // (Messages follow lib/text's wording, e.g. "illegal escape" for "invalid string escape".)
        if (r) FAIL_CHECK(fmt::format("line {}: quoted component encodes; expected \"{}\"", cmd.line, cmd.text));
        ++quotes;
        continue;
      }
      if (src.error) {
        if (src.error->kind == ErrorKind::Unsupported) {
          ++unsupported;
        } else if (cmd.kind == ComponentCommand::Kind::AssertMalformed) {
          ++malformed_expected;
        } else if (core_gap(path, src.error->message)) {
          ++core_gaps;
        } else {
          FAIL_CHECK(fmt::format("line {}: {}", cmd.line, src.error->to_string()));
        }
        continue;
      }
      ++encoded;
      if (dump) {
        std::string base = fmt::format("{}/{:04}", dump, dumped++);
        std::string wat = text.substr(src.begin, src.end - src.begin);
        // `(component definition ...)` is script syntax; wasm-tools parses `(component ...)`.
        if (src.definition) wat.erase(wat.find("definition"), 10);
        std::ofstream(base + ".wat") << wat;
        std::ofstream(base + ".shard.wasm", std::ios::binary)
            .write(reinterpret_cast<const char*>(src.bytes.data()), static_cast<std::streamsize>(src.bytes.size()));
        std::ofstream(base + ".where") << path << ":" << cmd.line << "\n";
      }
    }
  }
  WARN(fmt::format("{} scripts, {} text components encoded, {} unsupported (after WASI 0.2), {} with core "
                   "features lib/text lacks, {} malformed as expected, {} binary, {} quote",
                   scripts, encoded, unsupported, core_gaps, malformed_expected, binaries, quotes));
  CHECK(core_gaps <= 5);
  CHECK(scripts >= 20);
  CHECK(encoded > 500);
}

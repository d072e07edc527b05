// Component decoding and validation (component/): hand-built binaries, the component binaries
// of the Component Model reference tests (fixtures/wast, see gen_wast_cases.mjs), realistic
// components made with jco (fixtures/*.wasm, see gen_fixtures.mjs), and a fuzz-style test
// that truncates and bit-flips them.
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <fstream>
#include <iterator>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "component/component.h"
#include "component/valid/names.h"

using namespace shard;
using namespace shard::component;
using Bytes = std::vector<uint8_t>;

namespace {

const std::string kFixtures = std::string(SHARD_SOURCE_DIR) + "/tests/component/fixtures/";

Bytes read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(f), {});
}

// ---- a tiny encoder for hand-built components ----------------------------------------------
void leb(Bytes& out, uint32_t v) {
  do {
    uint8_t b = v & 0x7f;
    v >>= 7;
    out.push_back(b | (v ? 0x80 : 0));
  } while (v);
}
void name(Bytes& out, std::string_view s) {
  leb(out, static_cast<uint32_t>(s.size()));
  out.insert(out.end(), s.begin(), s.end());
}
void section(Bytes& out, uint8_t id, const Bytes& body) {
  out.push_back(id);
  leb(out, static_cast<uint32_t>(body.size()));
  out.insert(out.end(), body.begin(), body.end());
}
Bytes preamble() { return {0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00}; }

/// A core module exporting `f` of type [i32 i32] -> [i32] (adds), memory and realloc.
Bytes core_module() {
  Bytes m = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};
  // types: 0 = (i32 i32) -> i32, 1 = (i32 i32 i32 i32) -> i32
  section(m, 1, {0x02, 0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f, 0x60, 0x04, 0x7f, 0x7f, 0x7f, 0x7f, 0x01, 0x7f});
  section(m, 3, {0x02, 0x00, 0x01});
  section(m, 5, {0x01, 0x00, 0x01});
  Bytes ex = {0x03};
  name(ex, "f");
  ex.insert(ex.end(), {0x00, 0x00});
  name(ex, "realloc");
  ex.insert(ex.end(), {0x00, 0x01});
  name(ex, "memory");
  ex.insert(ex.end(), {0x02, 0x00});
  section(m, 7, ex);
  // f = local.get 0 local.get 1 i32.add; realloc = i32.const 0
  section(m, 10, {0x02, 0x07, 0x00, 0x20, 0x00, 0x20, 0x01, 0x6a, 0x0b, 0x04, 0x00, 0x41, 0x00, 0x0b});
  return m;
}

/// module; instance; alias f; type (func (param "a" u32) (param "b" u32) (result u32));
/// canon lift; export "add". `param_type`/`export_name` vary it.
Bytes adder(uint8_t param_type = 0x79, std::string_view export_name = "add", bool string_param = false) {
  Bytes c = preamble();
  section(c, 1, core_module());
  section(c, 2, {0x01, 0x00, 0x00, 0x00});  // core instance: instantiate module 0, no args
  Bytes al = {0x03};                        // 3 aliases: core func f, core memory, core func realloc
  al.insert(al.end(), {0x00, 0x00, 0x01, 0x00});
  name(al, "f");
  al.insert(al.end(), {0x00, 0x02, 0x01, 0x00});
  name(al, "memory");
  al.insert(al.end(), {0x00, 0x00, 0x01, 0x00});
  name(al, "realloc");
  section(c, 6, al);
  Bytes ty = {0x01, 0x40, 0x02};
  name(ty, "a");
  ty.push_back(string_param ? 0x73 : param_type);
  name(ty, "b");
  ty.push_back(param_type);
  ty.insert(ty.end(), {0x00, 0x79});
  section(c, 7, ty);
  // canon lift (core func 0) (opts: memory 0, realloc 1) (type 0)
  section(c, 8, {0x01, 0x00, 0x00, 0x00, 0x02, 0x03, 0x00, 0x04, 0x01, 0x00});
  Bytes ex = {0x01, 0x00};
  name(ex, export_name);
  ex.insert(ex.end(), {0x01, 0x00, 0x00});
  section(c, 11, ex);
  return c;
}

struct Case {
  std::string pack;
  uint32_t index;
  int line;
  std::string expect, message;
  Bytes bytes;
};

std::vector<Case> wast_cases() {
  std::vector<Case> cases;
  std::ifstream tsv(kFixtures + "wast/cases.tsv");
  std::map<std::string, std::vector<Bytes>> packs;
  std::string line;
  while (std::getline(tsv, line)) {
    std::istringstream ls(line);
    Case c;
    std::string idx, ln;
    std::getline(ls, c.pack, '\t');
    std::getline(ls, idx, '\t');
    std::getline(ls, ln, '\t');
    std::getline(ls, c.expect, '\t');
    std::getline(ls, c.message);
    c.index = static_cast<uint32_t>(std::stoul(idx));
    c.line = std::stoi(ln);
    if (!packs.count(c.pack)) {
      Bytes p = read_file(kFixtures + "wast/" + c.pack);
      auto& v = packs[c.pack];
      for (size_t i = 0; i + 4 <= p.size();) {
        uint32_t n = p[i] | p[i + 1] << 8 | p[i + 2] << 16 | static_cast<uint32_t>(p[i + 3]) << 24;
        v.emplace_back(p.begin() + static_cast<ptrdiff_t>(i + 4), p.begin() + static_cast<ptrdiff_t>(i + 4 + n));
        i += 4 + n;
      }
    }
    c.bytes = packs[c.pack].at(c.index);
    cases.push_back(std::move(c));
  }
  return cases;
}

}  // namespace

TEST_CASE("component: a hand-built adder decodes and validates", "[component]") {
  auto c = load_component(adder());
  INFO((c ? "" : c.error().to_string()));
  REQUIRE(c);
  CHECK(c->core_modules.size() == 1);
  CHECK(c->aliases.size() == 3);
  REQUIRE(c->canons.size() == 1);
  CHECK(c->canons[0].kind == Canon::Lift);
  CHECK(c->canons[0].opts.memory == 0u);
  CHECK(c->canons[0].opts.realloc == 1u);
  REQUIRE(c->exports.size() == 1);
  CHECK(c->exports[0].name.name == "add");
  CHECK(c->defs.size() == 8);
}

TEST_CASE("component: canon lift is checked against the flattened core type", "[component]") {
  // (param "a" u64) flattens to i64, but the core function takes i32
  auto r = load_component(adder(0x77));
  REQUIRE(!r);
  CHECK(r.error().kind == ErrorKind::Invalid);
  CHECK(r.error().message.find("does not match") != std::string::npos);
  CHECK(r.error().offset != SIZE_MAX);
  // a string parameter flattens to two i32s: three params instead of two
  auto s = load_component(adder(0x79, "add", true));
  REQUIRE(!s);
  CHECK(s.error().message.find("[i32 i32 i32] -> [i32]") != std::string::npos);
}

TEST_CASE("component: export names are validated", "[component]") {
  CHECK(load_component(adder(0x79, "cyber:demo/translator@1.0.0")).ok());
  auto bad = load_component(adder(0x79, "Not-Kebab"));
  REQUIRE(!bad);
  CHECK(bad.error().message.find("kebab") != std::string::npos);
  CHECK(load_component(adder(0x79, "get-JSON")).ok());
}

TEST_CASE("component: extern names", "[component]") {
  ParsedName p;
  std::string why;
  CHECK(parse_extern_name("cyber:demo/translator@1.0.0", p, why));
  CHECK(p.kind == ParsedName::Interface);
  CHECK(parse_extern_name("wasi:http/types@0.2.0-rc.1+build.5", p, why));
  CHECK(parse_extern_name("[method]file.read-at", p, why));
  CHECK((p.kind == ParsedName::Method && p.resource == "file" && p.field == "read-at"));
  CHECK(parse_extern_name("[constructor]file", p, why));
  CHECK(parse_extern_name("a1-2-3", p, why));
  CHECK(parse_extern_name("A11-4CR0NYMS", p, why));
  CHECK(parse_extern_name("m1x3d-4CR0NYMS", p, why));
  CHECK_FALSE(parse_extern_name("1-2-3", p, why));
  CHECK_FALSE(parse_extern_name("aBc", p, why));
  CHECK_FALSE(parse_extern_name("a--b", p, why));
  CHECK_FALSE(parse_extern_name("[method]foo", p, why));
  CHECK_FALSE(parse_extern_name("wasi:http", p, why));
  CHECK_FALSE(parse_extern_name("wasi:http/types@1.0", p, why));
  CHECK_FALSE(parse_extern_name("", p, why));
  // Explainer.md: Name Uniqueness
  CHECK(canonical_name("foo-BAR") == canonical_name("foo-bar"));
  CHECK(canonical_name("[method]foo.foo") == canonical_name("foo"));
  CHECK(canonical_name("[static]foo.bar") == canonical_name("[method]foo.bar"));
  CHECK(canonical_name("[constructor]foo") != canonical_name("foo"));
}

TEST_CASE("component: preamble and sections are decoded strictly", "[component]") {
  Bytes core = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};
  CHECK_FALSE(is_component(core));
  CHECK(is_component(preamble()));
  CHECK(load_component(preamble()).ok());
  auto r = decode_component(core);
  REQUIRE(!r);
  CHECK(r.error().kind == ErrorKind::Malformed);
  Bytes v = preamble();
  v[4] = 0x0c;
  CHECK_FALSE(decode_component(v).ok());
  Bytes bad_id = preamble();
  section(bad_id, 13, {});
  auto e = decode_component(bad_id);
  REQUIRE(!e);
  CHECK(e.error().offset == 8);
  Bytes overrun = preamble();
  overrun.insert(overrun.end(), {0x07, 0x05, 0x01});
  CHECK_FALSE(decode_component(overrun).ok());
}

TEST_CASE("component: features after WASI 0.2 are rejected as unsupported", "[component]") {
  auto unsupported = [](uint8_t id, Bytes body) {
    Bytes c = preamble();
    section(c, id, body);
    auto r = decode_component(c);
    REQUIRE(!r);
    CHECK(r.error().kind == ErrorKind::Unsupported);
    CHECK(r.error().message.find("not supported yet") != std::string::npos);
    return r.error().message;
  };
  CHECK(unsupported(7, {0x01, 0x66, 0x00}).find("stream") != std::string::npos);       // (stream)
  CHECK(unsupported(7, {0x01, 0x65, 0x01, 0x79}).find("future") != std::string::npos); // (future u32)
  CHECK(unsupported(7, {0x01, 0x43, 0x00, 0x01, 0x00}).find("async") != std::string::npos);
  CHECK(unsupported(7, {0x01, 0x64}).find("error-context") != std::string::npos);
  CHECK(unsupported(7, {0x01, 0x67, 0x79, 0x04}).find("fixed-size") != std::string::npos);
  CHECK(unsupported(8, {0x01, 0x24}).find("async") != std::string::npos);             // backpressure.inc
  CHECK(unsupported(8, {0x01, 0x26}).find("thread") != std::string::npos);            // thread.index
  CHECK(unsupported(8, {0x01, 0x1e}).find("error-context") != std::string::npos);
  CHECK(unsupported(8, {0x01, 0x01, 0x00, 0x00, 0x01, 0x06}).find("async") != std::string::npos);
  CHECK(unsupported(12, {0x00}).find("value") != std::string::npos);
}

TEST_CASE("component: resources, handles and outer aliases", "[component]") {
  Bytes c = preamble();
  // (type $r (resource (rep i32))) (type (own $r)) (type (borrow $r))
  // (type (func (param "x" 2) (result 1)))
  section(c, 7, {0x04, 0x3f, 0x7f, 0x00, 0x69, 0x00, 0x68, 0x00, 0x40, 0x01, 0x01, 'x', 0x02, 0x00, 0x01});
  section(c, 8, {0x03, 0x02, 0x00, 0x03, 0x00, 0x04, 0x00});  // resource.new/drop/rep 0
  auto ok = load_component(c);
  INFO((ok ? "" : ok.error().to_string()));
  CHECK(ok);
  // a borrow in a function result is invalid
  Bytes b = preamble();
  section(b, 7, {0x03, 0x3f, 0x7f, 0x00, 0x68, 0x00, 0x40, 0x00, 0x00, 0x01});
  CHECK_FALSE(load_component(b).ok());
  // (own 0) where type 0 is a record: not a resource type
  Bytes nr = preamble();
  section(nr, 7, {0x02, 0x72, 0x01, 0x01, 'a', 0x79, 0x69, 0x00});
  auto e = load_component(nr);
  REQUIRE(!e);
  CHECK(e.error().message.find("not a resource type") != std::string::npos);
  // a nested component aliasing the parent's resource type: crosses a component boundary
  Bytes inner = preamble();
  section(inner, 6, {0x01, 0x03, 0x02, 0x01, 0x00});  // alias outer 1 0 (type)
  Bytes outer = preamble();
  section(outer, 7, {0x01, 0x3f, 0x7f, 0x00});
  section(outer, 4, inner);
  auto o = load_component(outer);
  REQUIRE(!o);
  CHECK(o.error().message.find("transitively refers to resources") != std::string::npos);
  // outer alias count past the outermost component
  Bytes far = preamble();
  section(far, 7, {0x01, 0x72, 0x01, 0x01, 'a', 0x79});
  Bytes inner2 = preamble();
  section(inner2, 6, {0x01, 0x03, 0x02, 0x02, 0x00});
  section(far, 4, inner2);
  auto f = load_component(far);
  REQUIRE(!f);
  CHECK(f.error().message.find("invalid outer alias count") != std::string::npos);
}

TEST_CASE("component: the reference tests' component binaries", "[component][wast]") {
  auto cases = wast_cases();
  REQUIRE(cases.size() > 600);
  int valid_ok = 0, rejected_ok = 0, unsupported = 0;
  std::vector<std::string> missed;
  std::map<std::string, std::pair<int, int>> per_pack;
  for (auto& c : cases) {
    auto r = load_component(c.bytes);
    std::string where = fmt::format("{}:{} ({})", c.pack, c.line, c.expect);
    if (!r && r.error().kind == ErrorKind::Unsupported) {
      ++unsupported;
      continue;
    }
    bool good = c.expect == "valid" ? r.ok() : !r.ok();
    if (c.expect == "malformed" && !r.ok()) good = r.error().kind == ErrorKind::Malformed;
    per_pack[c.pack].first += good;
    per_pack[c.pack].second += 1;
    if (good) {
      (c.expect == "valid" ? valid_ok : rejected_ok)++;
    } else if (c.expect == "valid") {
      // a valid component must never be rejected
      FAIL_CHECK(where << ": " << r.error().to_string());
    } else {
      missed.push_back(where + " \"" + c.message + "\"" + (r ? "" : " got: " + r.error().to_string()));
    }
  }
  for (auto& [pack, n] : per_pack) WARN(pack << ": " << n.first << " / " << n.second);
  for (auto& m : missed) WARN("not rejected: " << m);
  WARN(fmt::format("{} valid accepted, {} invalid/malformed rejected, {} unsupported, {} not rejected",
                   valid_ok, rejected_ok, unsupported, missed.size()));
  // Every invalid component of the reference tests is rejected (54 were accepted before the
  // external-visibility and resource-freshness rules); keep it that way.
  CHECK(missed.empty());
}

TEST_CASE("component: truncated and bit-flipped binaries never crash the decoder", "[component][fuzz]") {
  std::vector<Bytes> seeds = {adder(), adder(0x79, "add", true)};
  for (auto& c : wast_cases())
    if (c.expect == "valid" && c.bytes.size() < 4096) seeds.push_back(c.bytes);
  for (const char* f : {"translator.wasm", "resources-full.wasm"}) {
    Bytes b = read_file(kFixtures + f);
    if (!b.empty()) seeds.push_back(b);
  }
  std::mt19937 rng(12345);
  size_t runs = 0;
  for (auto& seed : seeds) {
    for (size_t cut = 0; cut < seed.size(); cut += 1 + seed.size() / 64) {
      (void)load_component(Bytes(seed.begin(), seed.begin() + static_cast<ptrdiff_t>(cut)));
      ++runs;
    }
    for (int i = 0; i < 40; ++i) {
      Bytes m = seed;
      int flips = 1 + static_cast<int>(rng() % 4);
      for (int k = 0; k < flips; ++k) m[rng() % m.size()] ^= static_cast<uint8_t>(1u << (rng() % 8));
      if (rng() % 4 == 0) m[rng() % m.size()] = static_cast<uint8_t>(rng());
      auto r = load_component(m);
      if (!r) CHECK_FALSE(r.error().message.empty());
      ++runs;
    }
  }
  CHECK(runs > 1000);
}

TEST_CASE("component: a jco-built translator component (fixtures/translator.wasm)", "[component]") {
  Bytes b = read_file(kFixtures + "translator.wasm");
  REQUIRE(!b.empty());
  auto c = load_component(b);
  INFO((c ? "" : c.error().to_string()));
  REQUIRE(c);
  // the interface export and the lifted translate function with memory, realloc, utf8
  bool found_export = false;
  for (auto& e : c->exports) found_export |= e.name.name == "cyber:demo/translator@1.0.0";
  CHECK(found_export);
  bool lift = false;
  for (auto& k : c->canons)
    if (k.kind == Canon::Lift) lift = k.opts.memory.has_value() && k.opts.realloc.has_value();
  CHECK(lift);
}

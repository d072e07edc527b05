// The public component API (shard/component.h): values in WIT syntax both ways, typed and
// generic calls, host functions implementing imports, link errors, WASI capability refusals.
#include <catch2/catch.hpp>

#include <cmath>
#include <map>

#include "shard/component.h"

using namespace shard;
using namespace shard::cm;

namespace {

TypeRef prim(TypeKind k) { return std::make_shared<const Type>(Type{k, {}, {}, {}}); }
TypeRef list_of(TypeRef t) { return std::make_shared<const Type>(Type{TypeKind::List, {}, {std::move(t)}, {}}); }

Val parse_ok(const std::string& text, const Type& t) {
  auto v = parse_value(text, t);
  INFO(text << ": " << (v ? std::string() : v.error().message));
  REQUIRE(v.ok());
  return *v;
}

// A component exporting `echo-*` functions over several WIT types, whose core functions
// return their flat arguments (results that fit in one core value) unchanged.
const char* kEcho = R"((component
  (core module $M
    (func (export "id32") (param i32) (result i32) (local.get 0))
    (func (export "id64") (param i64) (result i64) (local.get 0))
    (func (export "idf64") (param f64) (result f64) (local.get 0)))
  (core instance $m (instantiate $M))
  (type $e' (enum "red" "green" "blue"))
  (export $e "color" (type $e'))
  (type $f' (flags "read" "write" "exec"))
  (export $f "perms" (type $f'))
  (func (export "echo-u32") (param "x" u32) (result u32) (canon lift (core func $m "id32")))
  (func (export "echo-s8") (param "x" s8) (result s8) (canon lift (core func $m "id32")))
  (func (export "echo-u64") (param "x" u64) (result u64) (canon lift (core func $m "id64")))
  (func (export "echo-f64") (param "x" float64) (result float64) (canon lift (core func $m "idf64")))
  (func (export "echo-char") (param "x" char) (result char) (canon lift (core func $m "id32")))
  (func (export "echo-bool") (param "x" bool) (result bool) (canon lift (core func $m "id32")))
  (func (export "echo-enum") (param "x" $e) (result $e) (canon lift (core func $m "id32")))
  (func (export "echo-flags") (param "x" $f) (result $f) (canon lift (core func $m "id32")))
))";

}  // namespace

TEST_CASE("WIT value syntax: printing and parsing agree", "[component_api]") {
  CHECK(Val::u32(7).to_string() == "7");
  CHECK(Val::s64(-5).to_string() == "-5");
  CHECK(Val::f64(0.1).to_string() == "0.1");
  CHECK(Val::f32(std::nanf("")).to_string() == "nan");
  CHECK(Val::f64(-0.0).to_string() == "-0");
  CHECK(Val::char_(U'\n').to_string() == "'\\n'");
  CHECK(Val::string("a\"b\u00e9").to_string() == "\"a\\\"b\u00e9\"");
  CHECK(Val::list({Val::u8(1), Val::u8(2)}).to_string() == "[1, 2]");
  CHECK(Val::tuple({Val::u8(1), Val::string("x")}).to_string() == "(1, \"x\")");
  CHECK(Val::record({{"a", Val::u32(1)}, {"b-c", Val::bool_(true)}}).to_string() == "{a: 1, b-c: true}");
  CHECK(Val::some(Val::ok(Val::string("y"))).to_string() == "some(ok(\"y\"))");
  CHECK(Val::err().to_string() == "err");
  CHECK(Val::flags({"read", "exec"}).to_string() == "{read, exec}");
  CHECK(Val::variant("num", Val::u64(3)).to_string() == "num(3)");

  Type rec{TypeKind::Record, {"a", "b"}, {prim(TypeKind::U32), list_of(prim(TypeKind::String))}, {}};
  Val r = parse_ok(R"({b: ["x", "y\u{1F642}"], a: 4294967295})", rec);
  CHECK(r.field("a")->as_u64() == 4294967295u);
  CHECK(r.field("b")->items()[1].as_string() == "y\U0001F642");
  CHECK(parse_ok(r.to_string(), rec) == r);

  Type res{TypeKind::Result, {}, {prim(TypeKind::U32), prim(TypeKind::String)}, {}};
  CHECK(parse_ok("err(\"no\")", res).to_string() == "err(\"no\")");
  Type opt{TypeKind::Option, {}, {prim(TypeKind::S16)}, {}};
  CHECK(parse_ok("some(-32768)", opt).payload()->as_s64() == -32768);
  CHECK(parse_ok("none", opt).payload() == nullptr);
  Type flags{TypeKind::Flags, {"read", "write", "exec"}, {}, {}};
  CHECK(parse_ok("{exec, read}", flags).to_string() == "{read, exec}");
  Type ch{TypeKind::Char, {}, {}, {}};
  CHECK(parse_ok("'\\u{10FFFF}'", ch).as_char() == U'\U0010FFFF');

  // errors say what and where
  CHECK_FALSE(parse_value("256", Type{TypeKind::U8, {}, {}, {}}).ok());
  CHECK_FALSE(parse_value("-1", Type{TypeKind::U32, {}, {}, {}}).ok());
  CHECK_FALSE(parse_value("{a: 1}", rec).ok());  // missing field b
  CHECK_FALSE(parse_value("'\\u{D800}'", ch).ok());
  auto bad = parse_value("[1, 2", *list_of(prim(TypeKind::U8)));
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message.find("offset") != std::string::npos);

  auto inv = split_invocation(R"(cyber:demo/translator#translate("a, b", "jp"))");
  REQUIRE(inv.ok());
  CHECK(inv->first == "cyber:demo/translator#translate");
  REQUIRE(inv->second.size() == 2);
  CHECK(inv->second[0] == "\"a, b\"");
}

TEST_CASE("exports are called with Vals and with C++ types", "[component_api]") {
  auto c = Component::from_text(kEcho);
  INFO((c ? std::string() : c.error().to_string()));
  REQUIRE(c.ok());
  CHECK(c->imports().empty());
  REQUIRE(c->exports().size() == 10);
  CHECK(c->exports()[0].name == "color");
  CHECK(c->exports()[2].name == "echo-u32");
  Store store;
  Linker linker;
  auto inst = linker.instantiate(store, *c);
  REQUIRE(inst.ok());

  CHECK(*inst->call<uint32_t>("echo-u32", uint32_t{4000000000u}) == 4000000000u);
  CHECK(*inst->call<int8_t>("echo-s8", int8_t{-128}) == -128);
  CHECK(*inst->call<uint64_t>("echo-u64", uint64_t{~0ull}) == ~0ull);
  CHECK(*inst->call<double>("echo-f64", 2.5) == 2.5);
  CHECK(*inst->call<char32_t>("echo-char", U'🙂') == U'🙂');
  CHECK(*inst->call<bool>("echo-bool", true));

  auto f = inst->func("echo-enum");
  REQUIRE(f.ok());
  CHECK(f->type().to_wit() == "func(x: enum { red, green, blue }) -> enum { red, green, blue }");
  Val blue = parse_ok("blue", *f->type().params[0].second);
  auto r = f->call({&blue, 1});
  REQUIRE(r.ok());
  CHECK((*r)->to_string() == "blue");

  auto fl = inst->func("echo-flags");
  REQUIRE(fl.ok());
  Val set = parse_ok("{write, exec}", *fl->type().params[0].second);
  auto r2 = fl->call({&set, 1});
  REQUIRE(r2.ok());
  CHECK((*r2)->to_string() == "{write, exec}");

  // wrong argument types and counts are usage errors, not traps
  auto wrong = inst->call<uint32_t>("echo-u32", std::string("x"));
  REQUIRE_FALSE(wrong.ok());
  CHECK(wrong.error().kind == ErrorKind::Usage);
  auto missing = inst->func("nope");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().message.find("echo-u32") != std::string::npos);  // lists what exists
  CHECK(inst->export_names().size() == 8);
}

TEST_CASE("imports implemented in C++, link errors and WASI refusals", "[component_api]") {
  const char* text = R"((component
    (import "math" (instance $math (export "mul" (func (param "a" u32) (param "b" u32) (result u32)))))
    (alias export $math "mul" (func $mul))
    (core func $mul' (canon lower (func $mul)))
    (core module $M
      (import "" "mul" (func $mul (param i32 i32) (result i32)))
      (func (export "square") (param i32) (result i32) (call $mul (local.get 0) (local.get 0))))
    (core instance $m (instantiate $M (with "" (instance (export "mul" (func $mul'))))))
    (func (export "square") (param "x" u32) (result u32) (canon lift (core func $m "square")))
  ))";
  auto c = Component::from_text(text);
  REQUIRE(c.ok());
  REQUIRE(c->imports().size() == 1);
  CHECK(c->imports()[0].name == "math");
  CHECK(c->imports()[0].kind == ItemKind::Instance);
  Store store;

  Linker empty;
  auto unlinked = empty.instantiate(store, *c);
  REQUIRE_FALSE(unlinked.ok());
  CHECK(unlinked.error().kind == ErrorKind::Unlinkable);
  CHECK(unlinked.error().message.find("`math`") != std::string::npos);

  Linker linker;
  linker.define("math", "mul", [](uint32_t a, uint32_t b) { return a * b; });
  auto inst = linker.instantiate(store, *c);
  INFO((inst ? std::string() : inst.error().to_string()));
  REQUIRE(inst.ok());
  CHECK(*inst->call<uint32_t>("square", uint32_t{12}) == 144);

  // a host function whose type does not match the import's: the core signature differs, so
  // linking fails instead of a call going wrong
  Linker wrong;
  wrong.define("math", "mul", [](uint64_t a, uint64_t b) { return a * b; });
  auto bad = wrong.instantiate(store, *c);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().kind == ErrorKind::Unlinkable);

  // a host function that fails traps the guest
  Linker failing;
  failing.define("math", "mul", FuncType{{{"a", prim(TypeKind::U32)}, {"b", prim(TypeKind::U32)}}, prim(TypeKind::U32)},
                 [](std::span<const Val>) -> Result<std::optional<Val>> { return Error(ErrorKind::Io, "no multiplier today"); });
  auto finst = failing.instantiate(store, *c);
  REQUIRE(finst.ok());
  auto trapped = finst->call<uint32_t>("square", uint32_t{3});
  REQUIRE_FALSE(trapped.ok());
  CHECK(trapped.error().kind == ErrorKind::Trap);
  CHECK(trapped.error().message.find("no multiplier today") != std::string::npos);
}

TEST_CASE("WASI interfaces are denied unless granted", "[component_api]") {
  // get-environment: func() -> list<tuple<string, string>>, lowered into the guest's memory;
  // `count` returns how many variables the guest can see.
  const char* text = R"((component
    (type $pair (tuple string string))
    (type $list (list $pair))
    (import "wasi:cli/environment@0.2.0" (instance $env
      (export "get-environment" (func (result $list)))))
    (alias export $env "get-environment" (func $get))
    (core module $Mem
      (memory (export "mem") 1)
      (global $bump (mut i32) (i32.const 64))
      (func (export "realloc") (param i32 i32 i32 i32) (result i32)
        (local $p i32)
        (local.set $p (global.get $bump))
        (global.set $bump (i32.add (local.get $p) (i32.add (local.get 3) (i32.const 8))))
        (local.get $p)))
    (core instance $mem (instantiate $Mem))
    (core func $get' (canon lower (func $get) (memory (core memory $mem "mem")) (realloc (core func $mem "realloc"))))
    (core module $M
      (import "" "get" (func $get (param i32)))
      (import "" "mem" (memory 1))
      (func (export "count") (result i32)
        (call $get (i32.const 8))
        (i32.load offset=4 (i32.const 8))))
    (core instance $m (instantiate $M (with "" (instance (export "get" (func $get')) (export "mem" (memory $mem "mem"))))))
    (func (export "count") (result u32) (canon lift (core func $m "count")))
  ))";
  auto c = Component::from_text(text);
  INFO((c ? std::string() : c.error().to_string()));
  REQUIRE(c.ok());
  Store store;
  Linker deny;
  auto refused = deny.instantiate(store, *c);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().kind == ErrorKind::Unlinkable);
  CHECK(refused.error().message.find("wasi:cli/environment@0.2.0") != std::string::npos);
  CHECK(refused.error().message.find("environment variables") != std::string::npos);
  CHECK(refused.error().message.find("not granted") != std::string::npos);

  Linker grant;
  grant.grant_environment({{"A", "1"}, {"B", "two"}});
  auto inst = grant.instantiate(store, *c);
  INFO((inst ? std::string() : inst.error().to_string()));
  REQUIRE(inst.ok());
  CHECK(*inst->call<uint32_t>("count") == 2);
}

TEST_CASE("resources are C++ handles: borrow, hand back, drop", "[component_api]") {
  auto c = Component::from_file(std::string(SHARD_SOURCE_DIR) + "/tests/data/resource_component.wat");
  INFO((c ? std::string() : c.error().to_string()));
  REQUIRE(c.ok());
  Store store;
  Linker linker;
  auto inst = linker.instantiate(store, *c);
  REQUIRE(inst.ok());

  // an owned handle comes out as a Resource; borrowing it leaves it owned by the host
  auto a = inst->call<Val>("make", uint32_t{21});
  REQUIRE(a.ok());
  REQUIRE(a->kind() == TypeKind::Own);
  Resource ra = a->resource();
  CHECK(ra.rep() == 21);
  CHECK(*inst->call<uint32_t>("peek", Val::borrow(ra)) == 22);
  // dropping it in the host runs the component's destructor
  REQUIRE(ra.drop().ok());
  CHECK(*inst->call<uint32_t>("dropped") == 21);
  CHECK(ra.drop().ok());  // once only
  CHECK(*inst->call<uint32_t>("dropped") == 21);

  // handing an own back moves it: the guest drops it, the host's handle no longer owns it
  auto b = inst->call<Val>("make", uint32_t{7});
  REQUIRE(b.ok());
  Resource rb = b->resource();
  REQUIRE(inst->call("consume", Val::own(rb)).ok());
  CHECK(*inst->call<uint32_t>("dropped") == 7);
  REQUIRE(rb.drop().ok());  // no second destructor run
  CHECK(*inst->call<uint32_t>("dropped") == 7);
}

TEST_CASE("resources the host implements: constructor, methods, destructor", "[component_api]") {
  // The guest constructs a host counter, bumps it twice through a borrow, drops it, and
  // returns the last value; the host keeps the counters in its own table, indexed by rep.
  auto c = Component::from_text(R"((component
    (import "host:demo/counters" (instance $h
      (export "counter" (type $c (sub resource)))
      (export "[constructor]counter" (func (param "start" u32) (result (own $c))))
      (export "[method]counter.bump" (func (param "self" (borrow $c)) (result u32)))))
    (alias export $h "counter" (type $counter))
    (alias export $h "[constructor]counter" (func $ctor))
    (alias export $h "[method]counter.bump" (func $bump))
    (core func $ctor' (canon lower (func $ctor)))
    (core func $bump' (canon lower (func $bump)))
    (core func $drop (canon resource.drop $counter))
    (core module $M
      (import "" "ctor" (func $ctor (param i32) (result i32)))
      (import "" "bump" (func $bump (param i32) (result i32)))
      (import "" "drop" (func $drop (param i32)))
      (func (export "run") (result i32) (local $h i32) (local $r i32)
        (local.set $h (call $ctor (i32.const 10)))
        (drop (call $bump (local.get $h)))
        (local.set $r (call $bump (local.get $h)))
        (call $drop (local.get $h))
        (local.get $r))
      (func (export "misuse") (result i32)
        (call $bump (i32.const 77))))
    (core instance $m (instantiate $M (with "" (instance
      (export "ctor" (func $ctor')) (export "bump" (func $bump')) (export "drop" (func $drop))))))
    (func (export "run") (result u32) (canon lift (core func $m "run")))
    (func (export "misuse") (result u32) (canon lift (core func $m "misuse")))
  ))");
  INFO((c ? std::string() : c.error().to_string()));
  REQUIRE(c.ok());

  std::map<uint32_t, uint32_t> counters;  // rep -> value
  std::vector<uint32_t> destroyed;
  uint32_t next = 1;
  Linker linker;
  ResourceType counter = linker.define_resource("host:demo/counters", "counter",
                                                [&](uint32_t rep) { counters.erase(rep), destroyed.push_back(rep); });
  linker.define("host:demo/counters", "[constructor]counter", FuncType{{{"start", prim(TypeKind::U32)}}, Type::own(counter)},
                [&](std::span<const Val> args) -> Result<std::optional<Val>> {
                  const uint32_t rep = next++;
                  counters[rep] = static_cast<uint32_t>(args[0].as_u64());
                  return std::optional<Val>{Val::own(counter.make(rep))};
                });
  linker.define("host:demo/counters", "[method]counter.bump", FuncType{{{"self", Type::borrow(counter)}}, prim(TypeKind::U32)},
                [&](std::span<const Val> args) -> Result<std::optional<Val>> {
                  auto it = counters.find(args[0].resource().rep());
                  if (it == counters.end()) return Error(ErrorKind::Trap, "no such counter");
                  return std::optional<Val>{Val::u32(++it->second)};
                });
  Store store;
  auto inst = linker.instantiate(store, *c);
  INFO((inst ? std::string() : inst.error().to_string()));
  REQUIRE(inst.ok());
  auto r = inst->call<uint32_t>("run");
  INFO((r ? std::string() : r.error().to_string()));
  REQUIRE(r.ok());
  CHECK(*r == 12);
  CHECK(destroyed == std::vector<uint32_t>{1});  // the guest's drop ran the host destructor
  CHECK(counters.empty());
  // a handle index the guest never received is a canonical ABI trap, not a host call
  auto bad = inst->call<uint32_t>("misuse");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message.find("unknown handle index 77") != std::string::npos);
}

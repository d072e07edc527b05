// Every WIT syntax form (WIT.md), from small inline sources: what the resolver makes of it
// and that printing re-parses to the same text.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "component/wit/wit.h"

namespace fs = std::filesystem;
using namespace shard::wit;

namespace {

PackageId load(Resolve& r, const std::string& text) {
  auto pkg = r.push_source("test.wit", text);
  if (!pkg) FAIL(pkg.error().to_string());
  return *pkg;
}

// print -> parse -> print gives the same text.
void check_round_trip(const Resolve& r, PackageId pkg) {
  std::string text = print(r, pkg);
  Resolve again(r.options);
  auto pkg2 = again.push_source("printed.wit", text);
  if (!pkg2) FAIL(pkg2.error().to_string() << "\n" << text);
  CHECK(print(again, *pkg2) == text);
}

const Interface& iface(const Resolve& r, PackageId pkg, const std::string& name) {
  for (InterfaceId i : r[pkg].interfaces)
    if (r[i].name == name) return r[i];
  FAIL("no interface " << name);
  return r.interfaces[0];
}

std::string type_of(const Resolve& r, const Interface& i, const char* name) {
  TypeId t = i.find_type(name, r);
  REQUIRE(t.valid());
  const TypeDef& d = r[t];
  REQUIRE(d.kind == TypeDefKind::Alias);
  return print_type(r, d.elem);
}

}  // namespace

TEST_CASE("wit: every type", "[wit][syntax]") {
  Resolve r;
  PackageId pkg = load(r, R"(package local:types@1.2.3-rc.1+build;

interface all {
  type t-bool = bool;
  type t-ints = tuple<u8, u16, u32, u64, s8, s16, s32, s64>;
  type t-floats = tuple<f32, f64, char, string>;
  type t-list = list<string>;
  type t-fixed = list<u8, 4>;
  type t-option = option<u32>;
  type t-r1 = result;
  type t-r2 = result<string>;
  type t-r3 = result<_, errno>;
  type t-r4 = result<char, errno>;
  type t-nested = list<option<tuple<u8, string,>>>;
  type t-own = own<blob>;
  type t-borrow = borrow<blob>;
  type t-alias = t-list;
  type blob-alias = blob;
  type t-via-alias = borrow<blob-alias>;
  enum errno { too-big, too-small, }
  flags permissions { read, write, exec }
  record pair { x: u32, y: t-list }
  variant filter { all, none, some(list<string>) }
  resource blob;
}
)");
  const Interface& i = iface(r, pkg, "all");
  CHECK(r[pkg].name.version == "1.2.3-rc.1+build");
  CHECK(type_of(r, i, "t-bool") == "bool");
  CHECK(type_of(r, i, "t-ints") == "tuple<u8, u16, u32, u64, s8, s16, s32, s64>");
  CHECK(type_of(r, i, "t-floats") == "tuple<f32, f64, char, string>");
  CHECK(type_of(r, i, "t-list") == "list<string>");
  CHECK(type_of(r, i, "t-fixed") == "list<u8, 4>");
  CHECK(type_of(r, i, "t-option") == "option<u32>");
  CHECK(type_of(r, i, "t-r1") == "result");
  CHECK(type_of(r, i, "t-r2") == "result<string>");
  CHECK(type_of(r, i, "t-r3") == "result<_, errno>");
  CHECK(type_of(r, i, "t-r4") == "result<char, errno>");
  CHECK(type_of(r, i, "t-nested") == "list<option<tuple<u8, string>>>");
  CHECK(type_of(r, i, "t-own") == "blob");
  CHECK(type_of(r, i, "t-borrow") == "borrow<blob>");
  CHECK(type_of(r, i, "t-alias") == "t-list");
  CHECK(type_of(r, i, "t-via-alias") == "borrow<blob-alias>");

  // A bare resource name as an alias target is the resource; own<> is a handle.
  TypeId blob = i.find_type("blob", r);
  CHECK(r.unalias(i.find_type("blob-alias", r)) == blob);
  const TypeDef& own = r[r[i.find_type("t-own", r)].elem.id];
  CHECK(own.kind == TypeDefKind::Own);
  CHECK(own.resource == blob);
  const TypeDef& via = r[r[i.find_type("t-via-alias", r)].elem.id];
  CHECK(via.kind == TypeDefKind::Borrow);
  CHECK(r.unalias(via.resource) == blob);

  const TypeDef& pair = r[i.find_type("pair", r)];
  CHECK(pair.kind == TypeDefKind::Record);
  REQUIRE(pair.fields.size() == 2);
  CHECK(pair.fields[1].name == "y");
  CHECK(print_type(r, pair.fields[1].type) == "t-list");
  const TypeDef& filter = r[i.find_type("filter", r)];
  REQUIRE(filter.cases.size() == 3);
  CHECK(!filter.cases[0].type);
  CHECK(print_type(r, *filter.cases[2].type) == "list<string>");
  CHECK(r[i.find_type("permissions", r)].cases.size() == 3);
  CHECK(r[i.find_type("errno", r)].kind == TypeDefKind::Enum);
  // Anonymous types are shared.
  CHECK(r[i.find_type("t-list", r)].elem == *filter.cases[2].type);
  CHECK(r[pair.fields[1].type.id].kind == TypeDefKind::Alias);
  check_round_trip(r, pkg);
}

TEST_CASE("wit: resources, functions and the desugaring of methods", "[wit][syntax]") {
  Resolve r;
  PackageId pkg = load(r, R"(package local:res;

interface blobs {
  resource blob {
    constructor(init: list<u8>);
    write: func(bytes: list<u8>);
    read: func(n: u32) -> list<u8>;
    merge: static func(lhs: borrow<blob>, rhs: borrow<blob>) -> blob;
  }
  resource blob2 {
    constructor(init: list<u8>) -> result<blob2, string>;
  }
  transform: func(b: blob) -> blob;
  no-args: func();
  %variant: func(%enum: s32) -> %record;
  type %record = u8;
  parse-XML-document: func(s: string) -> XML;
  resource XML;
}
)");
  const Interface& i = iface(r, pkg, "blobs");
  std::vector<std::string> names;
  for (const Function& f : i.functions) names.push_back(f.component_name(r));
  CHECK(names == std::vector<std::string>{"[constructor]blob", "[method]blob.write", "[method]blob.read",
                                          "[static]blob.merge", "[constructor]blob2", "transform", "no-args",
                                          "variant", "parse-XML-document"});
  const Function* read = i.find_function("[method]blob.read", r);
  REQUIRE(read->params.size() == 2);
  CHECK(read->params[0].name == "self");
  CHECK(print_type(r, read->params[0].type) == "borrow<blob>");
  const Function* ctor = i.find_function("[constructor]blob", r);
  CHECK(print_type(r, *ctor->result) == "blob");
  CHECK(r[ctor->result->id].kind == TypeDefKind::Own);
  CHECK(print_type(r, *i.find_function("[constructor]blob2", r)->result) == "result<blob2, string>");
  CHECK(!i.find_function("no-args", r)->result);
  CHECK(i.find_function("variant", r)->params[0].name == "enum");
  std::string text = print(r, pkg);
  CHECK(text.find("%variant: func(%enum: s32) -> %record;") != std::string::npos);
  CHECK(text.find("    constructor(init: list<u8>);\n") != std::string::npos);
  CHECK(text.find("merge: static func(lhs: borrow<blob>, rhs: borrow<blob>) -> blob;") != std::string::npos);
  check_round_trip(r, pkg);
}

TEST_CASE("wit: doc comments are kept", "[wit][syntax]") {
  Resolve r;
  PackageId pkg = load(r, R"(/// The package.
package local:docs;

/// An interface.
/// Second line.
interface i {
  /** A record,
   * in a block comment. */
  record point {
    /// The x.
    x: u32, // not a doc
    y: u32,
  }
  // a plain comment
  /* and a /* nested */ block */
  /// A function.
  @since(version = 1.0.0)
  f: func();
}
)");
  CHECK(r[pkg].docs == "The package.");
  const Interface& i = iface(r, pkg, "i");
  CHECK(i.docs == "An interface.\nSecond line.");
  const TypeDef& point = r[i.find_type("point", r)];
  CHECK(point.docs == "A record,\nin a block comment.");
  CHECK(point.fields[0].docs == "The x.");
  CHECK(point.fields[1].docs.empty());
  CHECK(i.functions[0].docs == "A function.");
  CHECK(i.functions[0].gate.since == "1.0.0");
  check_round_trip(r, pkg);
}

TEST_CASE("wit: feature gates", "[wit][syntax]") {
  const char* src = R"(package local:gates@0.2.2;

interface foo {
  a: func();
  @since(version = 0.2.1)
  b: func();
  @unstable(feature = fancier-foo)
  d: func();
  @since(version = 0.2.0)
  @deprecated(version = 0.2.2)
  e: func();
}

@unstable(feature = fancier-foo)
interface fancy {}

world w {
  import foo;
  @unstable(feature = fancier-foo)
  import fancy;
}
)";
  Resolve stable;
  PackageId p1 = load(stable, src);
  const Interface& foo = iface(stable, p1, "foo");
  CHECK(foo.functions.size() == 3);
  CHECK(!foo.find_function("d", stable));
  CHECK(foo.find_function("b", stable)->gate.since == "0.2.1");
  CHECK(foo.find_function("e", stable)->gate.deprecated == "0.2.2");
  CHECK(stable[p1].interfaces.size() == 1);
  CHECK(stable[stable[p1].worlds[0]].imports.size() == 1);
  check_round_trip(stable, p1);

  Resolve enabled(ResolveOptions{{"fancier-foo"}, false});
  PackageId p2 = load(enabled, src);
  CHECK(iface(enabled, p2, "foo").find_function("d", enabled)->gate.unstable == "fancier-foo");
  CHECK(enabled[p2].interfaces.size() == 2);
  CHECK(enabled[enabled[p2].worlds[0]].imports.size() == 2);
  CHECK(print(enabled, p2).find("@unstable(feature = fancier-foo)\n  d: func();") != std::string::npos);
  check_round_trip(enabled, p2);
}

TEST_CASE("wit: use, top-level use and nested packages", "[wit][syntax]") {
  Resolve r;
  PackageId pkg = load(r, R"(package local:demo;

use wasi:http/types@1.0.0 as http-types;
use wasi:http/types@2.0.0;

interface my-host-functions {
  use shared.{errno, size as my-size};
  use http-types.{request};
  use types.{request as request2};
  f: func(e: errno, s: my-size, r: borrow<request>) -> request2;
}

interface shared {
  enum errno { bad }
  type size = u32;
}

package wasi:http@1.0.0 {
  interface types {
    resource request;
  }
}

package wasi:http@2.0.0 {
  interface types {
    resource request;
  }
}
)");
  CHECK(r.packages.size() == 3);
  const Interface& host = iface(r, pkg, "my-host-functions");
  TypeId req = host.find_type("request", r);
  REQUIRE(req.valid());
  CHECK(r.interface_name(InterfaceId{r[r.unalias(req)].owner}) == "wasi:http/types@1.0.0");
  CHECK(r.interface_name(InterfaceId{r[r.unalias(host.find_type("request2", r))].owner}) ==
        "wasi:http/types@2.0.0");
  CHECK(r[host.find_type("my-size", r)].kind == TypeDefKind::Alias);
  CHECK(r[r.unalias(host.find_type("my-size", r))].name == "size");
  const Function& f = host.functions[0];
  CHECK(print_type(r, f.params[1].type) == "my-size");
  CHECK(print_type(r, *f.result) == "request2");
  CHECK(r[f.result->id].kind == TypeDefKind::Own);
  std::string text = print(r, pkg);
  CHECK(text.find("use shared.{errno, size as my-size};") != std::string::npos);
  CHECK(text.find("use wasi:http/types@1.0.0.{request};") != std::string::npos);
  CHECK(text.find("use wasi:http/types@2.0.0.{request as request2};") != std::string::npos);
  // The printed package re-parses next to its dependencies.
  Resolve again;
  REQUIRE(again.push_source("deps.wit", "package wasi:http@1.0.0 { interface types { resource request; } }\n"
                                        "package wasi:http@2.0.0 { interface types { resource request; } }\n")
              .ok());
  auto pkg2 = again.push_source("printed.wit", text);
  if (!pkg2) FAIL(pkg2.error().to_string());
  CHECK(print(again, *pkg2) == text);
}

TEST_CASE("wit: a package in several files", "[wit][syntax]") {
  Resolve r;
  auto pkg = r.push_files({{"types.wit", "interface types {\n  enum errno { x }\n  type size = u32;\n}\n"},
                           {"host.wit", "package local:demo;\n\ninterface host {\n  use types.{errno, size};\n}\n"},
                           {"world.wit", "package local:demo;\nworld w { import host; export another; }\n"},
                           {"b.wit", "interface another { f: func(); }\n"}});
  if (!pkg) FAIL(pkg.error().to_string());
  CHECK(r[*pkg].interfaces.size() == 3);
  CHECK(r[*pkg].files.size() == 4);
  const World& w = r[r[*pkg].worlds[0]];
  // host uses types: types is imported first, implicitly.
  REQUIRE(w.imports.size() == 2);
  CHECK(r.item_key(w.imports[0]) == "local:demo/types");
  CHECK(w.imports[0].implicit);
  CHECK(r.item_key(w.imports[1]) == "local:demo/host");
  CHECK(!w.imports[1].implicit);
}

TEST_CASE("wit: worlds", "[wit][syntax]") {
  Resolve r;
  PackageId pkg = load(r, R"(package local:demo;

interface a { resource r; }
interface b {
  use a.{r};
  foo: func() -> r;
}
interface store { get: func(key: string) -> option<string>; }

world w1 { export b; }
world w2 { import a; export b; }

world my-world {
  use a.{r as my-r};
  type count = u32;
  import host: interface {
    use b.{r};
    log: func(msg: string, x: r);
  }
  import primary: store;
  import secondary: store;
  import get-r: func() -> my-r;
  export run: func(args: list<string>) -> result;
  export store;
}

world world-one { import a: func(); import store; }
world world-two { import a: func(); import store; export x: func(); }
world union-one {
  include world-one;
  include world-two with { a as b }
}
world base { import cache: store; }
world extended {
  import cache: func();
  include base with { cache as my-cache };
}
world deep { include union-one; include w1; }
)");
  auto world = [&](const char* name) -> const World& { return r[*r.select_world(pkg, name)]; };
  auto keys = [&](const std::vector<WorldItem>& items) {
    std::vector<std::string> k;
    for (const WorldItem& i : items) k.push_back(r.item_key(i));
    return k;
  };
  // WIT.md "Transitive imports and worlds": w1 and w2 are the same.
  CHECK(keys(world("w1").imports) == std::vector<std::string>{"local:demo/a"});
  CHECK(keys(world("w1").imports) == keys(world("w2").imports));
  CHECK(keys(world("w1").exports) == keys(world("w2").exports));
  CHECK(world("w1").imports[0].implicit);
  CHECK(!world("w2").imports[0].implicit);

  const World& my = world("my-world");
  CHECK(keys(my.imports) == std::vector<std::string>{"local:demo/a", "my-r", "count", "local:demo/b", "host",
                                                     "primary", "secondary", "get-r"});
  CHECK(my.imports[1].kind == WorldItemKind::Type);
  CHECK(my.imports[4].kind == WorldItemKind::Interface);
  CHECK(r[my.imports[4].interface].name.empty());
  CHECK(my.imports[5].interface == my.imports[6].interface);
  CHECK(print_type(r, *my.imports[7].function.result) == "my-r");
  CHECK(keys(my.exports) == std::vector<std::string>{"run", "local:demo/store"});

  // WIT.md "Union of Worlds with `include`": interface names merge, plain names are renamed.
  CHECK(keys(world("union-one").imports) == std::vector<std::string>{"a", "local:demo/store", "b"});
  CHECK(keys(world("union-one").exports) == std::vector<std::string>{"x"});
  CHECK(keys(world("extended").imports) == std::vector<std::string>{"cache", "my-cache"});
  CHECK(keys(world("deep").imports) == std::vector<std::string>{"a", "local:demo/store", "b", "local:demo/a"});
  CHECK(keys(world("deep").exports) == std::vector<std::string>{"x", "local:demo/b"});
  check_round_trip(r, pkg);
  std::string text = print(r, *r.select_world(pkg, "my-world"));
  CHECK(text.find("import primary: local:demo/store;") != std::string::npos);
  CHECK(text.find("use local:demo/a.{r as my-r};") != std::string::npos);
}

TEST_CASE("wit: a directory with deps/", "[wit][syntax]") {
  fs::path root = fs::temp_directory_path() / "shard-wit-deps-test";
  fs::remove_all(root);
  fs::create_directories(root / "deps" / "wasi:clocks");
  fs::create_directories(root / "deps" / "io");
  auto write = [](const fs::path& p, const std::string& text) { std::ofstream(p) << text; };
  write(root / "main.wit",
        "package my:app;\nworld app {\n  import wasi:clocks/wall-clock@0.2.0;\n  import my-dependency:x/y;\n}\n");
  write(root / "README.md", "not wit");
  write(root / "deps" / "my-dependency.wit",
        "package my-dependency:x;\ninterface y { use wasi:io/streams@0.2.0.{s}; }\n"
        "package nested:inline { interface z {} }\n");
  write(root / "deps" / "wasi:clocks" / "a.wit",
        "package wasi:clocks@0.2.0;\ninterface wall-clock { use wasi:io/streams@0.2.0.{s}; now: func() -> s; }\n");
  write(root / "deps" / "io" / "streams.wit", "package wasi:io@0.2.0;\ninterface streams { resource s; }\n");
  Resolve r;
  auto pkg = r.push_path(root);
  if (!pkg) FAIL(pkg.error().to_string());
  CHECK(r[*pkg].name.to_string() == "my:app");
  CHECK(r.packages.size() == 5);
  CHECK(r.find_interface("nested:inline/z"));
  const World& app = r[r[*pkg].worlds[0]];
  std::vector<std::string> k;
  for (const WorldItem& i : app.imports) k.push_back(r.item_key(i));
  CHECK(k == std::vector<std::string>{"wasi:io/streams@0.2.0", "wasi:clocks/wall-clock@0.2.0", "my-dependency:x/y"});
  // A single .wit file as the root works too; its dependencies must then be inline or loaded.
  Resolve r2;
  CHECK(r2.push_path(root / "deps" / "io" / "streams.wit").ok());
  CHECK(r2.push_path(root / "deps" / "my-dependency.wit").ok());
  fs::remove_all(root);
}

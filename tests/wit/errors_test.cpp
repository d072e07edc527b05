// WIT errors: kind, file, line and column, and the message.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "component/wit/wit.h"

using namespace shard::wit;
using shard::ErrorKind;

namespace {

struct Expect {
  ErrorKind kind;
  uint32_t line, column;
  const char* message;  // a substring of the message
};

void check_error(const std::string& text, Expect e, ResolveOptions options = {}) {
  Resolve r(options);
  auto pkg = r.push_source("test.wit", text);
  REQUIRE(!pkg.ok());
  const shard::Error& err = pkg.error();
  INFO(err.to_string());
  CHECK(err.kind == e.kind);
  CHECK(err.line == e.line);
  CHECK(err.column == e.column);
  CHECK(err.message.find(e.message) != std::string::npos);
  CHECK(err.message.rfind("test.wit: ", 0) == 0);
  // A failed load leaves the Resolve as it was.
  CHECK(r.packages.empty());
  CHECK(r.types.empty());
}

}  // namespace

TEST_CASE("wit errors: unknown type", "[wit][errors]") {
  check_error("package a:b;\ninterface i {\n  type foo = bar;\n}\n", {ErrorKind::Invalid, 3, 14, "unknown type `bar`"});
  check_error("package a:b;\ninterface i {\n  f: func(x: list<nope>);\n}\n",
              {ErrorKind::Invalid, 3, 19, "unknown type `nope`"});
  check_error("package a:b;\ninterface i {\n  f: func();\n  g: func(x: f);\n}\n",
              {ErrorKind::Invalid, 4, 14, "`f` is not a type"});
  check_error("package a:b;\ninterface i {\n  type t = u32;\n  g: func(x: borrow<t>);\n}\n",
              {ErrorKind::Invalid, 4, 21, "`t` is not a resource type"});
  // Types of a world are not visible inside an inline interface.
  check_error("package a:b;\nworld w {\n  type t = u32;\n  import x: interface { f: func(a: t); }\n}\n",
              {ErrorKind::Invalid, 4, 36, "unknown type `t`"});
}

TEST_CASE("wit errors: duplicate names", "[wit][errors]") {
  check_error("package a:b;\ninterface i {\n  type foo = u32;\n  type foo = u64;\n}\n",
              {ErrorKind::Invalid, 4, 8, "type `foo` is already defined (at 3:8)"});
  check_error("package a:b;\ninterface i {\n  type foo = u32;\n  FOO: func();\n}\n",
              {ErrorKind::Invalid, 4, 3, "function `FOO` is already defined"});
  check_error("package a:b;\ninterface i {}\nworld i {}\n", {ErrorKind::Invalid, 3, 7, "world `i` is already defined"});
  check_error("package a:b;\ninterface i {\n  record r { a: u32, a: u32 }\n}\n",
              {ErrorKind::Invalid, 3, 22, "field `a` is already defined in `r`"});
  check_error("package a:b;\ninterface i {\n  f: func(x: u32, x: u32);\n}\n",
              {ErrorKind::Invalid, 3, 19, "parameter `x` is already defined"});
  check_error("package a:b;\ninterface i {\n  resource r { m: func(self: u32); }\n}\n",
              {ErrorKind::Invalid, 3, 24, "parameter `self` is already defined"});
  check_error("package a:b;\ninterface i {}\nworld w {\n  import i;\n  import i;\n}\n",
              {ErrorKind::Invalid, 5, 10, "interface `a:b/i` is already imported"});
  check_error("package a:b;\nworld w {\n  import f: func();\n  import f: func();\n}\n",
              {ErrorKind::Invalid, 4, 10, "import `f` is already defined"});
  check_error("package a:b;\ninterface i {\n  resource r { constructor(); constructor(); }\n}\n",
              {ErrorKind::Invalid, 3, 31, "more than one constructor"});
}

TEST_CASE("wit errors: bad identifiers and syntax", "[wit][errors]") {
  check_error("package a:b;\ninterface i {\n  type Foo-bar = u32;\n}\n",
              {ErrorKind::Malformed, 3, 8, "identifier `Foo-bar` is not kebab-case"});
  check_error("package a:b;\ninterface i {\n  type foo_bar = u32;\n}\n",
              {ErrorKind::Malformed, 3, 11, "invalid character `_`"});
  check_error("package a:b;\ninterface i {\n  type a--b = u32;\n}\n", {ErrorKind::Malformed, 3, 9, "invalid character `-`"});
  check_error("package a:b;\ninterface i {\n  type type = u32;\n}\n",
              {ErrorKind::Malformed, 3, 8, "found keyword `type` (write `%type`"});
  check_error("package a:b;\ninterface i {\n  f: func() -> (a: u32);\n}\n",
              {ErrorKind::Malformed, 3, 16, "named results"});
  check_error("package a:b;\ninterface i {\n  f: func()\n}\n", {ErrorKind::Malformed, 4, 1, "expected `;`, found `}`"});
  check_error("package a:b@1.0;\n", {ErrorKind::Malformed, 1, 13, "expected a semver version"});
  check_error("package a:b;\ninterface i {\n  record r {}\n}\n", {ErrorKind::Malformed, 3, 13, "at least one field"});
  check_error("package a:b;\n/* unterminated\n", {ErrorKind::Malformed, 2, 1, "unterminated block comment"});
  check_error("package a:b;\ninterface i {\n  @sinse(version = 1.0.0)\n  f: func();\n}\n",
              {ErrorKind::Malformed, 3, 3, "unknown feature gate `@sinse`"});
  check_error("package a:b;\n\xe2\x80\xae", {ErrorKind::Malformed, 2, 1, "U+202E (a bidirectional"});
  check_error("package a:b;\ninterface i {\n  // \xe2\x80\xae\n}\n", {ErrorKind::Malformed, 3, 6, "bidirectional"});
}

TEST_CASE("wit errors: post-0.2 features are rejected clearly", "[wit][errors]") {
  check_error("package a:b;\ninterface i {\n  f: async func();\n}\n",
              {ErrorKind::Unsupported, 3, 6, "`async` functions are not supported"});
  check_error("package a:b;\ninterface i {\n  f: func() -> stream<u8>;\n}\n",
              {ErrorKind::Unsupported, 3, 16, "`stream` types are not supported"});
  check_error("package a:b;\ninterface i {\n  type f = future;\n}\n", {ErrorKind::Unsupported, 3, 12, "`future`"});
  check_error("package a:b:c;\n", {ErrorKind::Unsupported, 1, 12, "nested namespaces"});
}

TEST_CASE("wit errors: cycles", "[wit][errors]") {
  check_error("package a:b;\ninterface i {\n  type foo = foo;\n}\n",
              {ErrorKind::Invalid, 3, 14, "type `foo` refers to itself"});
  check_error("package a:b;\ninterface i {\n  record bar1 { a: bar2 }\n  record bar2 { a: list<bar1> }\n}\n",
              {ErrorKind::Invalid, 4, 25, "type `bar1` refers to itself"});
  check_error("package a:b;\ninterface x {\n  use y.{t};\n  type u = u32;\n}\ninterface y {\n  use x.{u};\n  type t = u32;\n}\n",
              {ErrorKind::Invalid, 7, 7, "interfaces depend on each other through `use`: x -> y -> x"});
  check_error("package a:b;\nworld v { include w; }\nworld w { include v; }\n",
              {ErrorKind::Invalid, 3, 19, "worlds include each other: v -> w -> v"});
  check_error("package a:b;\ninterface i {}\n"
              "package c:d { interface x { use e:f/y.{t}; type t = u32; } }\n"
              "package e:f { interface y { use c:d/x.{t}; type t = u32; } }\n",
              {ErrorKind::Invalid, 4, 33, "packages depend on each other: c:d -> e:f -> c:d"});
}

TEST_CASE("wit errors: unresolved use", "[wit][errors]") {
  check_error("package a:b;\ninterface i {\n  use missing.{x};\n}\n",
              {ErrorKind::Invalid, 3, 7, "interface or world `missing` is not defined in package `a:b`"});
  check_error("package a:b;\ninterface i {\n  use wasi:io/streams@0.2.0.{x};\n}\n",
              {ErrorKind::Invalid, 3, 7, "package `wasi:io@0.2.0` not found"});
  check_error("package a:b;\ninterface i {\n  use j.{x, y};\n}\ninterface j {\n  type x = u32;\n}\n",
              {ErrorKind::Invalid, 3, 13, "type `y` is not defined in interface `a:b/j`"});
  check_error("package a:b;\nworld w {}\ninterface i {\n  use w.{x};\n}\n",
              {ErrorKind::Invalid, 4, 7, "`w` is a world, not an interface"});
  check_error("package a:b;\nworld w {\n  import c:d/e;\n}\npackage c:d { interface f {} }\n",
              {ErrorKind::Invalid, 3, 14, "package `c:d` has no interface or world `e`"});
  check_error("package a:b;\nuse i as j;\nuse i as j;\ninterface i {}\n",
              {ErrorKind::Invalid, 3, 10, "`j` is already defined in this file"});
  // Gated out, so not there.
  check_error("package a:b@1.0.0;\ninterface i {\n  @unstable(feature = x)\n  type t = u32;\n  f: func(a: t);\n}\n",
              {ErrorKind::Invalid, 5, 14, "unknown type `t`"});
}

TEST_CASE("wit errors: worlds and includes", "[wit][errors]") {
  check_error("package a:b;\nworld one { import a: func(); }\nworld two { import a: func(); }\n"
              "world u {\n  include one;\n  include two;\n}\n",
              {ErrorKind::Invalid, 6, 11, "import `a` of world `two` conflicts"});
  check_error("package a:b;\ninterface a { foo: func(); }\nworld using-a { import a; }\n"
              "world bad {\n  include using-a with { a as b }\n}\n",
              {ErrorKind::Invalid, 5, 26, "interface names cannot be renamed"});
  check_error("package a:b;\ninterface i {}\nworld w { include i; }\n",
              {ErrorKind::Invalid, 3, 19, "`i` is an interface, not a world"});
  check_error("package a:b;\ninterface i {\n  resource r { constructor() -> result<u32>; }\n}\n",
              {ErrorKind::Invalid, 3, 33, "a constructor of `r` must return"});
}

TEST_CASE("wit errors: packages", "[wit][errors]") {
  check_error("interface i {}\n", {ErrorKind::Invalid, 1, 1, "no `package` declaration"});
  check_error("package a:b;\ninterface i {}\npackage c:d;\n", {ErrorKind::Malformed, 3, 12, "must be the first item"});
  Resolve r;
  auto pkg = r.push_files({{"one.wit", "package a:b;\n"}, {"two.wit", "// two\npackage a:c;\n"}});
  REQUIRE(!pkg.ok());
  CHECK(pkg.error().message == "two.wit: package `a:c` conflicts with `a:b` declared in one.wit");
  CHECK(pkg.error().line == 2);
  CHECK(pkg.error().column == 1);
  auto missing = r.push_path("/nonexistent/wit");
  REQUIRE(!missing.ok());
  CHECK(missing.error().kind == ErrorKind::Io);
  CHECK(pkg.error().to_string() == "2:1: two.wit: package `a:c` conflicts with `a:b` declared in one.wit");
}

TEST_CASE("wit errors: hostile nesting fails cleanly", "[wit][errors]") {
  std::string deep = "package a:b;\ninterface i {\n  type t = ";
  for (int i = 0; i < 200; ++i) deep += "list<";
  deep += "u8";
  for (int i = 0; i < 200; ++i) deep += ">";
  deep += ";\n}\n";
  check_error(deep, {ErrorKind::Malformed, 3, 512, "types nest too deeply"});

  std::string chain = "package a:b;\ninterface i {\n";
  for (int i = 0; i < 5000; ++i) chain += "  type t" + std::to_string(i) + " = t" + std::to_string(i + 1) + ";\n";
  chain += "  type t5000 = u32;\n}\n";
  Resolve r;
  auto pkg = r.push_source("test.wit", chain);
  REQUIRE(!pkg.ok());
  CHECK(pkg.error().message.find("too deeply") != std::string::npos);
}

TEST_CASE("wit errors: a file in deps/ names its path", "[wit][errors]") {
  namespace fs = std::filesystem;
  fs::path root = fs::temp_directory_path() / "shard-wit-deps-error";
  fs::remove_all(root);
  fs::create_directories(root / "deps" / "dep");
  std::ofstream(root / "main.wit") << "package my:app;\ninterface i { use my:dep/x.{t}; }\n";
  std::ofstream(root / "deps" / "dep" / "x.wit") << "package my:dep;\n\ninterface x {\n  type t = nope;\n}\n";
  Resolve r;
  auto pkg = r.push_path(root);
  REQUIRE(!pkg.ok());
  CHECK(pkg.error().message == (root / "deps" / "dep" / "x.wit").string() + ": unknown type `nope`");
  CHECK(pkg.error().line == 4);
  CHECK(pkg.error().column == 12);
  fs::remove_all(root);
}

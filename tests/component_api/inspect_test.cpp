// What a component shows of itself (shard/component.h): imports and exports with their WIT
// types (ItemDesc), and Component::wit(), which must read back with Shard's WIT parser.
#include <catch2/catch.hpp>

#include <fstream>
#include <string>

#include "component/wit/wit.h"
#include "shard/component.h"

using namespace shard;
using namespace shard::cm;

namespace {

const std::string kExamples = std::string(SHARD_SOURCE_DIR) + "/examples/greeter-translator/";
const std::string kFixtures = std::string(SHARD_SOURCE_DIR) + "/tests/component/fixtures/";

// Two imported interfaces (the second `use`s the first's point and canvas), a plain-named
// instance, a world-level type `use` and function import, and one exported function: every
// kind of named type, a resource with constructor, method and static function, and options,
// results, lists and tuples inline.
const char* kShapes = R"((component
  (import "test:shapes/types@1.0.0" (instance $types
    (type $point' (record (field "x" s32) (field "y" s32)))
    (export "point" (type $point (eq $point')))
    (type $shape' (variant (case "circle" f64) (case "rect" (tuple $point $point)) (case "none")))
    (export "shape" (type $shape (eq $shape')))
    (type $color' (enum "red" "green" "blue"))
    (export "color" (type $color (eq $color')))
    (type $perms' (flags "read" "write" "exec"))
    (export "perms" (type $perms (eq $perms')))
    (type $size' u64)
    (export "size" (type $size (eq $size')))
    (export "canvas" (type $canvas (sub resource)))
    (export "[constructor]canvas" (func (param "w" u32) (param "h" u32) (result (own $canvas))))
    (export "[method]canvas.draw" (func (param "self" (borrow $canvas)) (param "s" $shape) (param "c" (option $color))
                                        (result (result u32 (error string)))))
    (export "[static]canvas.merge" (func (param "a" (own $canvas)) (param "b" (own $canvas)) (result (own $canvas))))
    (export "bounds" (func (param "shapes" (list $shape)) (result (tuple $point $point))))
    (export "check" (func (param "p" $perms) (param "n" $size) (result (result))))))
  (alias export $types "point" (type $point))
  (alias export $types "canvas" (type $canvas))
  (import "test:shapes/draw@1.0.0" (instance $draw
    (alias outer 1 $point (type $p))
    (export "point" (type $pp (eq $p)))
    (alias outer 1 $canvas (type $c))
    (export "canvas" (type $cc (eq $c)))
    (export "paint" (func (param "on" (borrow $cc)) (param "at" $pp) (param "label" (option string))))
    (export "palette" (func (result (list (tuple string u8)))))))
  (import "config" (instance
    (export "get" (func (param "key" string) (result (option string))))))
  (import "point" (type $pt (eq $point)))
  (import "log" (func (param "msg" string)))
  (core module $m
    (func (export "area") (param i32 i32) (result f64) unreachable))
  (core instance $i (instantiate $m))
  (func (export "area") (param "p" $pt) (result f64) (canon lift (core func $i "area"))))
)";

const char* kShapesWit = R"(package root:component;

world root {
  import test:shapes/types@1.0.0;
  import test:shapes/draw@1.0.0;

  import config: interface {
    get: func(key: string) -> option<string>;
  }

  use test:shapes/types@1.0.0.{point};
  import log: func(msg: string);

  export area: func(p: point) -> f64;
}

package test:shapes@1.0.0 {
  interface types {
    record point {
      x: s32,
      y: s32,
    }

    variant shape {
      circle(f64),
      rect(tuple<point, point>),
      none,
    }

    enum color {
      red,
      green,
      blue,
    }

    flags perms {
      read,
      write,
      exec,
    }

    type size = u64;

    resource canvas {
      constructor(w: u32, h: u32);
      draw: func(s: shape, c: option<color>) -> result<u32, string>;
      merge: static func(a: canvas, b: canvas) -> canvas;
    }

    bounds: func(shapes: list<shape>) -> tuple<point, point>;
    check: func(p: perms, n: size) -> result;
  }

  interface draw {
    use types.{point, canvas};

    paint: func(on: borrow<canvas>, at: point, label: option<string>);
    palette: func() -> list<tuple<string, u8>>;
  }
}
)";

Component load_text(const char* text) {
  auto c = Component::from_text(text);
  INFO((c ? std::string() : c.error().to_string()));
  REQUIRE(c);
  return *c;
}

Component load_file(const std::string& path) {
  auto c = Component::from_file(path);
  INFO(path << ": " << (c ? std::string() : c.error().to_string()));
  REQUIRE(c);
  return *c;
}

const ItemDesc* find(const std::vector<ItemDesc>& items, const std::string& name) {
  for (const ItemDesc& d : items)
    if (d.name == name) return &d;
  return nullptr;
}

const FuncType* find_func(const ItemDesc& inst, const std::string& name) {
  for (auto& [n, f] : inst.funcs)
    if (n == name) return &f;
  return nullptr;
}

/// Parses `text` with Shard's WIT parser and checks that world `root` has the component's
/// imports and exports (functions and interfaces; types become `use`s or definitions).
void check_parses(const std::string& text, const Component& c, const std::string& what) {
  wit::Resolve resolve;
  auto pkg = resolve.push_source(what + ".wit", text);
  INFO(what << ":\n" << text << "\n" << (pkg ? std::string() : pkg.error().to_string()));
  REQUIRE(pkg);
  auto world = resolve.select_world(*pkg, "root");
  REQUIRE(world);
  const wit::World& w = resolve[*world];
  for (const ItemDesc& d : c.imports())
    if (d.kind == ItemKind::Func || d.kind == ItemKind::Instance) CHECK(w.find_import(d.name, resolve) != nullptr);
  for (const ItemDesc& d : c.exports())
    if (d.kind == ItemKind::Func || d.kind == ItemKind::Instance) CHECK(w.find_export(d.name, resolve) != nullptr);
  // every function of an interface comes back under its component-level name
  for (const auto* items : {&c.imports(), &c.exports()})
    for (const ItemDesc& d : *items) {
      if (d.kind != ItemKind::Instance || d.name.find('/') == std::string::npos) continue;
      auto iface = resolve.find_interface(d.name);
      REQUIRE(iface);
      for (auto& [fname, f] : d.funcs) {
        INFO(d.name << " " << fname);
        const wit::Function* wf = resolve[*iface].find_function(fname, resolve);
        REQUIRE(wf);
        CHECK(wf->params.size() == f.params.size());
        CHECK(wf->result.has_value() == (f.result != nullptr));
      }
    }
}

}  // namespace

TEST_CASE("ItemDesc: functions and instances with their WIT types", "[component_api][inspect]") {
  Component c = load_text(kShapes);
  REQUIRE(c.imports().size() == 5);
  REQUIRE(c.exports().size() == 1);

  const ItemDesc* types = find(c.imports(), "test:shapes/types@1.0.0");
  REQUIRE(types);
  CHECK(types->kind == ItemKind::Instance);
  CHECK(types->types == std::vector<std::string>{"point", "shape", "color", "perms", "size", "canvas"});
  REQUIRE(types->funcs.size() == 5);
  CHECK(types->funcs[0].first == "[constructor]canvas");
  CHECK(types->funcs[0].second.to_wit() == "func(w: u32, h: u32) -> canvas");
  REQUIRE(types->funcs[0].second.result);
  CHECK(types->funcs[0].second.result->kind == TypeKind::Own);
  CHECK(types->funcs[0].second.result->resource == "canvas");

  const FuncType* draw = find_func(*types, "[method]canvas.draw");
  REQUIRE(draw);
  REQUIRE(draw->params.size() == 3);
  CHECK(draw->params[0].first == "self");
  CHECK(draw->params[0].second->kind == TypeKind::Borrow);
  CHECK(draw->params[0].second->resource == "canvas");
  const Type& shape = *draw->params[1].second;
  CHECK(shape.kind == TypeKind::Variant);
  CHECK(shape.names == std::vector<std::string>{"circle", "rect", "none"});
  REQUIRE(shape.types.size() == 3);
  CHECK(shape.types[0]->kind == TypeKind::F64);
  CHECK(shape.types[1]->to_wit() == "tuple<record { x: s32, y: s32 }, record { x: s32, y: s32 }>");
  CHECK(shape.types[2] == nullptr);
  CHECK(draw->params[2].second->to_wit() == "option<enum { red, green, blue }>");
  CHECK(draw->result->to_wit() == "result<u32, string>");

  const FuncType* check = find_func(*types, "check");
  REQUIRE(check);
  CHECK(check->params[0].second->kind == TypeKind::Flags);
  CHECK(check->params[0].second->names == std::vector<std::string>{"read", "write", "exec"});
  CHECK(check->params[1].second->kind == TypeKind::U64);  // `type size = u64` is a u64
  REQUIRE(check->result);
  CHECK(check->result->kind == TypeKind::Result);
  CHECK(check->result->types == std::vector<TypeRef>{nullptr, nullptr});
  CHECK(find_func(*types, "bounds")->to_wit() ==
        "func(shapes: list<variant { circle(f64), rect(tuple<record { x: s32, y: s32 }, record { x: s32, y: s32 }>), none }>) "
        "-> tuple<record { x: s32, y: s32 }, record { x: s32, y: s32 }>");

  // the second interface names the first's resource through its own `canvas` export
  const ItemDesc* drawi = find(c.imports(), "test:shapes/draw@1.0.0");
  REQUIRE(drawi);
  CHECK(drawi->types == std::vector<std::string>{"point", "canvas"});
  const FuncType* paint = find_func(*drawi, "paint");
  REQUIRE(paint);
  CHECK(paint->to_wit() == "func(on: borrow<canvas>, at: record { x: s32, y: s32 }, label: option<string>)");
  CHECK(paint->result == nullptr);
  CHECK(find_func(*drawi, "palette")->to_wit() == "func() -> list<tuple<string, u8>>");

  const ItemDesc* config = find(c.imports(), "config");
  REQUIRE(config);
  CHECK(config->kind == ItemKind::Instance);
  REQUIRE(config->funcs.size() == 1);
  CHECK(config->funcs[0].second.to_wit() == "func(key: string) -> option<string>");

  const ItemDesc* point = find(c.imports(), "point");
  REQUIRE(point);
  CHECK(point->kind == ItemKind::Type);
  const ItemDesc* log = find(c.imports(), "log");
  REQUIRE(log);
  CHECK(log->kind == ItemKind::Func);
  CHECK(log->func.to_wit() == "func(msg: string)");

  const ItemDesc& area = c.exports()[0];
  CHECK(area.name == "area");
  CHECK(area.kind == ItemKind::Func);
  CHECK(area.func.to_wit() == "func(p: record { x: s32, y: s32 }) -> f64");
}

TEST_CASE("Component::wit: a world and the interfaces it names", "[component_api][inspect]") {
  Component c = load_text(kShapes);
  CHECK(c.wit() == kShapesWit);
  check_parses(c.wit(), c, "shapes");

  // the parsed interfaces have the types the component has
  wit::Resolve resolve;
  auto pkg = resolve.push_source("shapes.wit", c.wit());
  REQUIRE(pkg);
  auto types = resolve.find_interface("test:shapes/types@1.0.0");
  REQUIRE(types);
  const wit::Interface& ti = resolve[*types];
  auto kind_of = [&](const char* name) { return resolve[resolve.unalias(ti.find_type(name, resolve))].kind; };
  CHECK(kind_of("point") == wit::TypeDefKind::Record);
  CHECK(kind_of("shape") == wit::TypeDefKind::Variant);
  CHECK(kind_of("color") == wit::TypeDefKind::Enum);
  CHECK(kind_of("perms") == wit::TypeDefKind::Flags);
  CHECK(kind_of("canvas") == wit::TypeDefKind::Resource);
  const wit::Function* merge = ti.find_function("[static]canvas.merge", resolve);
  REQUIRE(merge);
  CHECK(merge->kind == wit::FunctionKind::Static);
  // draw's canvas is types' canvas
  auto draw = resolve.find_interface("test:shapes/draw@1.0.0");
  REQUIRE(draw);
  CHECK(resolve.unalias(resolve[*draw].find_type("canvas", resolve)) == ti.find_type("canvas", resolve));
}

TEST_CASE("Component::wit: keywords, world-level resources, type exports", "[component_api][inspect]") {
  // a plain-named instance with a keyword for a name, a resource imported at world level
  // with its functions, and an exported type
  Component c = load_text(R"((component
    (import "stream" (instance
      (export "list" (func (param "type" string) (result (list string))))))
    (import "file" (type $file (sub resource)))
    (import "[method]file.read" (func (param "self" (borrow $file)) (param "n" u32) (result (list u8))))
    (import "open" (func (param "path" string) (result (own $file))))
    (type $e' (enum "a" "b"))
    (export $e "mode" (type $e'))
    (core module $m (func (export "f") (param i32) (result i32) unreachable))
    (core instance $i (instantiate $m))
    (func (export "pick") (param "m" $e) (result $e) (canon lift (core func $i "f")))))");
  CHECK(c.wit() == R"(package root:component;

world root {
  import %stream: interface {
    %list: func(%type: string) -> list<string>;
  }

  resource file {
    read: func(n: u32) -> list<u8>;
  }

  import open: func(path: string) -> file;

  enum mode {
    a,
    b,
  }

  export pick: func(m: mode) -> mode;
}
)");
  check_parses(c.wit(), c, "keywords");
  const ItemDesc* read = find(c.imports(), "[method]file.read");
  REQUIRE(read);
  CHECK(read->func.to_wit() == "func(self: borrow<file>, n: u32) -> list<u8>");
  CHECK(find(c.exports(), "mode")->kind == ItemKind::Type);
}

TEST_CASE("Component::wit: the greeter and translator examples", "[component_api][inspect]") {
  Component greeter = load_file(kExamples + "greeter.wasm");
  REQUIRE(greeter.imports().size() == 1);
  const ItemDesc& tr = greeter.imports()[0];
  CHECK(tr.name == "cyber:demo/translator");
  CHECK(tr.kind == ItemKind::Instance);
  REQUIRE(tr.funcs.size() == 1);
  CHECK(tr.funcs[0].first == "translate");
  CHECK(tr.funcs[0].second.to_wit() == "func(text: string, lang: string) -> string");
  REQUIRE(greeter.exports().size() == 1);
  CHECK(greeter.exports()[0].name == "greet");
  CHECK(greeter.exports()[0].func.to_wit() == "func(name: string) -> string");
  CHECK(greeter.wit() == R"(package root:component;

world root {
  import cyber:demo/translator;

  export greet: func(name: string) -> string;
}

package cyber:demo {
  interface translator {
    translate: func(text: string, lang: string) -> string;
  }
}
)");
  check_parses(greeter.wit(), greeter, "greeter");

  Component translator = load_file(kExamples + "translator.wasm");
  CHECK(translator.imports().empty());
  REQUIRE(translator.exports().size() == 1);
  CHECK(translator.exports()[0].funcs.size() == 1);
  CHECK(translator.wit() == R"(package root:component;

world root {
  export cyber:demo/translator;
}

package cyber:demo {
  interface translator {
    translate: func(text: string, lang: string) -> string;
  }
}
)");
  check_parses(translator.wit(), translator, "translator");
}

TEST_CASE("Component::wit: jco-built components with resources and WASI read back", "[component_api][inspect]") {
  for (const char* file : {"resources-full.wasm", "resources-exporter.wasm", "wasi-proxy.wasm"}) {
    Component c = load_file(kFixtures + file);
    check_parses(c.wit(), c, file);
  }
  // the interfaces use each other's types as the WIT they were built from does
  Component full = load_file(kFixtures + "resources-full.wasm");
  const std::string wit = full.wit();
  CHECK(wit.find("  use test:demo/types@0.1.0.{point};\n  import logf: func(msg: string);\n") != std::string::npos);
  CHECK(wit.find("    use types.{point, blob, nested};\n") != std::string::npos);
  CHECK(wit.find("    type alias-pt = point;\n") != std::string::npos);
  CHECK(wit.find("      merge: static func(a: borrow<blob>, b: blob) -> blob;\n") != std::string::npos);
  Component proxy = load_file(kFixtures + "wasi-proxy.wasm");
  CHECK(proxy.wit().find("    use wasi:io/error@0.2.12.{error as io-error};\n") != std::string::npos);
}

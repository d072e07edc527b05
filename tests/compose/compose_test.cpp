// Static composition (shard/compose.h, component/compose/): components written in the component
// text format are composed, and the result is decoded and validated with Shard's own validator
// (nothing here runs a component). Checked: the result's imports are exactly the unresolved
// ones, with the same types (compared structurally, indices resolved); its exports are main's;
// plug/import mismatches and constructs that cannot be carried over give clear errors. With
// the Rust components of examples/greeter-translator present, those are composed too.
// SHARD_COMPOSE_DUMP=DIR writes every composed component to DIR (see dump()).
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "component/component.h"
#include "component/text/component_text.h"
#include "shard/compose.h"

using namespace shard::component;
using shard::ComposeInput;
using shard::compose_components;
using shard::Error;
using shard::ErrorKind;
using Bytes = std::vector<uint8_t>;

namespace {

Bytes wat(std::string_view text) {
  auto r = text::component_wat_to_binary(text);
  if (!r) FAIL(r.error().to_string());
  auto valid = load_component(*r);
  if (!valid) FAIL("fixture does not validate: " + valid.error().to_string());
  return *r;
}

ComposeInput input(std::string name, std::string_view text) { return ComposeInput{std::move(name), wat(text)}; }

/// With SHARD_COMPOSE_DUMP=DIR, every composed component is also written to DIR/NN.wasm (to
/// check them with another validator, e.g. wasm-tools).
void dump(const Bytes& b) {
  static int n = 0;
  const char* dir = std::getenv("SHARD_COMPOSE_DUMP");
  if (!dir) return;
  std::ofstream(fmt::format("{}/{:02}.wasm", dir, n++), std::ios::binary)
      .write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
}

Component compose_ok(const ComposeInput& main, const std::vector<ComposeInput>& plugs) {
  auto r = compose_components(main, plugs);
  if (!r) FAIL(r.error().to_string());
  dump(*r);
  auto c = load_component(*r);
  if (!c) FAIL("composed component does not validate: " + c.error().to_string());
  return std::move(c).value();
}

Error compose_error(const ComposeInput& main, const std::vector<ComposeInput>& plugs) {
  auto r = compose_components(main, plugs);
  REQUIRE_FALSE(r);
  return r.error();
}

// ---- a structural rendering of import types, indices resolved ------------------------------
// Two components declare "the same" import type when these strings are equal. Resources are
// named by the path of the import/export that introduces them, which is what a consumer sees.
class Render {
 public:
  explicit Render(const Component& c) : c_(c) {
    scopes_.emplace_back();
    for (const Definition& d : c.defs) top(d);
  }
  /// import name -> rendered extern type
  std::map<std::string, std::string> imports;

 private:
  struct Scope {
    std::vector<std::string> types, core_types;
    std::vector<std::map<std::string, std::string>> instances;  // export name -> type/resource
  };

  std::string val(const ValType& v) { return v.is_prim ? to_string(v.prim) : at(scopes_.back().types, v.index); }
  std::string opt(const std::optional<ValType>& v) { return v ? val(*v) : "_"; }
  static std::string at(const std::vector<std::string>& v, uint32_t i) {
    return i < v.size() ? v[i] : fmt::format("<bad index {}>", i);
  }

  std::string deftype(const TypeDef& t, const std::string& path) {
    switch (t.kind) {
      case TypeDef::DefVal: {
        const DefValType& d = t.val;
        std::string s;
        switch (d.kind) {
          case DefValKind::Prim: return to_string(d.prim);
          case DefValKind::Record:
          case DefValKind::Variant:
            s = d.kind == DefValKind::Record ? "record{" : "variant{";
            for (auto& c : d.cases) s += c.label + ":" + opt(c.type) + ",";
            return s + "}";
          case DefValKind::List: return "list<" + opt(d.elem) + ">";
          case DefValKind::Tuple:
            s = "tuple<";
            for (auto& e : d.types) s += val(e) + ",";
            return s + ">";
          case DefValKind::Flags:
          case DefValKind::Enum:
            s = d.kind == DefValKind::Flags ? "flags{" : "enum{";
            for (auto& l : d.labels) s += l + ",";
            return s + "}";
          case DefValKind::Option: return "option<" + opt(d.elem) + ">";
          case DefValKind::Result: return "result<" + opt(d.elem) + "," + opt(d.err) + ">";
          case DefValKind::Map: return "map<" + opt(d.elem) + "," + opt(d.err) + ">";
          case DefValKind::Own: return "own<" + at(scopes_.back().types, d.resource) + ">";
          case DefValKind::Borrow: return "borrow<" + at(scopes_.back().types, d.resource) + ">";
        }
        return "?";
      }
      case TypeDef::Func: {
        std::string s = "func(";
        for (auto& p : t.func.params) s += p.name + ":" + val(p.type) + ",";
        return s + ")->" + opt(t.func.result);
      }
      case TypeDef::Component:
      case TypeDef::Instance: {
        scopes_.emplace_back();
        std::string s = t.kind == TypeDef::Instance ? "instance{" : "component{";
        for (const Decl& d : t.decls) s += decl(d, path);
        scopes_.pop_back();
        return s + "}";
      }
      case TypeDef::Resource: return "resource@" + path;
    }
    return "?";
  }

  std::string core_type(const CoreTypeDef& t) {
    auto func = [](const shard::FuncType& f) {
      std::string s = "(";
      for (auto v : f.params) s += std::string(shard::to_string(v)) + ",";
      s += ")->(";
      for (auto v : f.results) s += std::string(shard::to_string(v)) + ",";
      return s + ")";
    };
    if (!t.is_module) return func(t.func);
    std::vector<std::string> types;
    std::string s = "module{";
    for (auto& d : t.decls) {
      switch (d.kind) {
        case CoreModuleDecl::Type: types.push_back(func(d.func)); break;
        case CoreModuleDecl::Alias:
          types.push_back(at(scopes_[scopes_.size() - d.outer_count].core_types, d.outer_index));
          break;
        case CoreModuleDecl::Import:
        case CoreModuleDecl::Export:
          s += d.kind == CoreModuleDecl::Import ? "import " + d.module + "." + d.name : "export " + d.name;
          s += d.type.kind == shard::ExternKind::Func ? ":" + at(types, d.type.func_type) : ":other";
          s += ";";
          break;
      }
    }
    return s + "}";
  }

  /// The rendered entity an extern type introduces; types are also pushed to the scope.
  std::string extern_type(const ExternType& et, const std::string& path) {
    Scope& s = scopes_.back();
    switch (et.kind) {
      case ExternKind::Type: {
        std::string r = et.bound_eq ? at(s.types, et.index) : "resource@" + path;
        s.types.push_back(r);
        return "type=" + r;
      }
      case ExternKind::CoreModule: return "core-module " + at(s.core_types, et.index);
      default: {
        std::string r = fmt::format("{} {}", to_string(et.kind), at(s.types, et.index));
        return r;
      }
    }
  }

  std::string decl(const Decl& d, const std::string& path) {
    Scope& s = scopes_.back();
    switch (d.kind) {
      case Decl::CoreType: s.core_types.push_back(core_type(*d.core_type)); return "";
      case Decl::Type: {
        std::string t = deftype(*d.type, path);
        scopes_.back().types.push_back(std::move(t));
        return "";
      }
      case Decl::Alias: {
        const Alias& a = *d.alias;
        if (a.kind == Alias::Outer) {
          const Scope& target = scopes_[scopes_.size() - 1 - a.count];
          std::string t = at(a.sort == Sort::CoreType ? target.core_types : target.types, a.index);
          (a.sort == Sort::CoreType ? scopes_.back().core_types : scopes_.back().types).push_back(t);
        } else {
          scopes_.back().types.push_back(alias_export(a));
        }
        return "";
      }
      case Decl::Import:
      case Decl::Export: {
        std::string name = d.name.name;
        std::string r = extern_type(d.extern_type, path + "/" + name);
        return fmt::format("{} {}: {};", d.kind == Decl::Import ? "import" : "export", name, r);
      }
    }
    return "";
  }

  std::string alias_export(const Alias& a) {
    auto& inst = scopes_.back().instances;
    if (a.instance >= inst.size()) return "<bad instance>";
    auto it = inst[a.instance].find(a.name);
    return it == inst[a.instance].end() ? "<no export " + a.name + ">" : it->second;
  }

  /// The types an instance of this rendered instance type exports, by name (for aliases).
  std::map<std::string, std::string> instance_exports(const TypeDef& t, const std::string& path) {
    std::map<std::string, std::string> out;
    scopes_.emplace_back();
    for (const Decl& d : t.decls) {
      decl(d, path);
      if (d.kind == Decl::Export && d.extern_type.kind == ExternKind::Type) out[d.name.name] = scopes_.back().types.back();
    }
    scopes_.pop_back();
    return out;
  }

  void top(const Definition& d) {
    Scope& s = scopes_.back();
    switch (d.kind) {
      case Definition::Type: {
        std::string t = deftype(c_.types[d.index], "?");
        scopes_.back().types.push_back(std::move(t));
        break;
      }
      case Definition::CoreType: {
        std::string t = core_type(c_.core_types[d.index]);
        scopes_.back().core_types.push_back(std::move(t));
        break;
      }
      case Definition::Alias: {
        const Alias& a = c_.aliases[d.index];
        if (a.sort == Sort::Type) s.types.push_back(a.kind == Alias::Export ? alias_export(a) : at(s.types, a.index));
        else if (a.sort == Sort::Instance) s.instances.emplace_back();  // not needed by the tests
        else if (a.sort == Sort::CoreType) s.core_types.push_back(at(s.core_types, a.index));
        break;
      }
      case Definition::Instance: s.instances.emplace_back(); break;
      case Definition::Import: {
        const Import& im = c_.imports[d.index];
        std::string path = im.name.name;
        if (im.type.kind == ExternKind::Instance) {
          imports[path] = extern_type(im.type, path);
          scopes_.back().instances.push_back(instance_exports(c_.types[type_def(im.type.index)], path));
        } else {
          imports[path] = extern_type(im.type, path);
        }
        break;
      }
      case Definition::Export: {
        const Export& e = c_.exports[d.index];
        if (e.item.sort == Sort::Type) s.types.push_back(at(s.types, e.item.index));
        if (e.item.sort == Sort::Instance) s.instances.emplace_back();
        break;
      }
      default: break;
    }
  }

  /// The TypeDef behind a top-level type index (instance types of imports are definitions).
  uint32_t type_def(uint32_t idx) {
    uint32_t n = 0;
    for (const Definition& d : c_.defs) {
      bool is_type = d.kind == Definition::Type ||
                     (d.kind == Definition::Alias && c_.aliases[d.index].sort == Sort::Type) ||
                     (d.kind == Definition::Import && c_.imports[d.index].type.kind == ExternKind::Type) ||
                     (d.kind == Definition::Export && c_.exports[d.index].item.sort == Sort::Type);
      if (!is_type) continue;
      if (n++ == idx) {
        if (d.kind != Definition::Type) FAIL("an instance import whose type is not a type definition");
        return d.index;
      }
    }
    FAIL("type index out of range");
    return 0;
  }

  const Component& c_;
  std::vector<Scope> scopes_;
};

std::vector<std::string> export_names(const Component& c) {
  std::vector<std::string> out;
  for (const Export& e : c.exports) out.push_back(e.name.name);
  return out;
}

// ---- fixtures --------------------------------------------------------------------------------

// The translator (../../examples/greeter-translator, by hand): exports the instance
// `cyber:demo/translator` with translate: func(text: string, lang: string) -> string.
// `extra` adds definitions (e.g. imports) at the start.
std::string translator(std::string_view extra = "", std::string_view params = R"((param "text" string) (param "lang" string))",
                       std::string_view export_name = "cyber:demo/translator") {
  return fmt::format(R"((component
  {}
  (core module $m
    (memory (export "memory") 1)
    (global $bump (mut i32) (i32.const 1024))
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (local $p i32)
      (local.set $p (global.get $bump))
      (global.set $bump (i32.add (global.get $bump) (local.get 3)))
      (local.get $p))
    (func (export "translate") (param i32 i32 i32 i32) (result i32)
      (i32.store (i32.const 16) (local.get 0))
      (i32.store (i32.const 20) (local.get 1))
      (i32.const 16)))
  (core instance $i (instantiate $m))
  (alias core export $i "memory" (core memory $memory))
  (alias core export $i "realloc" (core func $realloc))
  (func $translate {} (result string)
    (canon lift (core func $i "translate") (memory $memory) (realloc $realloc)))
  (instance $api (export "translate" (func $translate)))
  (export "{}" (instance $api)))
)",
                     extra, params, export_name);
}

// The greeter: imports `cyber:demo/translator`, exports greet: func(name: string) -> string.
// `extra` adds definitions (e.g. more imports) before it.
std::string greeter(std::string_view extra = "") {
  return fmt::format(R"((component $greeter
  {}
  (import "cyber:demo/translator" (instance $tr
    (export "translate" (func (param "text" string) (param "lang" string) (result string)))))
  (core module $mem
    (memory (export "memory") 1)
    (func (export "realloc") (param i32 i32 i32 i32) (result i32) (i32.const 64)))
  (core instance $mem_i (instantiate $mem))
  (alias core export $mem_i "memory" (core memory $memory))
  (alias core export $mem_i "realloc" (core func $realloc))
  (alias export $tr "translate" (func $translate))
  (core func $lowered (canon lower (func $translate) (memory $memory) (realloc $realloc)))
  (core module $main
    (import "host" "translate" (func (param i32 i32 i32 i32 i32)))
    (import "mem" "memory" (memory 1))
    (func (export "greet") (param i32 i32) (result i32) (i32.const 0)))
  (core instance $host (export "translate" (func $lowered)))
  (core instance $main_i (instantiate $main (with "host" (instance $host)) (with "mem" (instance $mem_i))))
  (func $greet (param "name" string) (result string)
    (canon lift (core func $main_i "greet") (memory $memory) (realloc $realloc)))
  (export "greet" (func $greet)))
)",
                     extra);
}

// Imports with records, variants, enums, resources, and a second instance whose type reaches
// the first's resource through `alias export` + `alias outer` (the wasi:io/streams pattern).
// Unrelated definitions come first so that every index shifts in the composition.
constexpr std::string_view kRichImports = R"(
  (type $unused1 (list u8))
  (type $unused2 (tuple u32 u64))
  (import "cyber:demo/logger" (instance $log
    (type $level (enum "info" "warn"))
    (export "level" (type $lvl (eq $level)))
    (type $entry (record (field "level" $lvl) (field "msg" string) (field "tags" (list string))))
    (export "entry" (type $ent (eq $entry)))
    (type $outcome (variant (case "ok") (case "err" string) (case "code" u32)))
    (export "outcome" (type $out (eq $outcome)))
    (export "sink" (type $sink (sub resource)))
    (export "[constructor]sink" (func (param "name" string) (result (own $sink))))
    (export "[method]sink.write" (func (param "self" (borrow $sink)) (param "e" $ent) (result $out)))
    (export "flush" (func (param "s" (borrow $sink)) (result (result u32 (error $out)))))))
  (alias export $log "sink" (type $sink))
  (alias export $log "entry" (type $entry))
  (type $opt (option $entry))
  (import "cyber:demo/drain" (instance
    (alias outer $greeter $sink (type $s))
    (export "sink" (type $ds (eq $s)))
    (alias outer $greeter $opt (type $o))
    (export "drain" (func (param "from" (own $ds)) (result $o)))))
  (import "res" (type $r (sub resource)))
  (import "make-res" (func (result (own $r))))
  (type $abc (flags "a" "b" "c"))
  (import "abc" (type $abc-named (eq $abc)))
  (import "flags" (func (param "f" $abc-named) (param "t" (tuple char f64 s8))))
  (core type $mt (module (type (func (param i32) (result i64))) (import "a" "b" (func (type 0))) (export "c" (func (type 0)))))
  (import "core-mod" (core module (type $mt)))
  (import "nested" (component
    (import "x" (func (param "v" u32)))
    (export "y" (func (result string)))))
)";

// Exports the instance `cyber:demo/sinks` with a resource `sink` it defines and its
// constructor, through a nested component as wit-component does.
constexpr std::string_view kSinkPlug = R"((component
  (type $sink (resource (rep i32)))
  (core func $new (canon resource.new $sink))
  (core module $m
    (import "" "new" (func $new (param i32) (result i32)))
    (func (export "ctor") (result i32) (call $new (i32.const 7))))
  (core instance $ni (export "new" (func $new)))
  (core instance $i (instantiate $m (with "" (instance $ni))))
  (func $ctor (result (own $sink)) (canon lift (core func $i "ctor")))
  (component $shim
    (import "sink" (type $s (sub resource)))
    (import "ctor" (func $c (result (own $s))))
    (export $se "sink" (type $s))
    (export "[constructor]sink" (func $c) (func (result (own $se)))))
  (instance $api (instantiate $shim (with "sink" (type $sink)) (with "ctor" (func $ctor))))
  (export "cyber:demo/sinks" (instance $api))))";

}  // namespace

TEST_CASE("compose: the plug's export satisfies main's import", "[compose]") {
  Component out = compose_ok(input("greeter", greeter()), {input("translator", translator())});
  CHECK(out.imports.empty());
  CHECK(export_names(out) == std::vector<std::string>{"greet"});
  CHECK(out.components.size() == 2);
  // the nested components are the inputs, verbatim
  Bytes g = wat(greeter()), t = wat(translator());
  auto bytes_of = [&](const Component& c) {
    return Bytes(c.bytes->begin() + static_cast<ptrdiff_t>(c.offset),
                 c.bytes->begin() + static_cast<ptrdiff_t>(c.offset + c.size));
  };
  CHECK(bytes_of(out.components[0]) == t);
  CHECK(bytes_of(out.components[1]) == g);
}

TEST_CASE("compose: unresolved imports are re-declared with their full types", "[compose]") {
  ComposeInput main = input("greeter", greeter(kRichImports));
  Component out = compose_ok(main, {input("translator", translator())});
  Component original = load_component(main.bytes).value();

  Render want(original), got(out);
  auto expected = want.imports;
  expected.erase("cyber:demo/translator");
  CHECK(got.imports == expected);
  CHECK(got.imports.size() == 8);
  // spot checks that the rendering resolves what matters
  CHECK(got.imports["cyber:demo/drain"].find("own<resource@cyber:demo/logger/sink>") != std::string::npos);
  CHECK(got.imports["cyber:demo/drain"].find("option<record{level:enum{info,warn,}") != std::string::npos);
  CHECK(got.imports["make-res"] == "func func()->own<resource@res>");
  CHECK(export_names(out) == std::vector<std::string>{"greet"});
}

TEST_CASE("compose: imports of the same name are shared by main and plugs", "[compose]") {
  std::string clock = R"((import "cyber:demo/clock" (instance (export "now" (func (result u64))))))";
  ComposeInput main = input("greeter", greeter(clock));
  ComposeInput plug = input("translator", translator(clock));
  Component out = compose_ok(main, {plug});
  REQUIRE(out.imports.size() == 1);
  CHECK(out.imports[0].name.name == "cyber:demo/clock");
  CHECK(Render(out).imports.at("cyber:demo/clock") == "instance instance{export now: func func()->u64;}");
  // both instantiations get the one import: instance 0
  REQUIRE(out.instances.size() == 2);
  for (const Instance& in : out.instances)
    for (const InstantiateArg& a : in.args)
      if (a.name == "cyber:demo/clock") CHECK((a.item.sort == Sort::Instance && a.item.index == 0));
}

TEST_CASE("compose: a plug's own imports stay imports, main's exports are all kept", "[compose]") {
  std::string plug_imports = R"((import "cyber:demo/dictionary" (instance
    (type $entry (record (field "word" string) (field "senses" (list string))))
    (export "entry" (type $e (eq $entry)))
    (export "lookup" (func (param "w" string) (result (option $e)))))))";
  std::string main_text = greeter();
  // more exports of several sorts: a type, an instance
  main_text.insert(main_text.rfind(')'), R"(
  (type $point (record (field "x" s32) (field "y" s32)))
  (export $p "point" (type $point))
  (instance $geo (export "point" (type $p)))
  (export "cyber:demo/geo" (instance $geo)))");
  Component out = compose_ok(input("greeter", main_text), {input("translator", translator(plug_imports))});
  REQUIRE(out.imports.size() == 1);
  CHECK(out.imports[0].name.name == "cyber:demo/dictionary");
  CHECK(export_names(out) == std::vector<std::string>{"greet", "point", "cyber:demo/geo"});
}

TEST_CASE("compose: resources cross from the plug to main", "[compose]") {
  std::string plug(kSinkPlug);
  std::string main = R"((component
  (import "cyber:demo/sinks" (instance $s
    (export "sink" (type $sink (sub resource)))
    (export "[constructor]sink" (func (result (own $sink))))))
  (alias export $s "sink" (type $sink))
  (import "cyber:demo/keep" (instance (export "ping" (func))))
  (type $ft (func (param "s" (own $sink))))
  (type $other (list string))
  (export "strings" (type $other))))";
  Component out = compose_ok(input("main", main), {input("plug", plug)});
  REQUIRE(out.imports.size() == 1);
  CHECK(out.imports[0].name.name == "cyber:demo/keep");
  CHECK(export_names(out) == std::vector<std::string>{"strings"});

  // Exporting a type that needs the plug's resource: the composition has no name for it.
  main.insert(main.rfind(')'), R"((export "uses-sink" (type $ft)))");
  Error e = compose_error(input("main", main), {input("plug", plug)});
  INFO(e.message);
  CHECK(e.kind == ErrorKind::Unsupported);
  CHECK(e.message.rfind("export 'uses-sink' of main cannot be exported by the composition: ", 0) == 0);
}

TEST_CASE("compose: several plugs", "[compose]") {
  std::string main = greeter(R"((import "cyber:demo/clock" (instance (export "now" (func (result u64))))))");
  std::string clock = R"((component
  (core module $m (func (export "now") (result i64) (i64.const 42)))
  (core instance $i (instantiate $m))
  (func $now (result u64) (canon lift (core func $i "now")))
  (instance $api (export "now" (func $now)))
  (export "cyber:demo/clock" (instance $api))))";
  Component out = compose_ok(input("greeter", main), {input("translator", translator()), input("clock", clock)});
  CHECK(out.imports.empty());
  CHECK(out.components.size() == 3);
  CHECK(export_names(out) == std::vector<std::string>{"greet"});
}

TEST_CASE("compose: a plug's export of the wrong type is a clear error", "[compose]") {
  Error e = compose_error(input("greeter", greeter()), {input("translator", translator("", R"((param "words" string) (param "lang" string))"))});
  CHECK(e.kind == ErrorKind::Unlinkable);
  INFO(e.message);
  CHECK(e.message.rfind("import 'cyber:demo/translator' of greeter: type mismatch with translator's export: ", 0) == 0);
  CHECK(e.message.find("`words`") != std::string::npos);
}

TEST_CASE("compose: a plug's export of the wrong sort is a clear error", "[compose]") {
  std::string plug = R"((component
  (core module $m (func (export "f")))
  (core instance $i (instantiate $m))
  (func $f (canon lift (core func $i "f")))
  (export "cyber:demo/translator" (func $f))))";
  Error e = compose_error(input("greeter", greeter()), {input("translator", plug)});
  CHECK(e.kind == ErrorKind::Unlinkable);
  CHECK(e.message == "import 'cyber:demo/translator' of greeter is an instance, but translator exports "
                     "'cyber:demo/translator' as a func");
}

TEST_CASE("compose: conflicting imports of the same name are a clear error", "[compose]") {
  auto clock = [](const char* t) {
    return fmt::format(R"((import "cyber:demo/clock" (instance (export "now" (func (result {}))))))", t);
  };
  Error e = compose_error(input("greeter", greeter(clock("u32"))), {input("translator", translator(clock("u64")))});
  CHECK(e.kind == ErrorKind::Unlinkable);
  INFO(e.message);
  CHECK(e.message.rfind("import 'cyber:demo/clock' of greeter: type conflicts with the import of the same name in "
                        "translator: ", 0) == 0);
}

TEST_CASE("compose: plugs that match nothing, or match twice, are errors", "[compose]") {
  Error e = compose_error(input("greeter", greeter()),
                          {input("translator", translator()), input("other", translator("", R"((param "text" string) (param "lang" string))", "cyber:demo/other"))});
  CHECK(e.kind == ErrorKind::Unlinkable);
  CHECK(e.message == "other exports nothing that greeter imports");

  e = compose_error(input("greeter", greeter()), {input("a", translator()), input("b", translator())});
  CHECK(e.message == "import 'cyber:demo/translator' of greeter is exported by two plugs: a and b");

  e = compose_error(input("greeter", greeter()), {});
  CHECK(e.kind == ErrorKind::Usage);
}

TEST_CASE("compose: invalid inputs are named", "[compose]") {
  Error e = compose_error(ComposeInput{"broken.wasm", {0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00, 0x07}},
                          {input("translator", translator())});
  CHECK(e.message.rfind("broken.wasm: ", 0) == 0);
  e = compose_error(ComposeInput{"core.wasm", {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00}},
                    {input("translator", translator())});
  CHECK(e.message == "core.wasm: is a core module, not a component");
  // valid binary, invalid component: an export of an unknown function
  e = compose_error(input("greeter", greeter()), {ComposeInput{"bad", {0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00,
                                                                       0x0b, 0x07, 0x01, 0x00, 0x01, 0x66, 0x01, 0x00, 0x00}}});
  CHECK(e.kind == ErrorKind::Invalid);
  CHECK(e.message.rfind("bad: ", 0) == 0);
}

TEST_CASE("compose: an import cannot stay when its type needs a plug's resource", "[compose]") {
  std::string plug(kSinkPlug);
  std::string main = R"((component $main
  (import "cyber:demo/sinks" (instance $s
    (export "sink" (type $sink (sub resource)))
    (export "[constructor]sink" (func (result (own $sink))))))
  (alias export $s "sink" (type $sink))
  (import "cyber:demo/drain" (instance
    (alias outer $main $sink (type $t))
    (export "drain" (func (param "s" (own $t))))))))";
  Error e = compose_error(input("main", main), {input("plug", plug)});
  INFO(e.message);
  CHECK(e.kind == ErrorKind::Unsupported);
  CHECK(e.message.rfind("import 'cyber:demo/drain' of main: cannot be kept as an import of the composition: ", 0) == 0);
}

TEST_CASE("compose: an import whose type comes from main's own instance is unsupported", "[compose]") {
  // (An import cannot name a type main defines itself; a structural type exported by an
  // instance main creates is the case that validates.)
  std::string main = R"((component $main
    (import "cyber:demo/translator" (instance $tr
      (export "translate" (func (param "text" string) (param "lang" string) (result string)))))
    (component $inner
      (type $t (list u32))
      (export "t" (type $t)))
    (instance $in (instantiate $inner))
    (alias export $in "t" (type $t))
    (import "uses-inner" (func (param "x" $t)))))";
  Error e = compose_error(input("main", main), {input("translator", translator())});
  CHECK(e.kind == ErrorKind::Unsupported);
  CHECK(e.message == "import 'uses-inner' of main: cannot be kept as an import of the composition: it refers to a "
                     "type exported by an instance main creates itself");
}

TEST_CASE("compose: the Rust greeter and translator of examples/greeter-translator", "[compose]") {
  const std::filesystem::path dir = std::filesystem::path(SHARD_SOURCE_DIR) / "examples/greeter-translator";
  if (!std::filesystem::exists(dir / "greeter.wasm") || !std::filesystem::exists(dir / "translator.wasm")) {
    WARN("examples/greeter-translator/*.wasm not built; skipped");
    return;
  }
  auto read = [](const std::filesystem::path& p) {
    std::ifstream f(p, std::ios::binary);
    return Bytes(std::istreambuf_iterator<char>(f), {});
  };
  Component out = compose_ok(ComposeInput{"greeter.wasm", read(dir / "greeter.wasm")},
                             {ComposeInput{"translator.wasm", read(dir / "translator.wasm")}});
  CHECK(out.imports.empty());
  CHECK(export_names(out) == std::vector<std::string>{"greet"});
}

TEST_CASE("compose: WASI imports with resources, shared by main and plug (wit-component output)", "[compose]") {
  // fixtures/gen_fixtures.mjs: two components made by wasm-tools with the WASI preview1
  // adapter; both import wasi:io/error, wasi:io/streams (whose types alias the error resource
  // from the wasi:io/error instance), wasi:cli/stdout (aliasing output-stream), ...
  const std::filesystem::path dir = std::filesystem::path(SHARD_SOURCE_DIR) / "tests/compose/fixtures";
  auto read = [&](const char* f) {
    std::ifstream in(dir / f, std::ios::binary);
    return Bytes(std::istreambuf_iterator<char>(in), {});
  };
  ComposeInput main{"wasi-greeter.wasm", read("wasi-greeter.wasm")};
  ComposeInput plug{"wasi-translator.wasm", read("wasi-translator.wasm")};
  Component out = compose_ok(main, {plug});

  Render main_types(load_component(main.bytes).value()), plug_types(load_component(plug.bytes).value()), got(out);
  auto expected = main_types.imports;
  expected.erase("cyber:demo/translator");
  CHECK(got.imports == expected);
  CHECK(got.imports.count("wasi:io/streams@0.2.12"));
  CHECK(got.imports["wasi:io/streams@0.2.12"].find("resource@wasi:io/error@0.2.12/error") != std::string::npos);
  // the plug declares the same WASI imports, with the same types
  for (auto& [name, type] : plug_types.imports) CHECK(got.imports[name] == type);
  CHECK(export_names(out) == std::vector<std::string>{"wasi:cli/run@0.2.12"});

  // one outer import per name, given to both instantiations
  REQUIRE(out.instances.size() == 2);
  std::map<std::string, uint32_t> given;
  for (const InstantiateArg& a : out.instances[0].args) given[a.name] = a.item.index;
  for (const InstantiateArg& a : out.instances[1].args)
    if (a.name.rfind("wasi:", 0) == 0) CHECK(given.at(a.name) == a.item.index);
}

TEST_CASE("compose: long chains of type definitions", "[compose]") {
  // list<list<...<u8>>>: each type refers to the one before; a kept import of the last one needs
  // them all. Deep chains are refused instead of recursing without bound.
  auto chain = [](int n) {
    std::string s = "(type $t0 (list u8))";
    for (int i = 1; i < n; ++i) s += fmt::format(" (type $t{} (list $t{}))", i, i - 1);
    return s + fmt::format(R"( (import "deep" (func (param "x" $t{}))))", n - 1);
  };
  Component out = compose_ok(input("greeter", greeter(chain(900))), {input("translator", translator())});
  CHECK(out.imports.size() == 1);
  CHECK(out.types.size() >= 900);

  Error e = compose_error(input("greeter", greeter(chain(1200))), {input("translator", translator())});
  CHECK(e.kind == ErrorKind::Unsupported);
  CHECK(e.message == "import 'deep' of greeter: cannot be kept as an import of the composition: its type depends on a "
                     "chain of more than 1000 definitions");
}

// A component's imports and exports as public types (ItemDesc) and as WIT text, from the
// validator's resolved types (component/typeinfo.h).
//
// The WIT follows what wit-component prints for a decoded component (`package root:component;`
// and `world root`), plus the definitions of the interfaces the world names, in nested
// `package ns:pkg@v { ... }` blocks (WIT.md: Package Names, nested-package-definition):
//   - an instance named like an interface (`wasi:io/streams@0.2.0`) is `import wasi:io/streams@0.2.0;`
//     in the world and an `interface streams { ... }` in its package; one with a plain name is
//     `import name: interface { ... }`;
//   - named types are definitions (record, variant, enum, flags, resource, `type a = ...`);
//     resource functions (`[constructor]r`, `[method]r.m`, `[static]r.s`) are grouped into
//     their resource; anonymous types are written inline;
//   - a type named by another interface becomes `use iface.{name};`.
#include "component/api/inspect.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string_view>
#include <unordered_map>

#include "component/wit/lexer.h"

namespace shard::cm::detail {

namespace {

namespace sc = shard::component;
using sc::ComponentTypeInfo;
using sc::DefValKind;
using sc::ExternKind;
using sc::PrimType;
using sc::TypeDef;
using sc::TypeName;
using sc::detail::Entity;
using sc::detail::kNoType;
using sc::detail::TypeId;
using sc::detail::TypeNode;
using sc::detail::VT;
using Items = std::vector<std::pair<std::string, Entity>>;

static_assert(static_cast<int>(PrimType::String) == static_cast<int>(TypeKind::String) &&
                  static_cast<int>(PrimType::S8) == static_cast<int>(TypeKind::S8),
              "component primitive types and public type kinds share their order up to string");

ItemKind item_kind(ExternKind k) {
  switch (k) {
    case ExternKind::Func: return ItemKind::Func;
    case ExternKind::Instance: return ItemKind::Instance;
    case ExternKind::Type: return ItemKind::Type;
    case ExternKind::Component: return ItemKind::Component;
    default: return ItemKind::Module;
  }
}

// ---- public types -------------------------------------------------------------------------

/// TypeNodes as public Types, each node converted once (a type used by many functions is one
/// shared Type).
class PublicTypes {
 public:
  explicit PublicTypes(const ComponentTypeInfo& info) : info_(info) {}

  TypeRef of(const std::optional<VT>& v) { return v ? of(*v) : nullptr; }
  TypeRef of(const VT& v) {
    if (v.prim) return std::make_shared<const Type>(Type{static_cast<TypeKind>(v.p), {}, {}, {}});
    return of(v.id);
  }
  TypeRef of(TypeId id) {
    if (auto it = memo_.find(id); it != memo_.end()) return it->second;
    const TypeNode& n = info_.type(id);
    auto t = std::make_shared<Type>();
    if (n.kind == TypeDef::Resource) {  // not a value type; as its own handle
      t->kind = TypeKind::Own;
      if (const TypeName* r = info_.name_of(id)) t->resource = r->name;
      memo_.emplace(id, t);
      return t;
    }
    switch (n.dv) {
      case DefValKind::Prim: t->kind = static_cast<TypeKind>(n.prim); break;
      case DefValKind::Record:
        t->kind = TypeKind::Record;
        for (auto& [label, vt] : n.cases) {
          t->names.push_back(label);
          t->types.push_back(of(vt));
        }
        break;
      case DefValKind::Variant:
        t->kind = TypeKind::Variant;
        for (auto& [label, vt] : n.cases) {
          t->names.push_back(label);
          t->types.push_back(of(vt));
        }
        break;
      case DefValKind::List:
        t->kind = TypeKind::List;
        t->types.push_back(of(n.elem));
        break;
      case DefValKind::Map: {
        // the host sees map<k, v> as list<tuple<k, v>> (Explainer.md: despecialization)
        t->kind = TypeKind::List;
        auto pair = std::make_shared<Type>();
        pair->kind = TypeKind::Tuple;
        pair->types = {of(n.elem), of(n.err)};
        t->types.push_back(std::move(pair));
        break;
      }
      case DefValKind::Tuple:
        t->kind = TypeKind::Tuple;
        for (const VT& e : n.types) t->types.push_back(of(e));
        break;
      case DefValKind::Flags:
        t->kind = TypeKind::Flags;
        t->names = n.labels;
        break;
      case DefValKind::Enum:
        t->kind = TypeKind::Enum;
        t->names = n.labels;
        break;
      case DefValKind::Option:
        t->kind = TypeKind::Option;
        t->types.push_back(of(n.elem));
        break;
      case DefValKind::Result:
        t->kind = TypeKind::Result;
        t->types = {of(n.elem), of(n.err)};
        break;
      case DefValKind::Own:
      case DefValKind::Borrow: {
        t->kind = n.dv == DefValKind::Own ? TypeKind::Own : TypeKind::Borrow;
        const TypeName* r = info_.name_of(n.resource);
        if (r) t->resource = r->name;
        break;
      }
    }
    memo_.emplace(id, t);
    return t;
  }

  FuncType func(TypeId id) {
    const TypeNode& f = info_.type(id);
    FuncType out;
    for (auto& [name, vt] : f.params) out.params.emplace_back(name, of(vt));
    out.result = of(f.result);
    return out;
  }

  ItemDesc item(const std::string& name, const Entity& e) {
    ItemDesc d{name, item_kind(e.kind), {}, {}, {}};
    if (e.kind == ExternKind::Func) d.func = func(e.type);
    if (e.kind == ExternKind::Instance) {
      for (auto& [n, x] : info_.type(e.type).exports) {
        if (x.kind == ExternKind::Func) d.funcs.emplace_back(n, func(x.type));
        if (x.kind == ExternKind::Type) d.types.push_back(n);
      }
    }
    return d;
  }

 private:
  const ComponentTypeInfo& info_;
  std::unordered_map<TypeId, TypeRef> memo_;
};

// ---- WIT text -----------------------------------------------------------------------------

/// An identifier as WIT writes it: keywords need a `%` (WIT.md: Identifiers, Keywords; the
/// keyword list is the WIT lexer's, the one that reads this text back).
std::string ident(std::string_view name) {
  return wit::is_keyword(name) ? "%" + std::string(name) : std::string(name);
}

const char* prim_wit(PrimType p) {
  static constexpr const char* kNames[] = {"bool", "s8",  "u8",  "s16", "u16",  "s32",  "u32",
                                           "s64",  "u64", "f32", "f64", "char", "string"};
  return kNames[static_cast<int>(p)];
}

/// A name WIT can write as an identifier (not `url=<...>`, `unlocked-dep=<...>`, ...).
bool plain_label(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!(c == '-' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) return false;
  return true;
}

/// `ns:pkg/name@version`, the name of an instance that is a WIT interface (Explainer.md:
/// interfacename).
struct InterfaceName {
  std::string package;  ///< "ns:pkg@version", or "ns:pkg" without a version
  std::string name;
  std::string full;     ///< the whole name, as imported or exported
};

std::optional<InterfaceName> interface_name(std::string_view s) {
  const size_t slash = s.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  const size_t at = s.find('@', slash);
  std::string_view pkg = s.substr(0, slash);
  std::string_view name = s.substr(slash + 1, at == std::string_view::npos ? std::string_view::npos : at - slash - 1);
  std::string_view version = at == std::string_view::npos ? std::string_view() : s.substr(at + 1);
  // `ns:pkg` (nested namespaces `ns:a:b` too), a plain name (not TypeName's path of a
  // nested instance, `ns:pkg/name/inner`), a semver
  if (pkg.find(':') == std::string_view::npos || !plain_label(name)) return std::nullopt;
  for (size_t from = 0; from <= pkg.size();) {
    const size_t colon = std::min(pkg.find(':', from), pkg.size());
    if (!plain_label(pkg.substr(from, colon - from))) return std::nullopt;
    from = colon + 1;
  }
  for (char c : version)
    if (!(plain_label(std::string_view(&c, 1)) || c == '.' || c == '+')) return std::nullopt;
  if (at != std::string_view::npos && version.empty()) return std::nullopt;
  InterfaceName out;
  out.package = std::string(pkg);
  if (!version.empty()) out.package += "@" + std::string(version);
  out.name = std::string(name);
  out.full = std::string(s);
  return out;
}

/// `[constructor]r`, `[method]r.m`, `[static]r.s` (Explainer.md: annotations on names).
struct ResourceFunc {
  enum Kind { Constructor, Method, Static } kind = Constructor;
  std::string resource, name;
  std::string component_name() const {
    return kind == Constructor ? "[constructor]" + resource
                               : (kind == Method ? "[method]" : "[static]") + resource + "." + name;
  }
};

std::optional<ResourceFunc> resource_func(std::string_view n) {
  auto after = [&](std::string_view prefix) -> std::optional<std::string_view> {
    if (!n.starts_with(prefix)) return std::nullopt;
    return n.substr(prefix.size());
  };
  if (auto r = after("[constructor]")) return ResourceFunc{ResourceFunc::Constructor, std::string(*r), {}};
  for (auto [prefix, kind] : {std::pair{std::string_view("[method]"), ResourceFunc::Method},
                              std::pair{std::string_view("[static]"), ResourceFunc::Static}}) {
    if (auto r = after(prefix)) {
      const size_t dot = r->find('.');
      if (dot == std::string_view::npos) return std::nullopt;
      return ResourceFunc{kind, std::string(r->substr(0, dot)), std::string(r->substr(dot + 1))};
    }
  }
  return std::nullopt;
}

std::string indent(std::string_view text, size_t spaces) {
  std::string out;
  const std::string pad(spaces, ' ');
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    if (!line.empty()) out += pad;
    out += line;
    out += '\n';
    if (nl == std::string_view::npos) break;
    pos = nl + 1;
  }
  return out;
}

/// Items of an interface or world body, each one or more lines; multi-line ones get a blank
/// line around them, as wit-component's printer does.
std::string join_items(const std::vector<std::string>& items) {
  std::string out;
  bool last_multi = false;
  for (size_t i = 0; i < items.size(); ++i) {
    const bool multi = items[i].find('\n') != items[i].size() - 1;
    if (i > 0 && (multi || last_multi)) out += '\n';
    out += items[i];
    last_multi = multi;
  }
  return out;
}

class WitWriter {
 public:
  explicit WitWriter(const ComponentTypeInfo& info) : info_(info) {}

  std::string run() {
    // Interfaces first, in import-then-export order: a type an interface `use`s is found among
    // the types of the interfaces printed before it.
    for (const Items* list : {&info_.imports, &info_.exports})
      for (auto& [name, e] : *list)
        if (e.kind == ExternKind::Instance) add_interface(name, e);

    Scope world;
    std::vector<std::string> imports, exports;
    world_items(info_.imports, "import", world, imports);
    world_items(info_.exports, "export", world, exports);

    std::string out = "package root:component;\n\nworld root {\n";
    out += indent(join_items(imports), 2);
    if (!imports.empty() && !exports.empty()) out += '\n';
    out += indent(join_items(exports), 2);
    out += "}\n";
    for (auto& [pkg, ifaces] : packages_) {
      out += fmt::format("\npackage {} {{\n", pkg);
      for (size_t i = 0; i < ifaces.size(); ++i) out += (i ? "\n" : "") + indent(ifaces[i], 2);
      out += "}\n";
    }
    return out;
  }

 private:
  /// Where names are written: an instance (by its import/export name) or the world ("").
  struct Scope {
    std::string path;
    std::optional<InterfaceName> iface;
    /// `use` statements needed so far: (interface as written here, items), in order.
    std::vector<std::pair<std::string, std::vector<std::string>>> uses;
    size_t uses_written = 0;  ///< the world writes its `use`s as it goes: those before are out

    void need_use(const std::string& from, const std::string& item) {
      for (auto& [f, list] : uses)
        for (const std::string& x : list)
          if (f == from && x == item) return;
      for (size_t i = uses_written; i < uses.size(); ++i) {
        if (uses[i].first != from) continue;
        uses[i].second.push_back(item);
        return;
      }
      uses.push_back({from, {item}});
    }
  };

  /// A named value type printed so far.
  struct Named {
    std::string scope, name;
    TypeId id;
  };

  // ---- type references ----

  /// How `scope` refers to interface `target`: by its plain name within one package.
  static std::string use_path(const Scope& scope, const InterfaceName& target) {
    if (scope.iface && scope.iface->package == target.package) return ident(target.name);
    return target.full;
  }

  /// The name of a named type as `scope` writes it, adding the `use` it needs.
  std::optional<std::string> visible_name(TypeId id, Scope& scope) {
    const TypeName* tn = info_.name_of(id);
    if (!tn) return std::nullopt;
    if (tn->instance != scope.path) {
      // A name that WIT cannot import here (a plain-named instance's) still says the most.
      if (auto from = interface_name(tn->instance)) scope.need_use(use_path(scope, *from), ident(tn->name));
    }
    return ident(tn->name);
  }

  std::string ref(const std::optional<VT>& v, Scope& scope) { return v ? ref(*v, scope) : "_"; }
  std::string ref(const VT& v, Scope& scope) {
    if (v.prim) {
      if (v.id != kNoType)
        if (auto n = visible_name(v.id, scope)) return *n;
      return prim_wit(v.p);
    }
    if (auto n = visible_name(v.id, scope)) return *n;
    return structure(v.id, scope);
  }

  /// The type itself, not its name: `list<u8>`, `borrow<blob>`.
  std::string structure(TypeId id, Scope& scope) {
    const TypeNode& n = info_.type(id);
    if (n.kind == TypeDef::Resource) {
      auto name = visible_name(id, scope);
      return name ? *name : "resource";
    }
    auto join = [&](auto&& parts) {
      std::string s;
      for (auto& p : parts) s += (s.empty() ? "" : ", ") + p;
      return s;
    };
    switch (n.dv) {
      case DefValKind::Prim: return prim_wit(n.prim);
      case DefValKind::List: return "list<" + ref(n.elem, scope) + ">";
      case DefValKind::Map: return "map<" + ref(n.elem, scope) + ", " + ref(n.err, scope) + ">";
      case DefValKind::Option: return "option<" + ref(n.elem, scope) + ">";
      case DefValKind::Result:
        if (!n.elem && !n.err) return "result";
        if (!n.err) return "result<" + ref(n.elem, scope) + ">";
        return "result<" + ref(n.elem, scope) + ", " + ref(n.err, scope) + ">";
      case DefValKind::Tuple: {
        std::vector<std::string> parts;
        for (const VT& e : n.types) parts.push_back(ref(e, scope));
        return "tuple<" + join(parts) + ">";
      }
      case DefValKind::Own: return structure(n.resource, scope);
      case DefValKind::Borrow: return "borrow<" + structure(n.resource, scope) + ">";
      // Not expressible inline in WIT (a valid component names them); written like
      // Type::to_wit so that nothing is lost.
      case DefValKind::Record:
      case DefValKind::Variant: {
        std::vector<std::string> parts;
        for (auto& [label, vt] : n.cases)
          parts.push_back(ident(label) + (n.dv == DefValKind::Record ? ": " + ref(vt, scope) : vt ? "(" + ref(vt, scope) + ")" : ""));
        return (n.dv == DefValKind::Record ? "record { " : "variant { ") + join(parts) + " }";
      }
      case DefValKind::Enum:
      case DefValKind::Flags: {
        std::vector<std::string> parts;
        for (auto& l : n.labels) parts.push_back(ident(l));
        return (n.dv == DefValKind::Enum ? "enum { " : "flags { ") + join(parts) + " }";
      }
    }
    return "_";
  }

  /// Structural equality (Explainer.md: Type Checking — value types compare structurally,
  /// resources by identity). `budget` bounds the walk over a shared DAG.
  bool vt_same(const std::optional<VT>& a, const std::optional<VT>& b, int& budget) const {
    if (!a || !b) return !a && !b;
    if (a->prim || b->prim) return a->prim == b->prim && a->p == b->p;
    return same_node(a->id, b->id, budget);
  }

  bool same_node(TypeId a, TypeId b, int& budget) const {
    if (a == b) return true;
    if (--budget < 0) return false;
    const TypeNode& x = info_.type(a);
    const TypeNode& y = info_.type(b);
    if (x.kind == TypeDef::Resource || y.kind == TypeDef::Resource) return info_.resource_id(a) == info_.resource_id(b);
    if (x.kind != TypeDef::DefVal || y.kind != TypeDef::DefVal || x.dv != y.dv) return false;
    if (x.dv == DefValKind::Own || x.dv == DefValKind::Borrow) return info_.resource_id(x.resource) == info_.resource_id(y.resource);
    if (x.prim != y.prim || x.labels != y.labels || !vt_same(x.elem, y.elem, budget) || !vt_same(x.err, y.err, budget)) return false;
    if (x.cases.size() != y.cases.size() || x.types.size() != y.types.size()) return false;
    for (size_t i = 0; i < x.cases.size(); ++i)
      if (x.cases[i].first != y.cases[i].first || !vt_same(x.cases[i].second, y.cases[i].second, budget)) return false;
    for (size_t i = 0; i < x.types.size(); ++i)
      if (!vt_same(x.types[i], y.types[i], budget)) return false;
    return true;
  }
  bool same_node(TypeId a, TypeId b) const {
    int budget = 4096;
    return same_node(a, b, budget);
  }

  // ---- definitions ----

  using ResourceFuncs = std::map<std::string, std::vector<std::pair<ResourceFunc, TypeId>>>;

  std::string params(const TypeNode& f, size_t skip, Scope& scope) {
    std::string s = "(";
    for (size_t i = skip; i < f.params.size(); ++i)
      s += (i > skip ? ", " : "") + ident(f.params[i].first) + ": " + ref(f.params[i].second, scope);
    return s + ")";
  }
  std::string result(const TypeNode& f, Scope& scope) { return f.result ? " -> " + ref(*f.result, scope) : ""; }

  std::string func(const std::string& name, TypeId type, Scope& scope) {
    const TypeNode& f = info_.type(type);
    return ident(name) + ": func" + params(f, 0, scope) + result(f, scope) + ";\n";
  }

  std::string resource_def(const std::string& name, TypeId id, const std::vector<std::pair<ResourceFunc, TypeId>>& funcs,
                           Scope& scope) {
    resources_.insert({scope.path, name});
    if (funcs.empty()) return "resource " + ident(name) + ";\n";
    std::string body;
    for (auto& [rf, type] : funcs) {
      const TypeNode& f = info_.type(type);
      switch (rf.kind) {
        case ResourceFunc::Constructor: {
          // `constructor(...)` returns an own handle of its resource unless it says otherwise
          const bool plain = f.result && !f.result->prim && info_.type(f.result->id).kind == TypeDef::DefVal &&
                             info_.type(f.result->id).dv == DefValKind::Own &&
                             info_.resource_id(info_.type(f.result->id).resource) == info_.resource_id(id);
          body += "constructor" + params(f, 0, scope) + (plain ? "" : result(f, scope)) + ";\n";
          break;
        }
        case ResourceFunc::Method: body += ident(rf.name) + ": func" + params(f, 1, scope) + result(f, scope) + ";\n"; break;
        case ResourceFunc::Static: body += ident(rf.name) + ": static func" + params(f, 0, scope) + result(f, scope) + ";\n"; break;
      }
    }
    return "resource " + ident(name) + " {\n" + indent(body, 2) + "}\n";
  }

  /// The definition of type export `name` of `scope`, or "" when it became a `use`.
  std::string type_def(const std::string& name, TypeId id, Scope& scope, const ResourceFuncs& funcs) {
    const TypeNode& n = info_.type(id);
    if (n.kind == TypeDef::Resource) {
      // Resources have an identity: the first name it got says where it is defined.
      auto first = info_.names.find(info_.resource_id(id));
      if (first != info_.names.end() && first->second.instance != scope.path) {
        if (auto from = interface_name(first->second.instance)) {
          scope.need_use(use_path(scope, *from),
                         first->second.name == name ? ident(name) : ident(first->second.name) + " as " + ident(name));
          return {};
        }
      }
      if (first != info_.names.end() && first->second.instance == scope.path && first->second.name != name)
        return "type " + ident(name) + " = " + ident(first->second.name) + ";\n";
      auto it = funcs.find(name);
      return resource_def(name, id, it == funcs.end() ? std::vector<std::pair<ResourceFunc, TypeId>>{} : it->second, scope);
    }
    if (n.kind != TypeDef::DefVal) return fmt::format("// type {}: not a value type\n", name);
    // The validator keeps no link from a value type exported under a new name (`use`,
    // `type a = b`) to the type it came from: a type equal to one printed before under the
    // same name in another interface is taken to be `use`d from there, and a record, variant,
    // enum or flags equal to another of the same scope is an alias of it. (Either way the
    // component type is the same: value types compare structurally.)
    const bool nominal = n.dv == DefValKind::Record || n.dv == DefValKind::Variant || n.dv == DefValKind::Enum ||
                         n.dv == DefValKind::Flags;
    for (const Named& d : named_) {
      if (!same_node(d.id, id)) continue;
      if (d.scope != scope.path && d.name == name) {
        if (auto from = interface_name(d.scope)) {
          scope.need_use(use_path(scope, *from), ident(name));
          return {};
        }
      }
      if (d.scope == scope.path && d.name != name && nominal) return "type " + ident(name) + " = " + ident(d.name) + ";\n";
    }
    named_.push_back({scope.path, name, id});
    std::string body;
    switch (n.dv) {
      case DefValKind::Record:
        for (auto& [label, vt] : n.cases) body += ident(label) + ": " + ref(vt, scope) + ",\n";
        return "record " + ident(name) + " {\n" + indent(body, 2) + "}\n";
      case DefValKind::Variant:
        for (auto& [label, vt] : n.cases) body += ident(label) + (vt ? "(" + ref(vt, scope) + ")" : "") + ",\n";
        return "variant " + ident(name) + " {\n" + indent(body, 2) + "}\n";
      case DefValKind::Enum:
      case DefValKind::Flags:
        for (auto& l : n.labels) body += ident(l) + ",\n";
        return (n.dv == DefValKind::Enum ? "enum " : "flags ") + ident(name) + " {\n" + indent(body, 2) + "}\n";
      default: return "type " + ident(name) + " = " + structure(id, scope) + ";\n";
    }
  }

  /// Resource functions of `items` by resource name; the other functions in `plain`.
  static ResourceFuncs group_funcs(const Items& items, const std::set<std::string>& resources,
                                   std::vector<std::pair<std::string, TypeId>>* plain) {
    ResourceFuncs out;
    for (auto& [name, e] : items) {
      if (e.kind != ExternKind::Func) continue;
      auto rf = resource_func(name);
      if (rf && resources.contains(rf->resource)) out[rf->resource].push_back({*rf, e.type});
      else if (plain) plain->push_back({name, e.type});
    }
    return out;
  }

  static std::string use_lines(const Scope& scope, size_t from = 0, size_t to = SIZE_MAX) {
    std::string out;
    for (size_t i = from; i < scope.uses.size() && i < to; ++i) {
      std::string items;
      for (const std::string& x : scope.uses[i].second) items += (items.empty() ? "" : ", ") + x;
      out += fmt::format("use {}.{{{}}};\n", scope.uses[i].first, items);
    }
    return out;
  }

  /// The items of an interface: `use`s, types (resources with their functions), functions.
  std::string interface_body(const Items& items, Scope& scope) {
    std::set<std::string> resources;
    for (auto& [name, e] : items)
      if (e.kind == ExternKind::Type && info_.type(e.type).kind == TypeDef::Resource) resources.insert(name);
    std::vector<std::pair<std::string, TypeId>> plain;
    const ResourceFuncs funcs = group_funcs(items, resources, &plain);
    std::vector<std::string> parts;
    for (auto& [name, e] : items) {
      if (e.kind == ExternKind::Type) {
        std::string def = type_def(name, e.type, scope, funcs);
        if (!def.empty()) parts.push_back(std::move(def));
      } else if (e.kind != ExternKind::Func) {
        parts.push_back(fmt::format("// {}: a nested {} (not expressible in WIT)\n", name,
                                    e.kind == ExternKind::Instance ? "instance" : "component or module"));
      }
    }
    // Functions of a resource that is not defined here (WIT cannot say that): as comments.
    for (auto& [r, list] : funcs)
      if (!resources_.contains({scope.path, r}))
        for (auto& [rf, type] : list) plain.push_back({rf.component_name(), type});
    std::vector<std::string> fn_lines;
    for (auto& [name, type] : plain) fn_lines.push_back((name.starts_with("[") ? "// " : "") + func(name, type, scope));
    std::string out;
    if (!scope.uses.empty()) out += use_lines(scope);
    std::string types = join_items(parts);
    if (!out.empty() && !types.empty()) out += '\n';
    out += types;
    std::string fns;
    for (auto& l : fn_lines) fns += l;
    if (!out.empty() && !fns.empty()) out += '\n';
    out += fns;
    return out;
  }

  void add_interface(const std::string& name, const Entity& e) {
    auto iface = interface_name(name);
    if (!iface || !done_.insert(name).second) return;
    Scope scope;
    scope.path = name;
    scope.iface = iface;
    std::string body = interface_body(info_.type(e.type).exports, scope);
    std::string text = "interface " + ident(iface->name) + " {\n" + indent(body, 2) + "}\n";
    for (auto& [pkg, list] : packages_) {
      if (pkg == iface->package) {
        list.push_back(std::move(text));
        return;
      }
    }
    packages_.push_back({iface->package, {std::move(text)}});
  }

  /// The world's imports or exports, in binary order; `use` statements go before the item
  /// that needs them.
  void world_items(const Items& items, const char* dir, Scope& world, std::vector<std::string>& out) {
    std::set<std::string> resources;
    for (auto& [name, e] : items)
      if (e.kind == ExternKind::Type && info_.type(e.type).kind == TypeDef::Resource) resources.insert(name);
    const ResourceFuncs funcs = group_funcs(items, resources, nullptr);
    for (auto& [name, e] : items) {
      std::string text;
      if (!interface_name(name) && !plain_label(name) && !resource_func(name)) {
        out.push_back(fmt::format("// {} {}: a name WIT cannot write\n", dir, name));
        continue;
      }
      switch (e.kind) {
        case ExternKind::Instance:
          if (interface_name(name)) {
            text = fmt::format("{} {};\n", dir, name);
          } else {
            Scope inner;
            inner.path = name;
            text = fmt::format("{} {}: interface {{\n{}}}\n", dir, ident(name), indent(interface_body(info_.type(e.type).exports, inner), 2));
          }
          break;
        case ExternKind::Func: {
          auto rf = resource_func(name);
          if (rf && resources_.contains({world.path, rf->resource})) continue;  // in its resource's definition
          text = fmt::format("{}{} {}", rf ? "// " : "", dir, func(name, e.type, world));
          break;
        }
        case ExternKind::Type:
          if (!world_types_.insert(name).second) continue;
          text = type_def(name, e.type, world, funcs);
          break;
        default:
          text = fmt::format("// {} {}: a {} (not expressible in WIT)\n", dir, name,
                             e.kind == ExternKind::Component ? "component" : e.kind == ExternKind::CoreModule ? "core module" : "value");
          break;
      }
      for (; world.uses_written < world.uses.size(); ++world.uses_written)
        out.push_back(use_lines(world, world.uses_written, world.uses_written + 1));
      if (!text.empty()) out.push_back(std::move(text));
    }
  }

  const ComponentTypeInfo& info_;
  std::vector<Named> named_;
  std::set<std::string> done_, world_types_;
  std::set<std::pair<std::string, std::string>> resources_;  ///< (scope, name) of the resources defined
  /// Interface definitions by package, in the order the packages first appear.
  std::vector<std::pair<std::string, std::vector<std::string>>> packages_;
};

}  // namespace

Description describe(const component::ComponentTypeInfo& info) {
  Description d;
  PublicTypes types(info);
  for (auto& [name, e] : info.imports) d.imports.push_back(types.item(name, e));
  for (auto& [name, e] : info.exports) d.exports.push_back(types.item(name, e));
  d.wit = WitWriter(info).run();
  return d;
}

}  // namespace shard::cm::detail

// Component validation: Binary.md's "Validation ..." notes, Explainer.md (Index Spaces, Alias
// Definitions, Type Checking, Import and Export Definitions, External Visibility of Types) and
// CanonicalABI.md (Canonical Definitions, Flattening).
//
// The definitions of each component are replayed in binary order, growing one Scope's 13 index
// spaces as they go (Binary.md: "index spaces ... are built incrementally as each definition
// is validated"). Component and instance types open a scope of their own, with empty index
// spaces, so `alias outer` can count scopes outward. Types are resolved into one arena of
// index-free TypeNodes (types.h); component_type_info (typeinfo.h) hands out the arena with
// the top-level imports and exports.
#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <unordered_set>

#include "component/component.h"
#include "component/valid/names.h"
#include "component/typeinfo.h"
#include "component/types.h"
#include "valid/validator.h"

namespace shard::component {
namespace {

using namespace detail;

constexpr size_t kMaxFlatParams = 16;   // CanonicalABI.md: Flattening
constexpr size_t kMaxFlatResults = 1;
constexpr size_t kMaxTypeNodes = 1'000'000;  // hostile type explosion guard
constexpr int kMaxNesting = 1000;            // recursion bound for walks over type trees

struct CoreTypeEntry {
  bool is_module = false;
  shard::FuncType func;
  std::shared_ptr<const CoreModuleType> module;
};

struct NameSet {
  std::unordered_map<std::string, std::string> seen;  // canonical -> original
};

struct Scope {
  bool is_type = false;  ///< a component or instance type (vs a component definition)
  bool is_instance_type = false;
  uint32_t id = 0;
  std::vector<shard::FuncType> core_funcs;
  std::vector<TableType> core_tables;
  std::vector<MemoryType> core_memories;
  std::vector<GlobalType> core_globals;
  std::vector<shard::FuncType> core_tags;  ///< a tag's payload as a function type's params
  std::vector<CoreTypeEntry> core_types;
  std::vector<std::shared_ptr<const CoreModuleType>> core_modules;
  std::vector<std::shared_ptr<const CoreInstanceType>> core_instances;
  std::vector<TypeId> funcs, types, components, instances;
  NameSet import_names, export_names;
  std::vector<std::pair<std::string, Entity>> imports, exports;
  /// label -> resource, for [constructor]/[method]/[static] names; imports and exports are
  /// separate namespaces (Binary.md: "a preceding resource import or export, respectively").
  std::unordered_map<std::string, TypeId> import_resource_names, export_resource_names;
  /// Types with an externally-visible name: introduced by an import (or export) of this scope
  /// (Explainer.md: External Visibility of Types).
  std::unordered_set<TypeId> named_imports, named_exports;
  std::vector<TypeId> imported_resources, generated_resources;
};

/// The components of the resolved type of a top-level component, handed out by
/// Validator::run when asked (component_type_info).
struct TopLevel {
  std::vector<TypeNode> arena;
  std::vector<std::pair<std::string, Entity>> imports, exports;
};

class Validator {
 public:
  Result<void> run(const Component& c, TopLevel* out = nullptr, ValidatedModules* modules = nullptr) {
    modules_ = modules;
    Scope s;
    component(c, s);
    if (err_) return std::move(*err_);
    if (out) {
      out->imports = std::move(s.imports);
      out->exports = std::move(s.exports);
      out->arena = std::move(arena_);
    }
    return {};
  }

 private:
  // ---- errors ---------------------------------------------------------------------------
  bool fail(size_t off, std::string msg, ErrorKind k = ErrorKind::Invalid) {
    if (!err_) err_ = Error(k, std::move(msg), off);
    return false;
  }
  bool ok() const { return !err_; }

  // ---- the type arena -------------------------------------------------------------------
  TypeId add(TypeNode n) {
    if (arena_.size() >= kMaxTypeNodes) {
      fail(0, "too many types");
      return 0;
    }
    arena_.push_back(std::move(n));
    return static_cast<TypeId>(arena_.size() - 1);
  }
  const TypeNode& node(TypeId id) const { return arena_[id]; }
  TypeId root(TypeId id) const { return resource_identity(arena_, id); }

  /// A fresh abstract resource (Explainer.md: Type Checking — `(sub resource)` imports and
  /// exports, and each instantiation's copy of a component's own resources).
  TypeId new_resource() {
    TypeNode n;
    n.kind = TypeDef::Resource;
    n.has_resource = true;
    return add(std::move(n));
  }

  /// A new type index for an existing type: Binary.md's `(eq i)` bound ("effectively an alias
  /// to type i") and "all exports introduce a new index that aliases the exported definition".
  /// It denotes the same type (a resource keeps its identity, a value type is structurally
  /// equal) but is a name of its own: external visibility and `[method]`-style annotations go
  /// by this node (Explainer.md: External Visibility of Types — "only the *new* typeidx
  /// introduced by the export" is named). Function, component and instance types need no name.
  TypeId make_alias(TypeId t) {
    TypeNode n = node(t);  // a copy: add() may reallocate the arena
    if (n.kind == TypeDef::Resource) {
      n.alias_of = root(t);
      return add(std::move(n));
    }
    return n.kind == TypeDef::DefVal ? add(std::move(n)) : t;
  }
  bool vt_has_resource(const VT& v) const { return !v.prim && node(v.id).has_resource; }
  bool vt_has_borrow(const VT& v) const { return !v.prim && node(v.id).has_borrow; }
  void finish_flags(TypeNode& n) {
    auto mark = [&](const std::optional<VT>& v) {
      if (v && !v->prim) {
        n.has_resource |= node(v->id).has_resource;
        n.has_borrow |= node(v->id).has_borrow;
      }
    };
    for (auto& c : n.cases) mark(c.second);
    for (auto& t : n.types) mark(t);
    mark(n.elem);
    mark(n.err);
    for (auto& p : n.params) mark(p.second);
    mark(n.result);
    if (n.kind == TypeDef::DefVal && (n.dv == DefValKind::Own || n.dv == DefValKind::Borrow)) {
      n.has_resource = true;
      n.has_borrow |= n.dv == DefValKind::Borrow;
    }
    if (n.kind == TypeDef::Resource) n.has_resource = true;
    for (auto* list : {&n.imports, &n.exports})
      for (auto& [name, e] : *list)
        if (e.kind != ExternKind::CoreModule) n.has_resource |= node(e.type).has_resource;
  }

  // ---- scopes and index spaces ----------------------------------------------------------
  Scope& cur() { return *stack_.back(); }

  uint32_t count(const Scope& s, Sort sort) const {
    switch (sort) {
      case Sort::CoreFunc: return static_cast<uint32_t>(s.core_funcs.size());
      case Sort::CoreTable: return static_cast<uint32_t>(s.core_tables.size());
      case Sort::CoreMemory: return static_cast<uint32_t>(s.core_memories.size());
      case Sort::CoreGlobal: return static_cast<uint32_t>(s.core_globals.size());
      case Sort::CoreTag: return static_cast<uint32_t>(s.core_tags.size());
      case Sort::CoreType: return static_cast<uint32_t>(s.core_types.size());
      case Sort::CoreModule: return static_cast<uint32_t>(s.core_modules.size());
      case Sort::CoreInstance: return static_cast<uint32_t>(s.core_instances.size());
      case Sort::Func: return static_cast<uint32_t>(s.funcs.size());
      case Sort::Value: return 0;
      case Sort::Type: return static_cast<uint32_t>(s.types.size());
      case Sort::Component: return static_cast<uint32_t>(s.components.size());
      case Sort::Instance: return static_cast<uint32_t>(s.instances.size());
    }
    return 0;
  }
  bool check_index(Sort sort, uint32_t idx, size_t off) {
    if (idx < count(cur(), sort)) return true;
    return fail(off, fmt::format("unknown {} {}: {} index out of bounds", to_string(sort), idx, to_string(sort)));
  }

  /// The entity a component-level sortidx denotes (for exports, instantiate args).
  std::optional<Entity> entity_of(SortIdx si, size_t off) {
    if (!check_index(si.sort, si.index, off)) return std::nullopt;
    Scope& s = cur();
    switch (si.sort) {
      case Sort::Func: return Entity{ExternKind::Func, s.funcs[si.index], nullptr};
      case Sort::Type: return Entity{ExternKind::Type, s.types[si.index], nullptr};
      case Sort::Component: return Entity{ExternKind::Component, s.components[si.index], nullptr};
      case Sort::Instance: return Entity{ExternKind::Instance, s.instances[si.index], nullptr};
      case Sort::CoreModule: return Entity{ExternKind::CoreModule, 0, s.core_modules[si.index]};
      default:
        fail(off, fmt::format("{} not valid to be used as export", to_string(si.sort)));
        return std::nullopt;
    }
  }

  void push_entity(const Entity& e) {
    Scope& s = cur();
    switch (e.kind) {
      case ExternKind::Func: s.funcs.push_back(e.type); break;
      case ExternKind::Type: s.types.push_back(e.type); break;
      case ExternKind::Component: s.components.push_back(e.type); break;
      case ExternKind::Instance: s.instances.push_back(e.type); break;
      case ExternKind::CoreModule: s.core_modules.push_back(e.module); break;
      case ExternKind::Value: break;
    }
  }

  // ---- components (Binary.md: Component Definitions) -------------------------------------
  void component(const Component& c, Scope& s) {
    s.id = next_scope_id_++;
    stack_.push_back(&s);
    for (const Definition& d : c.defs) {
      if (!ok()) break;
      switch (d.kind) {
        case Definition::CoreModule: core_module(c, c.core_modules[d.index]); break;
        case Definition::CoreInstance: core_instance(c.core_instances[d.index], d.offset); break;
        case Definition::CoreType: core_type_def(c.core_types[d.index]); break;
        case Definition::Component: nested_component(c.components[d.index]); break;
        case Definition::Instance: instance(c.instances[d.index], d.offset); break;
        case Definition::Alias: alias(c.aliases[d.index]); break;
        case Definition::Type: type_def(*this, c.types[d.index]); break;
        case Definition::Canon: canon(c.canons[d.index]); break;
        case Definition::Start: start(c.starts[d.index], d.offset); break;
        case Definition::Import: import(c.imports[d.index].name, c.imports[d.index].type); break;
        case Definition::Export: export_def(c.exports[d.index]); break;
      }
    }
    stack_.pop_back();
  }

  /// The componenttype of a validated component definition (or the component/instance type a
  /// declarator scope describes): its imports and exports, with the resources it defines made
  /// fresh per instantiation (Explainer.md: Type Checking).
  TypeId component_type_of(Scope& s, TypeDef::Kind kind = TypeDef::Component) {
    TypeNode n;
    n.kind = kind;
    n.imports = s.imports;
    n.exports = s.exports;
    n.imported_resources = s.imported_resources;
    n.fresh_on_instantiate = s.generated_resources;
    finish_flags(n);
    return add(std::move(n));
  }

  void nested_component(const Component& child) {
    Scope s;
    component(child, s);
    if (!ok()) return;
    cur().components.push_back(component_type_of(s));
  }

  void core_module(const Component& c, const CoreModule& m) {
    std::vector<uint8_t> bytes(c.bytes->begin() + static_cast<ptrdiff_t>(m.offset),
                               c.bytes->begin() + static_cast<ptrdiff_t>(m.offset + m.size));
    auto wm = load_module(std::move(bytes));
    if (!wm) {
      Error e = std::move(wm).error();
      if (e.offset != SIZE_MAX) e.offset += m.offset;
      if (!err_) err_ = std::move(e);
      return;
    }
    auto t = std::make_shared<CoreModuleType>();
    // Binary.md: core:moduletype — a module's type has one import declarator per two-level
    // name (duplicates are rejected there), so a module importing one name twice has no type.
    std::vector<std::pair<std::string_view, std::string_view>> names;
    names.reserve(wm->imports.size());
    for (auto& im : wm->imports) names.emplace_back(im.module, im.name);
    std::sort(names.begin(), names.end());
    if (auto d = std::adjacent_find(names.begin(), names.end()); d != names.end())
      return void(fail(m.offset, fmt::format("duplicate import name `{}:{}`", d->first, d->second)));
    for (auto& im : wm->imports) {
      CoreExtern x;
      x.kind = im.kind;
      if (im.kind == shard::ExternKind::Func) x.func = wm->types[im.func_type];
      if (im.kind == shard::ExternKind::Tag) x.func = wm->types[im.tag.type_index];
      x.table = im.table;
      x.memory = im.memory;
      x.global = im.global;
      t->imports.push_back({im.module, im.name, std::move(x)});
    }
    for (auto& ex : wm->exports) {
      CoreExtern x;
      x.kind = ex.kind;
      switch (ex.kind) {
        case shard::ExternKind::Func: x.func = wm->func_type(ex.index); break;
        case shard::ExternKind::Table: x.table = wm->all_tables[ex.index]; break;
        case shard::ExternKind::Memory: x.memory = wm->all_memories[ex.index]; break;
        case shard::ExternKind::Global: x.global = wm->all_globals[ex.index]; break;
        case shard::ExternKind::Tag: x.func = wm->types[wm->all_tags[ex.index].type_index]; break;
      }
      t->exports.emplace_back(ex.name, std::move(x));
    }
    cur().core_modules.push_back(std::move(t));
    if (modules_) (*modules_)[&m] = std::make_shared<const WasmModule>(std::move(wm).value());
  }

  // ---- core instances (Binary.md: Instance Definitions) ----------------------------------
  static const char* kind_name(shard::ExternKind k) {
    static constexpr const char* kNames[] = {"func", "table", "memory", "global", "tag"};
    return kNames[static_cast<int>(k)];
  }
  static bool limits_match(const Limits& a, const Limits& b) {  // a <= b
    if (a.min < b.min) return false;
    if (!b.max) return true;
    return a.max && *a.max <= *b.max;
  }
  /// Core extern subtyping (core valid/matching.rst), reporting what differs.
  bool core_match(const CoreExtern& a, const CoreExtern& b, std::string& why) {
    if (a.kind != b.kind) return why = fmt::format("expected {}, found {}", kind_name(b.kind), kind_name(a.kind)), false;
    switch (a.kind) {
      case shard::ExternKind::Func:
        if (!(a.func == b.func)) return why = "type mismatch", false;
        return true;
      case shard::ExternKind::Table:
        if (a.table.elem != b.table.elem)
          return why = fmt::format("expected table element type {}, found {}", to_string(b.table.elem),
                                   to_string(a.table.elem)), false;
        if (!limits_match(a.table.limits, b.table.limits)) return why = "mismatch in table limits", false;
        return true;
      case shard::ExternKind::Memory:
        if (!limits_match(a.memory.limits, b.memory.limits)) return why = "mismatch in memory limits", false;
        return true;
      case shard::ExternKind::Global:
        if (a.global.type != b.global.type || a.global.mut != b.global.mut)
          return why = fmt::format("expected global type {}, found {}", to_string(b.global.type),
                                   to_string(a.global.type)), false;
        return true;
      case shard::ExternKind::Tag:
        if (!(a.func == b.func)) return why = "tag type mismatch", false;
        return true;
    }
    return true;
  }

  CoreExtern core_item(Sort sort, uint32_t idx) {
    CoreExtern x;
    Scope& s = cur();
    switch (sort) {
      case Sort::CoreFunc: x.kind = shard::ExternKind::Func; x.func = s.core_funcs[idx]; break;
      case Sort::CoreTable: x.kind = shard::ExternKind::Table; x.table = s.core_tables[idx]; break;
      case Sort::CoreMemory: x.kind = shard::ExternKind::Memory; x.memory = s.core_memories[idx]; break;
      case Sort::CoreTag: x.kind = shard::ExternKind::Tag; x.func = s.core_tags[idx]; break;
      default: x.kind = shard::ExternKind::Global; x.global = s.core_globals[idx]; break;
    }
    return x;
  }

  void core_instance(const Instance& in, size_t off) {
    auto t = std::make_shared<CoreInstanceType>();
    if (in.instantiate) {
      if (in.target >= cur().core_modules.size())
        return void(fail(off, fmt::format("unknown module {}: module index out of bounds", in.target)));
      const CoreModuleType& mt = *cur().core_modules[in.target];
      std::unordered_map<std::string, uint32_t> args;
      for (auto& a : in.args) {
        if (!check_index(Sort::CoreInstance, a.item.index, a.offset)) return;
        if (!args.emplace(a.name, a.item.index).second)
          return void(fail(a.offset, fmt::format("duplicate module instantiation argument named `{}`", a.name)));
      }
      for (auto& im : mt.imports) {
        auto it = args.find(im.module);
        if (it == args.end())
          return void(fail(off, fmt::format("missing module instantiation argument named `{}`", im.module)));
        const CoreExtern* x = cur().core_instances[it->second]->find(im.name);
        if (!x)
          return void(fail(off, fmt::format("module instantiation argument `{}` does not export an item named `{}`",
                                            im.module, im.name)));
        std::string why;
        if (!core_match(*x, im.type, why))
          return void(fail(off, fmt::format("type mismatch for export `{}` of module instantiation argument `{}`: {}",
                                            im.name, im.module, why)));
      }
      t->exports = mt.exports;
    } else {
      std::unordered_set<std::string> names;
      for (auto& e : in.exports) {
        if (e.item.sort != Sort::CoreFunc && e.item.sort != Sort::CoreTable && e.item.sort != Sort::CoreMemory &&
            e.item.sort != Sort::CoreGlobal && e.item.sort != Sort::CoreTag)
          return void(fail(e.offset, fmt::format("{} is not a valid core instance export", to_string(e.item.sort))));
        if (!check_index(e.item.sort, e.item.index, e.offset)) return;
        if (!names.insert(e.name).second)
          return void(fail(e.offset, fmt::format("export name `{}` already defined", e.name)));
        t->exports.emplace_back(e.name, core_item(e.item.sort, e.item.index));
      }
    }
    cur().core_instances.push_back(std::move(t));
  }

  // ---- core types (Binary.md: core:type) -------------------------------------------------
  bool resolve_core_extern(const CoreExternType& in, CoreExtern& out, const Scope& s, size_t off) {
    out.kind = in.kind;
    out.table = in.table;
    out.memory = in.memory;
    out.global = in.global;
    // core valid/types.rst: Limits, Memory Types (a module type's externtypes are core ones)
    auto limits_ok = [&](const Limits& l, uint64_t bound, const char* what) {
      if (l.min > bound || (l.max && *l.max > bound))
        return fail(off, fmt::format("{} size must be at most {} {}", what, bound,
                                     in.kind == shard::ExternKind::Memory ? "pages (4GiB)" : "elements"));
      if (l.max && l.min > *l.max) return fail(off, "size minimum must not be greater than maximum");
      return true;
    };
    if (in.kind == shard::ExternKind::Memory) return limits_ok(in.memory.limits, 65536, "memory");
    if (in.kind == shard::ExternKind::Table) return limits_ok(in.table.limits, UINT32_MAX, "table");
    if (in.kind != shard::ExternKind::Func) return true;
    if (in.func_type >= s.core_types.size())
      return fail(off, fmt::format("unknown core type {}: type index out of bounds", in.func_type));
    if (s.core_types[in.func_type].is_module)
      return fail(off, fmt::format("core type index {} is not a function type", in.func_type));
    out.func = s.core_types[in.func_type].func;
    return true;
  }

  CoreTypeEntry core_type_entry(const CoreTypeDef& t) {
    CoreTypeEntry e;
    e.is_module = t.is_module;
    if (!t.is_module) {
      e.func = t.func;
      return e;
    }
    // Explainer.md: each module type is validated with an initially-empty type index space.
    Scope inner;
    inner.is_type = true;
    auto mt = std::make_shared<CoreModuleType>();
    std::set<std::pair<std::string, std::string>> imports;
    std::set<std::string> exports;
    for (auto& d : t.decls) {
      if (!ok()) break;
      switch (d.kind) {
        case CoreModuleDecl::Import: {
          CoreExtern x;
          if (!resolve_core_extern(d.type, x, inner, d.offset)) break;
          if (!imports.emplace(d.module, d.name).second)
            fail(d.offset, fmt::format("duplicate import name `{}:{}`", d.module, d.name));
          mt->imports.push_back({d.module, d.name, std::move(x)});
          break;
        }
        case CoreModuleDecl::Type: inner.core_types.push_back({false, d.func, nullptr}); break;
        case CoreModuleDecl::Alias: {
          // the module type itself is a scope: count 0 is the module type, 1 the enclosing one
          if (d.outer_count == 0) {
            if (d.outer_index >= inner.core_types.size())
              fail(d.offset, "type index out of bounds");
            else inner.core_types.push_back(inner.core_types[d.outer_index]);
            break;
          }
          if (d.outer_count > stack_.size())
            return fail(d.offset, "invalid outer alias count"), e;
          const Scope& target = *stack_[stack_.size() - d.outer_count];
          if (d.outer_index >= target.core_types.size()) return fail(d.offset, "type index out of bounds"), e;
          if (target.core_types[d.outer_index].is_module)
            return fail(d.offset, "a module type cannot be aliased into a module type"), e;
          inner.core_types.push_back(target.core_types[d.outer_index]);
          break;
        }
        case CoreModuleDecl::Export: {
          CoreExtern x;
          if (!resolve_core_extern(d.type, x, inner, d.offset)) break;
          if (!exports.insert(d.name).second) fail(d.offset, fmt::format("name `{}` already defined", d.name));
          mt->exports.emplace_back(d.name, std::move(x));
          break;
        }
      }
    }
    e.module = std::move(mt);
    return e;
  }

  void core_type_def(const CoreTypeDef& t) {
    CoreTypeEntry e = core_type_entry(t);
    if (ok()) cur().core_types.push_back(std::move(e));
  }

  // ---- component types (Binary.md: Type Definitions) -------------------------------------
  std::optional<VT> valtype(const ValType& v, size_t off) {
    if (v.is_prim) return VT{true, v.prim, kNoType};
    if (v.index >= cur().types.size()) {
      fail(off, fmt::format("unknown type {}: type index out of bounds", v.index));
      return std::nullopt;
    }
    TypeId id = cur().types[v.index];
    if (node(id).kind != TypeDef::DefVal) {
      fail(off, fmt::format("type index {} is not a defined type", v.index));
      return std::nullopt;
    }
    // a primitive behind an index is the primitive itself (structural equality)
    if (node(id).dv == DefValKind::Prim) return VT{true, node(id).prim, id};
    return VT{false, PrimType::Bool, id};
  }

  bool labels_ok(const std::vector<std::string>& labels, std::string_view what, size_t off) {
    std::unordered_map<std::string, std::string> seen;
    for (auto& l : labels) {
      if (l.empty()) return fail(off, fmt::format("{} name cannot be empty", what));
      if (!is_label(l)) return fail(off, fmt::format("{} name `{}` is not in kebab case", what, l));
      auto [it, fresh] = seen.emplace(canonical_name(l), l);
      if (!fresh)
        return fail(off, fmt::format("{} name `{}` conflicts with previous {} name `{}`", what, l, what, it->second));
    }
    return true;
  }

  /// Returns the TypeId of the new type, or nullopt (error recorded).
  static std::optional<TypeId> type_def(Validator& v, const TypeDef& t) {
    auto id = v.make_type(t);
    if (id) v.cur().types.push_back(*id);
    return id;
  }

  std::optional<TypeId> make_type(const TypeDef& t) {
    size_t off = t.offset;
    TypeNode n;
    n.kind = t.kind;
    switch (t.kind) {
      case TypeDef::DefVal: {
        const DefValType& d = t.val;
        n.dv = d.kind;
        n.prim = d.prim;
        std::vector<std::string> labels;
        switch (d.kind) {
          case DefValKind::Prim: break;
          case DefValKind::Record:
          case DefValKind::Variant: {
            bool rec = d.kind == DefValKind::Record;
            if (d.cases.empty())
              return fail(off, rec ? "record type must have at least one field" : "variant type must have at least one case"),
                     std::nullopt;
            for (auto& c : d.cases) {
              labels.push_back(c.label);
              std::optional<VT> vt;
              if (c.type && !(vt = valtype(*c.type, off))) return std::nullopt;
              n.cases.emplace_back(c.label, vt);
            }
            if (!labels_ok(labels, rec ? "record field" : "variant case", off)) return std::nullopt;
            break;
          }
          case DefValKind::Tuple:
            if (d.types.empty()) return fail(off, "tuple type must have at least one type"), std::nullopt;
            for (auto& e : d.types) {
              auto vt = valtype(e, off);
              if (!vt) return std::nullopt;
              n.types.push_back(*vt);
            }
            break;
          case DefValKind::Flags:
          case DefValKind::Enum: {
            bool flags = d.kind == DefValKind::Flags;
            if (d.labels.empty())
              return fail(off, flags ? "flags must have at least one entry" : "enum type must have at least one variant"),
                     std::nullopt;
            if (flags && d.labels.size() > 32) return fail(off, "cannot have more than 32 flags"), std::nullopt;
            if (!labels_ok(d.labels, flags ? "flag" : "enum tag", off)) return std::nullopt;
            n.labels = d.labels;
            break;
          }
          case DefValKind::List:
          case DefValKind::Option:
          case DefValKind::Result:
          case DefValKind::Map:
            if (d.elem && !(n.elem = valtype(*d.elem, off))) return std::nullopt;
            if (d.err && !(n.err = valtype(*d.err, off))) return std::nullopt;
            // 🗺️ Binary.md: (map k v) only if k is in <keytype> — bool, the integers, char,
            // string (Explainer.md: keytype)
            if (d.kind == DefValKind::Map &&
                (!n.elem || !n.elem->prim || n.elem->p == PrimType::F32 || n.elem->p == PrimType::F64))
              return fail(off, "map key type must be a boolean, integer, char or string type"), std::nullopt;
            break;
          case DefValKind::Own:
          case DefValKind::Borrow: {
            if (d.resource >= cur().types.size())
              return fail(off, fmt::format("unknown type {}: type index out of bounds", d.resource)), std::nullopt;
            TypeId r = cur().types[d.resource];
            if (node(r).kind != TypeDef::Resource)
              return fail(off, fmt::format("type index {} is not a resource type", d.resource)), std::nullopt;
            n.resource = r;
            break;
          }
        }
        break;
      }
      case TypeDef::Func: {
        std::vector<std::string> labels;
        for (auto& p : t.func.params) {
          labels.push_back(p.name);
          auto vt = valtype(p.type, off);
          if (!vt) return std::nullopt;
          n.params.emplace_back(p.name, *vt);
        }
        if (!labels_ok(labels, "function parameter", off)) return std::nullopt;
        if (t.func.result) {
          if (!(n.result = valtype(*t.func.result, off))) return std::nullopt;
          // Binary.md: functype rejects any transitive use of borrow in a result type
          if (vt_has_borrow(*n.result)) return fail(off, "function result cannot contain a `borrow` type"), std::nullopt;
        }
        break;
      }
      case TypeDef::Resource: {
        if (cur().is_type)
          return fail(off, "resources can only be defined within a concrete component"), std::nullopt;
        n.rep = t.resource.rep;
        n.owner = cur().id;
        if (t.resource.dtor) {
          uint32_t f = *t.resource.dtor;
          if (f >= cur().core_funcs.size())
            return fail(off, fmt::format("unknown core func {}: function index out of bounds", f)), std::nullopt;
          if (!(cur().core_funcs[f] == shard::FuncType{{shard::ValType::I32}, {}}))
            return fail(off, "wrong signature for a destructor"), std::nullopt;
        }
        finish_flags(n);
        TypeId id = add(std::move(n));
        cur().generated_resources.push_back(id);
        return id;
      }
      case TypeDef::Component:
      case TypeDef::Instance: return decl_type(t);
    }
    finish_flags(n);
    return add(std::move(n));
  }

  /// componenttype / instancetype: a fresh scope whose imports and exports become the type.
  std::optional<TypeId> decl_type(const TypeDef& t) {
    Scope s;
    s.is_type = true;
    s.is_instance_type = t.kind == TypeDef::Instance;
    s.id = next_scope_id_++;
    stack_.push_back(&s);
    for (const Decl& d : t.decls) {
      if (!ok()) break;
      switch (d.kind) {
        case Decl::CoreType: {
          CoreTypeEntry e = core_type_entry(*d.core_type);
          if (ok()) s.core_types.push_back(std::move(e));
          break;
        }
        case Decl::Type: type_def(*this, *d.type); break;
        case Decl::Alias: {
          const Alias& a = *d.alias;
          // Binary.md: export aliases only alias instance and type; outer only core type and type
          if (a.kind == Alias::CoreExport ||
              (a.kind == Alias::Export && a.sort != Sort::Instance && a.sort != Sort::Type) ||
              (a.kind == Alias::Outer && outer_alias_sort(a.sort) && a.sort != Sort::CoreType && a.sort != Sort::Type)) {
            fail(a.offset, "alias declarators may only refer to types or instances");
            break;
          }
          alias(a);
          break;
        }
        case Decl::Import: import(d.name, d.extern_type); break;
        case Decl::Export: export_decl(d.name, d.extern_type); break;
      }
    }
    stack_.pop_back();
    if (!ok()) return std::nullopt;
    return component_type_of(s, t.kind);
  }

  // ---- externtype ------------------------------------------------------------------------
  std::optional<Entity> resolve_extern(const ExternType& et, bool is_import) {
    Scope& s = cur();
    size_t off = et.offset;
    auto want = [&](TypeDef::Kind k, const char* what) -> std::optional<Entity> {
      if (et.index >= s.types.size())
        return fail(off, fmt::format("unknown type {}: type index out of bounds", et.index)), std::nullopt;
      TypeId id = s.types[et.index];
      if (node(id).kind != k) return fail(off, fmt::format("type index {} is not {}", et.index, what)), std::nullopt;
      return Entity{et.kind, id, nullptr};
    };
    switch (et.kind) {
      case ExternKind::CoreModule:
        if (et.index >= s.core_types.size())
          return fail(off, fmt::format("unknown core type {}: type index out of bounds", et.index)), std::nullopt;
        if (!s.core_types[et.index].is_module)
          return fail(off, fmt::format("core type index {} is not a module type", et.index)), std::nullopt;
        return Entity{ExternKind::CoreModule, 0, s.core_types[et.index].module};
      case ExternKind::Func: return want(TypeDef::Func, "a function type");
      case ExternKind::Component: return want(TypeDef::Component, "a component type");
      case ExternKind::Instance: {
        auto e = want(TypeDef::Instance, "an instance type");
        // Explainer.md: Type Checking — the `(sub resource)` exports of an instance type are
        // existentials: every import or export of the type gets resources of its own, so two
        // imports of one instance type never share them.
        if (e) e->type = freshen(e->type, is_import ? s.imported_resources : s.generated_resources);
        return e;
      }
      case ExternKind::Value: return fail(off, "value imports and exports not supported yet", ErrorKind::Unsupported), std::nullopt;
      case ExternKind::Type: {
        if (et.bound_eq) {
          if (et.index >= s.types.size())
            return fail(off, fmt::format("unknown type {}: type index out of bounds", et.index)), std::nullopt;
          return Entity{ExternKind::Type, make_alias(s.types[et.index]), nullptr};
        }
        // (sub resource): a fresh abstract resource type (Explainer.md: Type Checking)
        TypeId id = new_resource();
        (is_import ? s.imported_resources : s.generated_resources).push_back(id);
        return Entity{ExternKind::Type, id, nullptr};
      }
    }
    return std::nullopt;
  }

  // ---- names (Explainer.md: Import and Export Definitions) -------------------------------
  /// Checks one import/export name of a component, component type, instance type or
  /// bag-of-exports instance: its syntax, uniqueness in `names`, attributes, and for
  /// [constructor]/[method]/[static] the resource it names in `resources` (that scope's
  /// imports or exports). Registers plain-named resources in `resources`.
  bool check_name(const ExternName& n, const Entity& e, bool is_import, NameSet& names,
                  std::unordered_map<std::string, TypeId>& resources, size_t off) {
    const char* what = is_import ? "import" : "export";
    ParsedName p;
    std::string why;
    if (!parse_extern_name(n.name, p, why))
      return fail(off, fmt::format("{} name `{}` is not a valid extern name: {}", what, n.name, why));
    auto [it, fresh] = names.seen.emplace(canonical_name(n.name), n.name);
    if (!fresh) return fail(off, fmt::format("{} name `{}` conflicts with previous name `{}`", what, n.name, it->second));
    // 🏷️/🔗 attributes
    if (n.duplicate_attribute) return fail(off, "duplicate attribute on import/export name");
    if (n.implements) {
      if (e.kind != ExternKind::Instance) return fail(off, "only instances can have an `implements` attribute");
      if (p.kind == ParsedName::Interface)
        return fail(off, fmt::format("name `{}` is not valid with `implements`", n.name));
      if (!is_interface_name(*n.implements))
        return fail(off, fmt::format("`{}` must be an interface name", *n.implements));
    }
    if (p.kind == ParsedName::Label || p.kind == ParsedName::Interface) {
      if (e.kind == ExternKind::Type && node(e.type).kind == TypeDef::Resource && p.kind == ParsedName::Label)
        resources[n.name] = e.type;
      return true;
    }
    // Binary.md: [constructor]/[method]/[static] name a func on a preceding resource import
    // (or export) of the same scope, labelled like the annotation's first label; the handle
    // types must use that very type index.
    if (e.kind != ExternKind::Func) return fail(off, fmt::format("`{}` is not a func", n.name));
    const TypeNode& ft = node(e.type);
    auto handle = [&](const std::optional<VT>& v, DefValKind k) -> std::optional<TypeId> {
      if (!v || v->prim || node(v->id).kind != TypeDef::DefVal || node(v->id).dv != k) return std::nullopt;
      return node(v->id).resource;
    };
    std::optional<TypeId> used;
    if (p.kind == ParsedName::Constructor) {
      if (!ft.result) return fail(off, "function should return one value");
      used = handle(ft.result, DefValKind::Own);
      if (!used && !ft.result->prim && node(ft.result->id).dv == DefValKind::Result)
        used = handle(node(ft.result->id).elem, DefValKind::Own);
      if (!used) return fail(off, "function should return `(own $T)` or `(result (own $T))`");
    } else if (p.kind == ParsedName::Method) {
      if (ft.params.empty()) return fail(off, "function should have at least one argument");
      if (ft.params[0].first != "self") return fail(off, "function should have a first argument called `self`");
      used = handle(std::optional<VT>(ft.params[0].second), DefValKind::Borrow);
      if (!used) return fail(off, "function should take a first argument of `(borrow $T)`");
    } else {
      if (!resources.count(p.resource))
        return fail(off, fmt::format("static resource name is not known in this context: `{}`", p.resource));
      return true;
    }
    auto r = resources.find(p.resource);
    if (r != resources.end() && r->second == *used) return true;
    for (auto& [label, id] : resources)
      if (id == *used) return fail(off, fmt::format("function does not match expected resource name `{}`", label));
    return fail(off, fmt::format("resource used in function does not have a name in this context (`{}`)", n.name));
  }

  // ---- external visibility (Explainer.md: External Visibility of Types) ------------------
  // Every resource, record, variant, enum and flags type used in the type of an import or
  // export must have an externally-visible name: a type index introduced by a preceding
  // import (for imports) or import or export (for exports) of the same scope, or a type
  // exported by the instance being imported or exported itself. Other value types are
  // structural and are looked through. Binary.md: "Validation requires that all resource
  // types transitively used in the type of an export are introduced by a preceding
  // `importdecl` or `exportdecl`." The walks use explicit stacks: type trees may be deep.
  struct Visibility {
    bool is_import = false;
    std::unordered_set<TypeId> local;  ///< types exported by the instance being checked
    std::unordered_set<TypeId> seen;   ///< types already checked or queued
  };

  bool named(TypeId id, const Visibility& v) const {
    if (v.local.count(id)) return true;
    // Types aliased into a component or instance type from its enclosing scopes keep the
    // names they have there; a nested component definition starts afresh.
    for (size_t i = stack_.size(); i-- > 0;) {
      const Scope& s = *stack_[i];
      if (s.named_imports.count(id)) return true;
      if ((!v.is_import || i + 1 < stack_.size()) && s.named_exports.count(id)) return true;
      if (!s.is_type) break;
    }
    return false;
  }

  /// The instance types reachable from `id` through instance exports, `id` included.
  std::vector<TypeId> instances_in(TypeId id) {
    std::vector<TypeId> out, work{id};
    std::unordered_set<TypeId> seen{id};
    while (!work.empty()) {
      TypeId t = work.back();
      work.pop_back();
      if (node(t).kind != TypeDef::Instance) continue;
      out.push_back(t);
      for (auto& [name, e] : node(t).exports)
        if (e.kind == ExternKind::Instance && seen.insert(e.type).second) work.push_back(e.type);
    }
    return out;
  }

  /// Whether the types `e`'s type is made of are visible. The type itself needs no name: it
  /// is the one being named (a type import/export), or not a nameable kind. An instance type
  /// is checked here, where it is imported or exported, with the types it exports itself
  /// counted as named; component types were checked in their own scope.
  bool visible(const Entity& e, bool is_import) {
    if (e.kind == ExternKind::CoreModule || e.kind == ExternKind::Component) return true;
    Visibility v;
    v.is_import = is_import;
    std::vector<TypeId> work{e.type};  // types whose parts must be visible
    for (TypeId inst : instances_in(e.type))
      for (auto& [name, x] : node(inst).exports) {
        if (x.kind == ExternKind::Type) v.local.insert(x.type);
        if (x.kind == ExternKind::Func || x.kind == ExternKind::Type) work.push_back(x.type);
      }
    // a type used by the one being walked: named, or structural and walked in turn
    auto use = [&](TypeId t) {
      if (named(t, v) || !v.seen.insert(t).second) return true;
      const TypeNode& u = node(t);
      if (u.kind == TypeDef::Resource) return false;
      if (u.kind == TypeDef::DefVal && (u.dv == DefValKind::Record || u.dv == DefValKind::Variant ||
                                        u.dv == DefValKind::Enum || u.dv == DefValKind::Flags))
        return false;
      work.push_back(t);
      return true;
    };
    auto use_vt = [&](const std::optional<VT>& t) { return !t || t->prim || use(t->id); };
    while (!work.empty()) {
      const TypeNode& n = node(work.back());
      work.pop_back();
      bool ok = true;
      if (n.kind == TypeDef::Func) {
        for (auto& p : n.params) ok = ok && use_vt(p.second);
        ok = ok && use_vt(n.result);
      } else if (n.kind == TypeDef::DefVal) {
        if (n.dv == DefValKind::Own || n.dv == DefValKind::Borrow) ok = use(n.resource);
        for (auto& c : n.cases) ok = ok && use_vt(c.second);
        for (auto& t : n.types) ok = ok && use_vt(t);
        ok = ok && use_vt(n.elem) && use_vt(n.err);
      }
      if (!ok) return false;
    }
    return true;
  }

  /// After an import/export: the types it introduces are named in this scope.
  void name_types(const Entity& e, std::unordered_set<TypeId>& set) {
    if (e.kind == ExternKind::Type) set.insert(e.type);
    if (e.kind != ExternKind::Instance) return;
    for (TypeId inst : instances_in(e.type))
      for (auto& [name, x] : node(inst).exports)
        if (x.kind == ExternKind::Type) set.insert(x.type);
  }

  void record_extern(const ExternName& name, const Entity& e, bool is_import, size_t off) {
    Scope& s = cur();
    if (!check_name(name, e, is_import, is_import ? s.import_names : s.export_names,
                    is_import ? s.import_resource_names : s.export_resource_names, off))
      return;
    // Instance types defer the visibility check to where they are imported or exported;
    // component types check their own imports and exports here.
    if (!s.is_instance_type && !visible(e, is_import))
      return void(fail(off, fmt::format("{} not valid to be used as {}: it uses a resource, record, variant, enum "
                                        "or flags type without an externally-visible name",
                                        to_string(e.kind), is_import ? "import" : "export")));
    name_types(e, is_import ? s.named_imports : s.named_exports);
    (is_import ? s.imports : s.exports).emplace_back(name.name, e);
  }

  void import(const ExternName& name, const ExternType& et) {
    auto e = resolve_extern(et, true);
    if (!e) return;
    record_extern(name, *e, true, name.offset);
    if (ok()) push_entity(*e);
  }

  void export_decl(const ExternName& name, const ExternType& et) {
    auto e = resolve_extern(et, false);
    if (!e) return;
    record_extern(name, *e, false, name.offset);
    if (ok()) push_entity(*e);
  }

  void export_def(const Export& ex) {
    auto e = entity_of(ex.item, ex.name.offset);
    if (!e) return;
    if (ex.type) {
      auto ascribed = resolve_extern(*ex.type, false);
      if (!ascribed) return;
      std::string why;
      Subst none;
      Bind bind;
      // an ascribed (sub resource) hides the exported resource behind a fresh abstract type
      if (ascribed->kind == ExternKind::Type && !ex.type->bound_eq) {
        if (e->kind != ExternKind::Type || node(e->type).kind != TypeDef::Resource)
          return void(fail(ex.name.offset, "ascribed type of export is not compatible with item's type"));
      } else if (!subtype(*e, *ascribed, none, why, bind)) {
        return void(fail(ex.name.offset, fmt::format("ascribed type of export is not compatible with item's type: {}", why)));
      }
      e = ascribed;
    } else if (e->kind == ExternKind::Type) {
      e->type = make_alias(e->type);  // the export's own, named, type index
    }
    record_extern(ex.name, *e, false, ex.name.offset);
    if (ok()) push_entity(*e);
  }

  // ---- type checking (Explainer.md: Type Checking) ---------------------------------------
  /// Type variables bound during matching and instantiation: abstract resources (by their
  /// identity) and, for `instantiate`, the component's type imports (Binary.md: "the actual
  /// type supplied is immediately substituted for all uses of the import").
  struct Subst {
    std::unordered_map<TypeId, TypeId> bound;
    std::unordered_map<TypeId, TypeId> memo;  ///< substitute()'s results under `bound`
    bool defined = false;                     ///< some value type is bound (not only resources)
    void bind(TypeId from, TypeId to) {
      bound[from] = to;
      memo.clear();
    }
    bool has(TypeId id) const { return bound.count(id) != 0; }
  };
  /// Abstract resources a subtype check may bind (the existentials of the expected type, the
  /// universals of the actual component's imports), by identity.
  using Bind = std::unordered_set<TypeId>;

  TypeId resolve(TypeId id, const Subst& m) const {
    id = root(id);
    auto it = m.bound.find(id);
    return it == m.bound.end() ? id : it->second;
  }

  bool vt_eq(const std::optional<VT>& a, const std::optional<VT>& b, Subst& m, std::string& why) {
    if (!a || !b) return (!a && !b) || (why = "expected a type, found none", false);
    if (a->prim != b->prim)
      return why = a->prim ? fmt::format("expected defined type, found primitive `{}`", to_string(a->p))
                           : fmt::format("expected primitive `{}`, found defined type", to_string(b->p)), false;
    if (a->prim) {
      if (a->p != b->p)
        return why = fmt::format("expected primitive `{}` found primitive `{}`", to_string(b->p), to_string(a->p)), false;
      return true;
    }
    return type_eq(a->id, b->id, m, why);
  }

  /// Structural equality of a (actual, after substitution m) and b (expected).
  bool type_eq(TypeId a, TypeId b, Subst& m, std::string& why, int depth = 0) {
    a = resolve(a, m);
    b = resolve(b, m);
    if (a == b) return true;
    if (depth > 100) return why = "type nesting too deep", false;
    const TypeNode& x = node(a);
    const TypeNode& y = node(b);
    if (x.kind != y.kind) return why = "type kind mismatch", false;
    switch (x.kind) {
      case TypeDef::Resource: return why = "resource types are not the same", false;
      case TypeDef::Func: {
        if (x.params.size() != y.params.size())
          return why = fmt::format("expected {} parameters, found {}", y.params.size(), x.params.size()), false;
        for (size_t i = 0; i < x.params.size(); ++i) {
          if (x.params[i].first != y.params[i].first)
            return why = fmt::format("expected parameter named `{}`, found `{}`", y.params[i].first, x.params[i].first), false;
          if (!vt_eq(x.params[i].second, y.params[i].second, m, why))
            return why = fmt::format("type mismatch in function parameter `{}`: {}", x.params[i].first, why), false;
        }
        if (!x.result != !y.result) return why = y.result ? "expected a result, found none" : "expected no result, found one", false;
        if (!vt_eq(x.result, y.result, m, why)) return why = "type mismatch with result type: " + why, false;
        return true;
      }
      case TypeDef::Component:
      case TypeDef::Instance: {
        Entity ea{x.kind == TypeDef::Component ? ExternKind::Component : ExternKind::Instance, a, nullptr};
        Entity eb{ea.kind, b, nullptr};
        Bind b1, b2;
        return subtype(ea, eb, m, why, b1) && subtype(eb, ea, m, why, b2);
      }
      case TypeDef::DefVal: break;
    }
    static constexpr const char* kNames[] = {"primitive", "record", "variant", "list", "tuple", "flags",
                                             "enum", "option", "result", "own", "borrow"};
    if (x.dv != y.dv)
      return why = fmt::format("expected {}, found {}", kNames[static_cast<int>(y.dv)], kNames[static_cast<int>(x.dv)]), false;
    switch (x.dv) {
      case DefValKind::Prim: return x.prim == y.prim || (why = "primitive mismatch", false);
      case DefValKind::Record:
      case DefValKind::Variant: {
        bool rec = x.dv == DefValKind::Record;
        if (x.cases.size() != y.cases.size())
          return why = fmt::format("expected {} {}, found {}", y.cases.size(), rec ? "fields" : "cases", x.cases.size()), false;
        for (size_t i = 0; i < x.cases.size(); ++i) {
          if (x.cases[i].first != y.cases[i].first)
            return why = fmt::format("expected {} named `{}`, found `{}`", rec ? "field" : "case", y.cases[i].first,
                                     x.cases[i].first), false;
          if (!x.cases[i].second != !y.cases[i].second)
            return why = y.cases[i].second ? fmt::format("expected case `{}` to have a type, found none", x.cases[i].first)
                                           : fmt::format("expected case `{}` to have no type", x.cases[i].first), false;
          if (!vt_eq(x.cases[i].second, y.cases[i].second, m, why))
            return why = fmt::format("type mismatch in {} `{}`: {}", rec ? "record field" : "variant case",
                                     x.cases[i].first, why), false;
        }
        return true;
      }
      case DefValKind::Tuple:
        if (x.types.size() != y.types.size())
          return why = fmt::format("expected {} types, found {}", y.types.size(), x.types.size()), false;
        for (size_t i = 0; i < x.types.size(); ++i)
          if (!vt_eq(x.types[i], y.types[i], m, why)) return why = fmt::format("type mismatch in tuple field {}: {}", i, why), false;
        return true;
      case DefValKind::Flags: return x.labels == y.labels || (why = "mismatch in flags elements", false);
      case DefValKind::Enum: return x.labels == y.labels || (why = "mismatch in enum elements", false);
      case DefValKind::List:
      case DefValKind::Option: return vt_eq(x.elem, y.elem, m, why);
      case DefValKind::Map:
        if (!vt_eq(x.elem, y.elem, m, why)) return why = "type mismatch in map key: " + why, false;
        if (!vt_eq(x.err, y.err, m, why)) return why = "type mismatch in map value: " + why, false;
        return true;
      case DefValKind::Result:
        if (!x.elem != !y.elem) return why = y.elem ? "expected ok type, but found none" : "expected ok type to not be present", false;
        if (!x.err != !y.err) return why = y.err ? "expected err type, but found none" : "expected err type to not be present", false;
        if (!vt_eq(x.elem, y.elem, m, why)) return why = "type mismatch in ok variant: " + why, false;
        if (!vt_eq(x.err, y.err, m, why)) return why = "type mismatch in err variant: " + why, false;
        return true;
      case DefValKind::Own:
      case DefValKind::Borrow:
        if (resolve(x.resource, m) != resolve(y.resource, m)) return why = "resource types are not the same", false;
        return true;
    }
    return true;
  }

  static const Entity* find(const std::vector<std::pair<std::string, Entity>>& list, std::string_view name) {
    for (auto& [n, e] : list)
      if (n == name) return &e;
    return nullptr;
  }

  /// a <: b (Explainer.md: Type Checking): instance/component/module types by names,
  /// exporting more and importing less; everything else by equality. Abstract resources of b
  /// in `bind` are bound to a's on first use (the elimination rule of existential types).
  bool subtype(const Entity& a, const Entity& b, Subst& m, std::string& why, Bind& bind) {
    if (a.kind != b.kind) return why = fmt::format("expected {}, found {}", to_string(b.kind), to_string(a.kind)), false;
    switch (a.kind) {
      case ExternKind::CoreModule: {
        for (auto& im : a.module->imports) {
          bool found = false;
          for (auto& jm : b.module->imports)
            if (jm.module == im.module && jm.name == im.name) {
              found = true;
              if (!core_match(jm.type, im.type, why)) return false;
            }
          if (!found) return why = fmt::format("missing expected import `{}::{}`", im.module, im.name), false;
        }
        for (auto& [name, t] : b.module->exports) {
          const CoreExtern* x = nullptr;
          for (auto& [n2, t2] : a.module->exports)
            if (n2 == name) x = &t2;
          if (!x) return why = fmt::format("missing expected export `{}`", name), false;
          if (!core_match(*x, t, why)) return false;
        }
        return true;
      }
      case ExternKind::Type: {
        TypeId ra = resolve(a.type, m), rb = resolve(b.type, m);
        bool res_a = node(ra).kind == TypeDef::Resource, res_b = node(rb).kind == TypeDef::Resource;
        if (res_a != res_b) return why = res_b ? "expected resource, found defined type" : "expected defined type, found resource", false;
        if (res_b && bind.count(rb) && !m.has(rb)) {
          m.bind(rb, ra);
          return true;
        }
        return type_eq(a.type, b.type, m, why);
      }
      case ExternKind::Func: return type_eq(a.type, b.type, m, why);
      case ExternKind::Instance:
      case ExternKind::Component: {
        const TypeNode& x = node(a.type);
        const TypeNode& y = node(b.type);
        bind.insert(y.fresh_on_instantiate.begin(), y.fresh_on_instantiate.end());
        bind.insert(x.imported_resources.begin(), x.imported_resources.end());
        // imports first: the actual component's abstract type imports are bound to the
        // expected ones before its exports (which may use them) are compared
        for (auto& [name, e] : x.imports) {
          const Entity* want = find(y.imports, name);
          if (!want) return why = fmt::format("missing expected import `{}`", name), false;
          if (!subtype(*want, e, m, why, bind)) return why = fmt::format("type mismatch in import `{}`: {}", name, why), false;
        }
        for (auto& [name, e] : y.exports) {
          const Entity* have = find(x.exports, name);
          if (!have) return why = fmt::format("missing expected export `{}`", name), false;
          if (!subtype(*have, e, m, why, bind)) return why = fmt::format("type mismatch in export `{}`: {}", name, why), false;
        }
        return true;
      }
      case ExternKind::Value: return true;
    }
    return true;
  }

  /// Copies type `id` with the variables bound in `m` replaced; returns `id` when nothing
  /// changes. Results are shared through `m.memo`, so every use of a type gets one copy.
  TypeId substitute(TypeId id, Subst& m, int depth = 0) {
    if (node(id).kind == TypeDef::Resource) return m.has(root(id)) ? resolve(id, m) : id;
    if (auto it = m.bound.find(id); it != m.bound.end()) return it->second;
    if (!(node(id).has_resource || m.defined) || depth > 100 || !ok()) return id;
    if (auto it = m.memo.find(id); it != m.memo.end()) return it->second;
    TypeNode n = node(id);  // a copy: add() may reallocate the arena
    bool changed = false;
    auto sub = [&](TypeId& t) {
      TypeId r = substitute(t, m, depth + 1);
      changed |= r != t;
      t = r;
    };
    auto sv = [&](std::optional<VT>& v) {
      if (v && !v->prim) sub(v->id);
    };
    for (auto& c : n.cases) sv(c.second);
    for (auto& t : n.types)
      if (!t.prim) sub(t.id);
    sv(n.elem);
    sv(n.err);
    sv(n.result);
    for (auto& p : n.params)
      if (!p.second.prim) sub(p.second.id);
    if (n.kind == TypeDef::DefVal && (n.dv == DefValKind::Own || n.dv == DefValKind::Borrow)) sub(n.resource);
    for (auto* list : {&n.imports, &n.exports})
      for (auto& [name, e] : *list)
        if (e.kind != ExternKind::CoreModule) sub(e.type);
    for (auto* list : {&n.fresh_on_instantiate, &n.imported_resources})
      for (TypeId& r : *list) r = resolve(r, m);
    TypeId out = changed ? add(std::move(n)) : id;
    m.memo[id] = out;
    return out;
  }

  /// Type `t` with its fresh-per-use resources replaced by new ones, which are appended to
  /// `into` (the scope's imported or generated resources).
  TypeId freshen(TypeId t, std::vector<TypeId>& into) {
    const std::vector<TypeId> fresh = node(t).fresh_on_instantiate;
    if (fresh.empty()) return t;
    // The first use may keep the type's own resources: nothing else holds them yet (a type
    // definition is no entity of any index space), so they are as fresh as new ones.
    if (freshened_.insert(t).second) {
      into.insert(into.end(), fresh.begin(), fresh.end());
      return t;
    }
    Subst m;
    for (TypeId r : fresh) {
      TypeId f = new_resource();
      m.bind(r, f);
      into.push_back(f);
    }
    return substitute(t, m);
  }

  // ---- instances (Binary.md: Instance Definitions) ---------------------------------------
  void instance(const Instance& in, size_t off) {
    TypeNode result;
    result.kind = TypeDef::Instance;
    if (in.instantiate) {
      if (in.target >= cur().components.size())
        return void(fail(off, fmt::format("unknown component {}: component index out of bounds", in.target)));
      TypeId ct = cur().components[in.target];
      std::unordered_map<std::string, Entity> args;
      for (auto& a : in.args) {
        auto e = entity_of(a.item, a.offset);
        if (!e) return;
        if (!args.emplace(a.name, *e).second)
          return void(fail(a.offset, fmt::format("instantiation argument `{}` conflicts with previous argument `{}`", a.name, a.name)));
      }
      Subst m;
      Bind bind(node(ct).imported_resources.begin(), node(ct).imported_resources.end());
      const std::vector<std::pair<std::string, Entity>> imports = node(ct).imports;  // substitute() adds nodes
      for (auto& [name, want] : imports) {
        auto it = args.find(name);
        if (it == args.end()) return void(fail(off, fmt::format("missing import named `{}`", name)));
        Entity expected = want;
        if (expected.kind != ExternKind::CoreModule) expected.type = substitute(want.type, m);
        if (!ok()) return;
        std::string why;
        if (!subtype(it->second, expected, m, why, bind))
          return void(fail(off, fmt::format("type mismatch for component instantiation argument `{}`: {}", name, why)));
        // Binary.md: after each type import is supplied via `with`, the supplied type is
        // substituted for all later uses of the import (resources were bound just above).
        if (want.kind == ExternKind::Type && node(want.type).kind == TypeDef::DefVal) {
          m.bind(want.type, it->second.type);
          m.defined = true;
        }
      }
      // Explainer.md: Type Checking — each instantiation makes the component's own resources
      // anew ("resource types are generative").
      for (TypeId r : std::vector<TypeId>(node(ct).fresh_on_instantiate)) {
        TypeId f = new_resource();
        m.bind(r, f);
        cur().generated_resources.push_back(f);
      }
      const std::vector<std::pair<std::string, Entity>> exports = node(ct).exports;
      for (auto [name, e] : exports) {
        if (e.kind != ExternKind::CoreModule) e.type = substitute(e.type, m);
        result.exports.emplace_back(name, e);
      }
    } else {
      // a bag of exports: names checked as in an instance type, each type export a new name
      NameSet names;
      std::unordered_map<std::string, TypeId> resources;
      for (size_t i = 0; i < in.exports.size(); ++i) {
        auto& a = in.exports[i];
        auto e = entity_of(a.item, a.offset);
        if (!e) return;
        if (e->kind == ExternKind::Type) e->type = make_alias(e->type);
        ExternName plain;
        plain.name = a.name;
        const ExternName& en = i < in.export_names.size() ? in.export_names[i] : plain;
        if (!check_name(en, *e, false, names, resources, a.offset)) return;
        result.exports.emplace_back(a.name, *e);
      }
    }
    finish_flags(result);
    cur().instances.push_back(add(std::move(result)));
  }

  // ---- aliases (Binary.md: Alias Definitions) --------------------------------------------
  /// Explainer.md: outeraliassort ::= core module | core type | component | type
  static bool outer_alias_sort(Sort s) {
    return s == Sort::CoreModule || s == Sort::CoreType || s == Sort::Component || s == Sort::Type;
  }

  void alias(const Alias& a) {
    Scope& s = cur();
    switch (a.kind) {
      case Alias::Export: {
        if (!check_index(Sort::Instance, a.instance, a.offset)) return;
        const Entity* e = find(node(s.instances[a.instance]).exports, a.name);
        if (!e) return void(fail(a.offset, fmt::format("instance {} has no export named `{}`", a.instance, a.name)));
        Sort want = e->kind == ExternKind::Func ? Sort::Func : e->kind == ExternKind::Type ? Sort::Type
                  : e->kind == ExternKind::Component ? Sort::Component : e->kind == ExternKind::Instance ? Sort::Instance
                  : e->kind == ExternKind::CoreModule ? Sort::CoreModule : Sort::Value;
        if (want != a.sort)
          return void(fail(a.offset, fmt::format("export `{}` for instance {} is not a {}", a.name, a.instance, to_string(a.sort))));
        push_entity(*e);
        return;
      }
      case Alias::CoreExport: {
        if (!check_index(Sort::CoreInstance, a.instance, a.offset)) return;
        const CoreExtern* x = s.core_instances[a.instance]->find(a.name);
        if (!x) return void(fail(a.offset, fmt::format("core instance {} has no export named `{}`", a.instance, a.name)));
        Sort have = x->kind == shard::ExternKind::Func ? Sort::CoreFunc : x->kind == shard::ExternKind::Table ? Sort::CoreTable
                  : x->kind == shard::ExternKind::Memory ? Sort::CoreMemory
                  : x->kind == shard::ExternKind::Tag ? Sort::CoreTag : Sort::CoreGlobal;
        if (have != a.sort) return void(fail(a.offset, fmt::format("export `{}` for core instance {} is not a {}", a.name, a.instance, to_string(a.sort))));
        switch (x->kind) {
          case shard::ExternKind::Func: s.core_funcs.push_back(x->func); break;
          case shard::ExternKind::Table: s.core_tables.push_back(x->table); break;
          case shard::ExternKind::Memory: s.core_memories.push_back(x->memory); break;
          case shard::ExternKind::Global: s.core_globals.push_back(x->global); break;
          case shard::ExternKind::Tag: s.core_tags.push_back(x->func); break;
        }
        return;
      }
      case Alias::Outer: {
        // Binary.md: `(alias outer ct idx (s))  (if s in outeraliassort)` is a condition of the
        // binary grammar, so another sort makes the alias malformed, not invalid.
        if (!outer_alias_sort(a.sort))
          return void(fail(a.offset, fmt::format("invalid sort `{}` for component outer alias kind: outer aliases may "
                                                 "only refer to core modules, core types, components or types",
                                                 to_string(a.sort)), ErrorKind::Malformed));
        if (a.count >= stack_.size()) return void(fail(a.offset, "invalid outer alias count"));
        const Scope& target = *stack_[stack_.size() - 1 - a.count];
        if (a.index >= count(target, a.sort))
          return void(fail(a.offset, fmt::format("unknown {} {}: index out of bounds", to_string(a.sort), a.index)));
        bool crosses_component = false;
        for (size_t i = stack_.size() - a.count; i < stack_.size(); ++i)
          crosses_component |= !stack_[i]->is_type;
        switch (a.sort) {
          case Sort::CoreModule: s.core_modules.push_back(target.core_modules[a.index]); break;
          case Sort::CoreType: s.core_types.push_back(target.core_types[a.index]); break;
          case Sort::Component: s.components.push_back(target.components[a.index]); break;
          default: {
            TypeId t = target.types[a.index];
            if (crosses_component && node(t).has_resource)
              return void(fail(a.offset, "refers to resources not defined in the current component: "
                                         "outer alias transitively refers to resources"));
            s.types.push_back(t);
          }
        }
        return;
      }
    }
  }

  // ---- canonical definitions (CanonicalABI.md: Canonical Definitions) --------------------
  void flatten(const VT& v, std::vector<shard::ValType>& out, int depth = 0) {
    using shard::ValType;
    if (v.prim) {
      switch (v.p) {
        case PrimType::S64: case PrimType::U64: out.push_back(ValType::I64); return;
        case PrimType::F32: out.push_back(ValType::F32); return;
        case PrimType::F64: out.push_back(ValType::F64); return;
        case PrimType::String: out.push_back(ValType::I32); out.push_back(ValType::I32); return;
        default: out.push_back(ValType::I32); return;
      }
    }
    if (depth > 100 || out.size() > 4096) {  // a hostile type; more than MAX_FLAT_* either way
      out.resize(out.size() + kMaxFlatParams + 1, ValType::I32);
      return;
    }
    const TypeNode& n = node(v.id);
    switch (n.dv) {
      case DefValKind::Prim: return flatten(VT{true, n.prim, kNoType}, out, depth + 1);
      case DefValKind::List: case DefValKind::Map: out.push_back(ValType::I32); out.push_back(ValType::I32); return;
      case DefValKind::Record: for (auto& c : n.cases) flatten(*c.second, out, depth + 1); return;
      case DefValKind::Tuple: for (auto& t : n.types) flatten(t, out, depth + 1); return;
      case DefValKind::Flags: case DefValKind::Enum: case DefValKind::Own: case DefValKind::Borrow:
        out.push_back(ValType::I32);
        return;
      case DefValKind::Variant: case DefValKind::Option: case DefValKind::Result: {
        // flatten_variant: the discriminant, then the join of the cases' flattenings
        std::vector<std::optional<VT>> cases;
        if (n.dv == DefValKind::Variant) for (auto& c : n.cases) cases.push_back(c.second);
        else if (n.dv == DefValKind::Option) cases = {std::nullopt, n.elem};
        else cases = {n.elem, n.err};
        out.push_back(ValType::I32);  // discriminant: at most 2^32 cases fit an i32
        std::vector<ValType> joined;
        for (auto& c : cases) {
          if (!c) continue;
          std::vector<ValType> f;
          flatten(*c, f, depth + 1);
          for (size_t i = 0; i < f.size(); ++i) {
            if (i >= joined.size()) joined.push_back(f[i]);
            else if (joined[i] != f[i])
              joined[i] = ((joined[i] == ValType::I32 && f[i] == ValType::F32) ||
                           (joined[i] == ValType::F32 && f[i] == ValType::I32)) ? ValType::I32 : ValType::I64;
          }
        }
        out.insert(out.end(), joined.begin(), joined.end());
        return;
      }
    }
  }

  /// Whether `v` contains a string or list (CanonicalABI.md: canonopt validation).
  bool needs_memory(const std::optional<VT>& v, int depth = 0) {
    if (!v) return false;
    if (v->prim) return v->p == PrimType::String;
    if (depth > 100) return true;
    const TypeNode& n = node(v->id);
    if (n.dv == DefValKind::List || n.dv == DefValKind::Map) return true;
    for (auto& c : n.cases) if (needs_memory(c.second, depth + 1)) return true;
    for (auto& t : n.types) if (needs_memory(t, depth + 1)) return true;
    return needs_memory(n.elem, depth + 1) || needs_memory(n.err, depth + 1);
  }

  std::string sig(const shard::FuncType& f) {
    std::string s = "[";
    for (size_t i = 0; i < f.params.size(); ++i) s += (i ? " " : "") + std::string(to_string(f.params[i]));
    s += "] -> [";
    for (size_t i = 0; i < f.results.size(); ++i) s += (i ? " " : "") + std::string(to_string(f.results[i]));
    return s + "]";
  }

  /// flatten_functype(opts, ft, context) for the synchronous ABI.
  shard::FuncType flatten_functype(const TypeNode& ft, bool lift) {
    shard::FuncType out;
    for (auto& [name, t] : ft.params) flatten(t, out.params);
    if (ft.result) flatten(*ft.result, out.results);
    if (out.params.size() > kMaxFlatParams) out.params = {shard::ValType::I32};
    if (out.results.size() > kMaxFlatResults) {
      if (lift) {
        out.results = {shard::ValType::I32};
      } else {
        out.params.push_back(shard::ValType::I32);
        out.results.clear();
      }
    }
    return out;
  }

  bool check_opts(const CanonOpts& o, bool lift, const TypeNode& ft, const shard::FuncType& flat) {
    Scope& s = cur();
    size_t off = o.offset;
    if (o.duplicate) return fail(off, "canonical option specified more than once");
    if (o.memory && *o.memory >= s.core_memories.size())
      return fail(off, fmt::format("unknown core memory {}: memory index out of bounds", *o.memory));
    using shard::ValType;
    if (o.realloc) {
      if (*o.realloc >= s.core_funcs.size())
        return fail(off, fmt::format("unknown core func {}: function index out of bounds", *o.realloc));
      shard::FuncType want{{ValType::I32, ValType::I32, ValType::I32, ValType::I32}, {ValType::I32}};
      if (!(s.core_funcs[*o.realloc] == want))
        return fail(off, fmt::format("canonical option `realloc` uses a core function with an incorrect signature: "
                                     "expected {}, found {}", sig(want), sig(s.core_funcs[*o.realloc])));
    }
    if (o.post_return) {
      if (!lift) return fail(off, "canonical option `post-return` cannot be specified for lowerings");
      if (*o.post_return >= s.core_funcs.size())
        return fail(off, fmt::format("unknown core func {}: function index out of bounds", *o.post_return));
      shard::FuncType want{flat.results, {}};
      if (!(s.core_funcs[*o.post_return] == want))
        return fail(off, fmt::format("canonical option `post-return` uses a core function with an incorrect "
                                     "signature: expected {}, found {}", sig(want), sig(s.core_funcs[*o.post_return])));
    }
    // CanonicalABI.md: `canon lift` / `canon lower` required options.
    bool params_mem = false, flat_params_over = false;
    for (auto& p : ft.params) params_mem |= needs_memory(p.second);
    std::vector<ValType> fp, fr;
    for (auto& p : ft.params) flatten(p.second, fp);
    if (ft.result) flatten(*ft.result, fr);
    flat_params_over = fp.size() > kMaxFlatParams;
    bool result_mem = needs_memory(ft.result);
    bool need_memory = params_mem || result_mem || flat_params_over || fr.size() > kMaxFlatResults;
    bool need_realloc = lift ? (params_mem || flat_params_over) : result_mem;
    if (need_memory && !o.memory) return fail(off, "canonical option `memory` is required");
    if (need_realloc && !o.realloc) return fail(off, "canonical option `realloc` is required");
    if (o.realloc && !o.memory) return fail(off, "canonical option `memory` is required");
    return true;
  }

  void canon(const Canon& c) {
    Scope& s = cur();
    size_t off = c.offset;
    using shard::ValType;
    switch (c.kind) {
      case Canon::Lift: {
        if (!check_index(Sort::CoreFunc, c.func, off) || !check_index(Sort::Type, c.type, off)) return;
        TypeId ftid = s.types[c.type];
        if (node(ftid).kind != TypeDef::Func) return void(fail(off, fmt::format("type index {} is not a function type", c.type)));
        shard::FuncType flat = flatten_functype(node(ftid), true);
        if (!check_opts(c.opts, true, node(ftid), flat)) return;
        if (!(s.core_funcs[c.func] == flat))
          return void(fail(off, fmt::format("lowered function type `{}` does not match type `{}` of core function {}",
                                            sig(flat), sig(s.core_funcs[c.func]), c.func)));
        s.funcs.push_back(ftid);
        return;
      }
      case Canon::Lower: {
        if (!check_index(Sort::Func, c.func, off)) return;
        TypeId ftid = s.funcs[c.func];
        shard::FuncType flat = flatten_functype(node(ftid), false);
        if (!check_opts(c.opts, false, node(ftid), flat)) return;
        s.core_funcs.push_back(std::move(flat));
        return;
      }
      case Canon::ResourceNew:
      case Canon::ResourceDrop:
      case Canon::ResourceRep: {
        if (!check_index(Sort::Type, c.type, off)) return;
        const TypeNode& r = node(s.types[c.type]);
        if (r.kind != TypeDef::Resource) return void(fail(off, fmt::format("type index {} is not a resource type", c.type)));
        // CanonicalABI.md: resource.new and resource.rep need a locally-defined resource
        if (c.kind != Canon::ResourceDrop && r.owner != s.id)
          return void(fail(off, fmt::format("type index {} is not a local resource", c.type)));
        if (c.kind == Canon::ResourceNew) s.core_funcs.push_back({{r.rep}, {ValType::I32}});
        else if (c.kind == Canon::ResourceDrop) s.core_funcs.push_back({{ValType::I32}, {}});
        else s.core_funcs.push_back({{ValType::I32}, {r.rep}});
        return;
      }
    }
  }

  // 🪙 Binary.md: Start Definitions. Values are not supported, so only a start function
  // without arguments or results can be valid.
  void start(const Start& st, size_t off) {
    if (!check_index(Sort::Func, st.func, off)) return;
    for (uint32_t a : st.args)
      if (!check_index(Sort::Value, a, off)) return;
    const TypeNode& ft = node(cur().funcs[st.func]);
    if (ft.params.size() != st.args.size())
      return void(fail(off, fmt::format("component start function requires {} arguments but was given {}",
                                        ft.params.size(), st.args.size())));
    if ((ft.result ? 1u : 0u) != st.results)
      return void(fail(off, fmt::format("component start function has a result count of {} but the function type has {}",
                                        st.results, ft.result ? 1 : 0)));
    if (st.results) fail(off, "start function results (🪙 values) not supported yet", ErrorKind::Unsupported);
  }

  std::vector<TypeNode> arena_;
  std::unordered_set<TypeId> freshened_;  ///< instance types whose first use took their resources
  ValidatedModules* modules_ = nullptr;
  std::vector<Scope*> stack_;
  uint32_t next_scope_id_ = 0;
  std::optional<Error> err_;
};

}  // namespace

Result<void> validate_component(const Component& c, ValidatedModules* modules) {
  Validator v;
  return v.run(c, nullptr, modules);
}

namespace {

/// Names every type an import or export (or an instance it imports or exports) introduces.
void collect_names(const TopLevel& t, ComponentTypeInfo& info, const std::string& path, const std::string& name,
                   const Entity& e, bool imported, int depth) {
  if (depth > kMaxNesting) return;
  if (e.kind == ExternKind::Type) {
    TypeName n{name, path, imported};
    info.names.try_emplace(e.type, n);
    if (t.arena[e.type].kind == TypeDef::Resource) info.names.try_emplace(resource_identity(t.arena, e.type), n);
  } else if (e.kind == ExternKind::Instance) {
    std::string inner = path.empty() ? name : path + "#" + name;
    for (auto& [n, x] : t.arena[e.type].exports) collect_names(t, info, inner, n, x, imported, depth + 1);
  }
}

}  // namespace

Result<ComponentTypeInfo> component_type_info(const Component& c, ValidatedModules* modules) {
  Validator v;
  TopLevel t;
  auto r = v.run(c, &t, modules);
  if (!r) return std::move(r).error();
  ComponentTypeInfo info;
  for (auto& [name, e] : t.imports) collect_names(t, info, "", name, e, true, 0);
  for (auto& [name, e] : t.exports) collect_names(t, info, "", name, e, false, 0);
  info.types = std::move(t.arena);
  info.imports = std::move(t.imports);
  info.exports = std::move(t.exports);
  return info;
}

Result<Component> load_component(std::vector<uint8_t> bytes) {
  auto c = decode_component(std::move(bytes));
  if (!c) return std::move(c).error();
  auto v = validate_component(*c);
  if (!v) return std::move(v).error();
  return std::move(c).value();
}

}  // namespace shard::component

// Type construction: the arena of index-free TypeNodes, value types, defined types, component
// and instance type declarators, and externtypes (Binary.md: Type Definitions).
#include <fmt/format.h>

#include <algorithm>

#include "component/valid/validator.h"

namespace shard::component::valid {

TypeId Validator::add(TypeNode n) {
  if (arena_.size() >= kMaxTypeNodes) {
    fail(0, "too many types");
    return 0;
  }
  arena_.push_back(std::move(n));
  return static_cast<TypeId>(arena_.size() - 1);
}

TypeId Validator::new_resource() {
  TypeNode n;
  n.kind = TypeDef::Resource;
  n.has_resource = true;
  return add(std::move(n));
}

TypeId Validator::make_alias(TypeId t) {
  TypeNode n = node(t);  // a copy: add() may reallocate the arena
  if (n.kind == TypeDef::Resource) {
    n.alias_of = root(t);
    return add(std::move(n));
  }
  return n.kind == TypeDef::DefVal ? add(std::move(n)) : t;
}

void Validator::finish_flags(TypeNode& n) {
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

std::optional<VT> Validator::valtype(const ValType& v, size_t off) {
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

bool Validator::labels_ok(const std::vector<std::string>& labels, std::string_view what, size_t off) {
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

std::optional<TypeId> Validator::type_def(Validator& v, const TypeDef& t) {
  auto id = v.make_type(t);
  if (id) v.cur().types.push_back(*id);
  return id;
}

std::optional<TypeId> Validator::make_type(const TypeDef& t) {
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

std::optional<TypeId> Validator::decl_type(const TypeDef& t) {
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

std::optional<Entity> Validator::resolve_extern(const ExternType& et, bool is_import) {
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

}  // namespace shard::component::valid

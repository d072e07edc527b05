// Type equality, subtyping and substitution of type imports and abstract resources
// (Explainer.md: Type Checking).
#include <fmt/format.h>

#include <algorithm>

#include "component/valid/validator.h"

namespace shard::component::valid {

TypeId Validator::resolve(TypeId id, const Subst& m) const {
  id = root(id);
  auto it = m.bound.find(id);
  return it == m.bound.end() ? id : it->second;
}

bool Validator::vt_eq(const std::optional<VT>& a, const std::optional<VT>& b, Subst& m, std::string& why) {
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

bool Validator::type_eq(TypeId a, TypeId b, Subst& m, std::string& why, int depth) {
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

const Entity* Validator::find(const std::vector<std::pair<std::string, Entity>>& list, std::string_view name) {
  for (auto& [n, e] : list)
    if (n == name) return &e;
  return nullptr;
}

bool Validator::subtype(const Entity& a, const Entity& b, Subst& m, std::string& why, Bind& bind) {
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

TypeId Validator::substitute(TypeId id, Subst& m, int depth) {
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

TypeId Validator::freshen(TypeId t, std::vector<TypeId>& into) {
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

}  // namespace shard::component::valid

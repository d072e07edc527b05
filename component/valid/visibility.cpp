// Import and export names (Explainer.md: Import and Export Definitions, Name Uniqueness) and
// the external visibility of types (Explainer.md: External Visibility of Types).
#include <fmt/format.h>

#include <algorithm>

#include "component/valid/validator.h"

namespace shard::component::valid {

bool Validator::check_name(const ExternName& n, const Entity& e, bool is_import, NameSet& names,
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

bool Validator::named(TypeId id, const Visibility& v) const {
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

std::vector<TypeId> Validator::instances_in(TypeId id) {
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

bool Validator::visible(const Entity& e, bool is_import) {
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

void Validator::name_types(const Entity& e, std::unordered_set<TypeId>& set) {
  if (e.kind == ExternKind::Type) set.insert(e.type);
  if (e.kind != ExternKind::Instance) return;
  for (TypeId inst : instances_in(e.type))
    for (auto& [name, x] : node(inst).exports)
      if (x.kind == ExternKind::Type) set.insert(x.type);
}

void Validator::record_extern(const ExternName& name, const Entity& e, bool is_import, size_t off) {
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

void Validator::import(const ExternName& name, const ExternType& et) {
  auto e = resolve_extern(et, true);
  if (!e) return;
  record_extern(name, *e, true, name.offset);
  if (ok()) push_entity(*e);
}

void Validator::export_decl(const ExternName& name, const ExternType& et) {
  auto e = resolve_extern(et, false);
  if (!e) return;
  record_extern(name, *e, false, name.offset);
  if (ok()) push_entity(*e);
}

void Validator::export_def(const Export& ex) {
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

}  // namespace shard::component::valid

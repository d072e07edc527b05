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
#include "component/valid/validator.h"

#include "component/typeinfo.h"

namespace shard::component::valid {

Result<void> Validator::run(const Component& c, TopLevel* out, ValidatedModules* modules) {
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

uint32_t Validator::count(const Scope& s, Sort sort) const {
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

std::optional<Entity> Validator::entity_of(SortIdx si, size_t off) {
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

void Validator::push_entity(const Entity& e) {
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

void Validator::component(const Component& c, Scope& s) {
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

TypeId Validator::component_type_of(Scope& s, TypeDef::Kind kind) {
  TypeNode n;
  n.kind = kind;
  n.imports = s.imports;
  n.exports = s.exports;
  n.imported_resources = s.imported_resources;
  n.fresh_on_instantiate = s.generated_resources;
  finish_flags(n);
  return add(std::move(n));
}

void Validator::nested_component(const Component& child) {
  Scope s;
  component(child, s);
  if (!ok()) return;
  cur().components.push_back(component_type_of(s));
}

void Validator::instance(const Instance& in, size_t off) {
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

void Validator::alias(const Alias& a) {
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

}  // namespace shard::component::valid

namespace shard::component {

using valid::TopLevel;
using valid::Validator;
using valid::kMaxNesting;
using detail::Entity;

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

// The WIT resolver, part 2: worlds (WIT.md "WIT Worlds", "Union of Worlds with `include`",
// "Transitive imports and worlds").
#include <algorithm>
#include <functional>
#include <set>

#include <fmt/format.h>

#include "component/wit/resolver.h"

namespace shard::wit {

namespace {

using NameMap = std::map<std::string, ast::Span, std::less<>>;

// The interfaces whose types `iface` brings in with `use`.
std::vector<InterfaceId> interface_deps(const Resolve& r, const std::vector<TypeId>& types, OwnerKind self_kind,
                                        uint32_t self) {
  std::vector<InterfaceId> deps;
  for (TypeId t : types) {
    const TypeDef& d = r.types[t.index];
    if (d.kind != TypeDefKind::Alias || d.elem.is_prim()) continue;
    const TypeDef& target = r.types[d.elem.id.index];
    if (target.owner_kind != OwnerKind::Interface) continue;
    if (self_kind == OwnerKind::Interface && target.owner == self) continue;
    InterfaceId dep{target.owner};
    if (std::find(deps.begin(), deps.end(), dep) == deps.end()) deps.push_back(dep);
  }
  return deps;
}

}  // namespace

bool PackageResolver::order_worlds(std::vector<size_t>& order) {
  std::map<uint32_t, size_t> local;
  for (size_t i = 0; i < local_worlds_.size(); ++i) local[local_worlds_[i].id.index] = i;
  std::vector<std::vector<DepEdge>> edges(local_worlds_.size());
  for (size_t i = 0; i < local_worlds_.size(); ++i) {
    for (const ast::WorldEntry& e : local_worlds_[i].decl->entries) {
      if (e.kind != ast::WorldEntry::Kind::Include || gated_out(e.gate, r_.options)) continue;
      Target t;
      if (!resolve_path(e.path, *local_worlds_[i].scope, t)) return false;
      if (!t.world) return fail(e.path.name.span, fmt::format("`{}` is an interface, not a world", e.path.name.name));
      auto it = local.find(t.index);
      if (it != local.end()) edges[i].push_back({it->second, e.path.span});
    }
  }
  auto failure = topo_order(edges, order, kMaxDepth);
  if (!failure) return true;
  if (failure->too_deep)
    return fail(local_worlds_[failure->nodes.front()].decl->name.span, "worlds include each other too deeply");
  auto name = [&](size_t i) { return local_worlds_[i].decl->name.name; };
  return fail(failure->at, fmt::format("worlds include each other: {}", cycle_text(*failure, name)));
}

bool PackageResolver::resolve_world(WorldId id, const ast::WorldDecl& decl, const ast::Scope& scope) {
  // World-level `use` and type definitions first: functions may name them before they
  // appear (WIT.md "Name resolution").
  NameTable names;
  std::map<const ast::WorldEntry*, std::vector<TypeId>> entry_types;
  std::vector<TypeId> declared;
  for (const ast::WorldEntry& e : decl.entries) {
    if (gated_out(e.gate, r_.options)) continue;
    if (e.kind == ast::WorldEntry::Kind::Use) {
      if (!add_use(e.use, scope, OwnerKind::World, id.index, names, entry_types[&e])) return false;
    } else if (e.kind == ast::WorldEntry::Kind::Type) {
      TypeId t;
      if (!declare_type(e.type, OwnerKind::World, id.index, names, t)) return false;
      entry_types[&e].push_back(t);
      declared.push_back(t);
    }
  }
  for (TypeId t : declared)
    if (!resolve_body(t)) return false;

  // WIT.md "WIT Worlds": imported names share one scope, exported names another.
  World w;
  NameMap import_names, export_names;
  auto take = [&](NameMap& map, const ast::Ident& name, const char* dir) {
    auto [it, fresh] = map.emplace(lower(name.name), name.span);
    if (!fresh)
      return fail(name.span, fmt::format("{} `{}` is already defined (at {}:{})", dir, name.name, it->second.line,
                                         it->second.column));
    return true;
  };
  for (const ast::WorldEntry& e : decl.entries) {
    if (gated_out(e.gate, r_.options)) continue;
    switch (e.kind) {
      case ast::WorldEntry::Kind::Use:
      case ast::WorldEntry::Kind::Type: {
        for (TypeId t : entry_types[&e]) {
          ast::Ident name{r_.types[t.index].name, ast::Span{e.span.file, r_.types[t.index].line, r_.types[t.index].column}};
          if (!take(import_names, name, "import")) return false;
          WorldItem item;
          item.kind = WorldItemKind::Type;
          item.name = name.name;
          item.type = t;
          item.gate = e.gate;
          item.docs = r_.types[t.index].docs;
          w.imports.push_back(std::move(item));
          if (e.kind == ast::WorldEntry::Kind::Type && e.type.kind == ast::TypeDeclKind::Resource) {
            std::vector<Function> fs;
            if (!resolve_resource_functions(t, e.type, names, fs)) return false;
            for (Function& f : fs) {
              WorldItem fi;
              fi.kind = WorldItemKind::Function;
              fi.name = f.component_name(r_);
              fi.gate = f.gate;
              fi.docs = f.docs;
              fi.function = std::move(f);
              w.imports.push_back(std::move(fi));
            }
          }
        }
        break;
      }
      case ast::WorldEntry::Kind::Include: {
        Target t;
        if (!resolve_path(e.path, scope, t)) return false;
        if (!include_world(w, e, WorldId{t.index}, import_names, export_names)) return false;
        break;
      }
      case ast::WorldEntry::Kind::Import:
      case ast::WorldEntry::Kind::Export: {
        bool is_import = e.kind == ast::WorldEntry::Kind::Import;
        std::vector<WorldItem>& list = is_import ? w.imports : w.exports;
        NameMap& map = is_import ? import_names : export_names;
        const char* dir = is_import ? "import" : "export";
        WorldItem item;
        item.docs = e.docs;
        item.gate = e.gate;
        switch (e.ext) {
          case ast::WorldEntry::Extern::Path: {
            item.kind = WorldItemKind::Interface;
            if (!resolve_interface_path(e.path, scope, item.interface)) return false;
            for (const WorldItem& other : list) {
              if (other.kind == WorldItemKind::Interface && other.name.empty() && other.interface == item.interface)
                return fail(e.path.span, fmt::format("interface `{}` is already {}ed", r_.interface_name(item.interface), dir));
            }
            break;
          }
          case ast::WorldEntry::Extern::NamedPath:
            item.kind = WorldItemKind::Interface;
            item.name = e.name.name;
            if (!take(map, e.name, dir) || !resolve_interface_path(e.path, scope, item.interface)) return false;
            break;
          case ast::WorldEntry::Extern::Func:
            item.kind = WorldItemKind::Function;
            item.name = e.name.name;
            if (!take(map, e.name, dir) || !resolve_function(e.func, names, TypeId{}, item.function)) return false;
            break;
          case ast::WorldEntry::Extern::Interface: {
            item.kind = WorldItemKind::Interface;
            item.name = e.name.name;
            if (!take(map, e.name, dir)) return false;
            InterfaceId iid{static_cast<uint32_t>(r_.interfaces.size())};
            Interface iface;
            iface.package = pkg_;
            iface.world = id;
            iface.docs = e.docs;
            iface.gate = e.gate;
            r_.interfaces.push_back(std::move(iface));
            if (!resolve_interface_items(iid, e.inline_iface->items, scope)) return false;
            item.interface = iid;
            break;
          }
        }
        list.push_back(std::move(item));
        break;
      }
    }
  }
  elaborate(w);
  World& out = r_.worlds[id.index];
  out.imports = std::move(w.imports);
  out.exports = std::move(w.exports);
  return true;
}

// WIT.md "Union of Worlds with `include`", "De-duplication of interfaces", "Name Conflicts
// and `with`": interface-named items merge, plain names must not clash (rename with `with`).
bool PackageResolver::include_world(World& into, const ast::WorldEntry& entry, WorldId from, NameMap& import_names,
                                   NameMap& export_names) {
  const World& src = r_.worlds[from.index];
  std::map<std::string, const ast::Ident*, std::less<>> renames;
  for (const auto& [a, b] : entry.with) {
    bool found = false;
    for (const auto* list : {&src.imports, &src.exports})
      for (const WorldItem& item : *list) found = found || (!item.name.empty() && item.name == a.name);
    if (!found)
      return fail(a.span, fmt::format("`{}` is not a plain-named import or export of world `{}` (interface names "
                                      "cannot be renamed)",
                                      a.name, src.name));
    if (!renames.emplace(a.name, &b).second)
      return fail(a.span, fmt::format("`{}` is renamed twice", a.name));
  }
  auto merge = [&](const std::vector<WorldItem>& items, std::vector<WorldItem>& dst, NameMap& names,
                   const char* dir) {
    for (const WorldItem& item : items) {
      if (item.name.empty()) {
        auto same = std::find_if(dst.begin(), dst.end(), [&](const WorldItem& d) {
          return d.name.empty() && d.kind == WorldItemKind::Interface && d.interface == item.interface;
        });
        if (same == dst.end()) dst.push_back(item);
        else if (same->implicit && !item.implicit) same->implicit = false;
        continue;
      }
      auto rn = renames.find(item.name);
      std::string name = rn != renames.end() ? rn->second->name : item.name;
      if (item.kind == WorldItemKind::Type) {
        auto same = std::find_if(dst.begin(), dst.end(), [&](const WorldItem& d) {
          return d.kind == WorldItemKind::Type && d.type == item.type && d.name == name;
        });
        if (same != dst.end()) continue;
      }
      if (!names.emplace(lower(name), entry.path.span).second)
        return fail(rn != renames.end() ? rn->second->span : entry.path.span,
                    fmt::format("{} `{}` of world `{}` conflicts with an {} of the same name; rename it with "
                                "`with {{ {} as ... }}`",
                                dir, name, src.name, dir, item.name));
      WorldItem copy = item;
      copy.name = name;
      dst.push_back(std::move(copy));
    }
    return true;
  };
  return merge(src.imports, into.imports, import_names, "import") &&
         merge(src.exports, into.exports, export_names, "export");
}

// WIT.md "Transitive imports and worlds": an interface used by an import is imported before
// it; one used by an export is imported unless it is exported itself.
void PackageResolver::elaborate(World& world) {
  std::vector<WorldItem> imports;
  std::set<uint32_t> have;
  std::function<void(InterfaceId)> add = [&](InterfaceId id) {
    if (have.count(id.index) != 0) return;
    have.insert(id.index);  // before the deps: `use` between interfaces is acyclic anyway
    for (InterfaceId d : interface_deps(r_, r_.interfaces[id.index].types, OwnerKind::Interface, id.index)) add(d);
    WorldItem item;
    item.kind = WorldItemKind::Interface;
    item.interface = id;
    item.implicit = true;
    imports.push_back(std::move(item));
  };
  for (WorldItem& item : world.imports) {
    if (item.kind == WorldItemKind::Interface) {
      for (InterfaceId d : interface_deps(r_, r_.interfaces[item.interface.index].types, OwnerKind::Interface,
                                          item.interface.index))
        add(d);
      if (item.name.empty()) {
        if (have.count(item.interface.index) != 0) {
          for (WorldItem& prev : imports) {
            if (prev.name.empty() && prev.kind == WorldItemKind::Interface && prev.interface == item.interface &&
                prev.implicit && !item.implicit) {
              prev.implicit = false;
              prev.docs = item.docs;
              prev.gate = item.gate;
            }
          }
          continue;
        }
        have.insert(item.interface.index);
      }
    } else if (item.kind == WorldItemKind::Type) {
      for (InterfaceId d : interface_deps(r_, {item.type}, OwnerKind::World, 0)) add(d);
    }
    imports.push_back(std::move(item));
  }
  std::set<uint32_t> exported;
  for (const WorldItem& item : world.exports)
    if (item.kind == WorldItemKind::Interface && item.name.empty()) exported.insert(item.interface.index);
  for (const WorldItem& item : world.exports) {
    if (item.kind != WorldItemKind::Interface) continue;
    for (InterfaceId d :
         interface_deps(r_, r_.interfaces[item.interface.index].types, OwnerKind::Interface, item.interface.index))
      if (exported.count(d.index) == 0) add(d);
  }
  world.imports = std::move(imports);
}

}  // namespace shard::wit

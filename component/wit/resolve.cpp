// The WIT resolver, part 1: package names, `use` paths, interfaces and types (WIT.md "WIT
// Packages and `use`", "Items: type", "Name resolution").
#include <algorithm>
#include <functional>

#include <fmt/format.h>

#include "component/wit/lexer.h"
#include "component/wit/resolver.h"

namespace shard::wit {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

bool gated_out(const Gate& gate, const ResolveOptions& options) {
  if (gate.unstable.empty() || options.all_features) return false;
  return std::find(options.features.begin(), options.features.end(), gate.unstable) == options.features.end();
}

bool PackageResolver::fail(const ast::Span& at, std::string msg, ErrorKind kind) {
  if (!error_) error_ = wit_error(kind, at.file < paths_.size() ? paths_[at.file] : "<wit>", at.line, at.column, msg);
  return false;
}

Result<PackageId> PackageResolver::run() {
  pkg_ = PackageId{static_cast<uint32_t>(r_.packages.size())};
  Package pkg;
  pkg.name = src_.decl->name;
  pkg.docs = src_.decl->docs;
  for (uint32_t f : src_.files) pkg.files.push_back(paths_[f]);
  r_.packages.push_back(std::move(pkg));

  std::vector<size_t> order;
  if (!declare_items() || !order_interfaces(order)) return std::move(*error_);
  iface_done_.assign(local_ifaces_.size(), false);
  for (size_t i : order) {
    const LocalInterface& li = local_ifaces_[i];
    if (!resolve_interface(li.id, *li.decl, *li.scope)) return std::move(*error_);
    iface_done_[i] = true;
  }
  order.clear();
  if (!order_worlds(order)) return std::move(*error_);
  world_done_.assign(local_worlds_.size(), false);
  for (size_t i : order) {
    const LocalWorld& lw = local_worlds_[i];
    if (!resolve_world(lw.id, *lw.decl, *lw.scope)) return std::move(*error_);
    world_done_[i] = true;
  }
  return pkg_;
}

// WIT.md "WIT Interfaces"/"WIT Worlds": interfaces and worlds of a package share one
// namespace, case-insensitively, across all its files.
bool PackageResolver::declare_items() {
  std::map<std::string, ast::Span, std::less<>> taken;
  auto declare = [&](const ast::Ident& name, const char* what) {
    auto [it, fresh] = taken.emplace(lower(name.name), name.span);
    if (!fresh)
      return fail(name.span, fmt::format("{} `{}` is already defined (at {}:{}:{})", what, name.name,
                                         paths_[it->second.file], it->second.line, it->second.column));
    return true;
  };
  for (const ast::Scope* scope : src_.scopes) {
    for (const ast::InterfaceDecl& decl : scope->interfaces) {
      if (gated_out(decl.gate, r_.options)) continue;
      if (!declare(decl.name, "interface")) return false;
      InterfaceId id{static_cast<uint32_t>(r_.interfaces.size())};
      Interface iface;
      iface.name = decl.name.name;
      iface.package = pkg_;
      iface.docs = decl.docs;
      iface.gate = decl.gate;
      r_.interfaces.push_back(std::move(iface));
      r_.packages[pkg_.index].interfaces.push_back(id);
      package_names_[decl.name.name] = Target{false, id.index};
      local_ifaces_.push_back({id, &decl, scope});
    }
    for (const ast::WorldDecl& decl : scope->worlds) {
      if (gated_out(decl.gate, r_.options)) continue;
      if (!declare(decl.name, "world")) return false;
      WorldId id{static_cast<uint32_t>(r_.worlds.size())};
      World world;
      world.name = decl.name.name;
      world.package = pkg_;
      world.docs = decl.docs;
      world.gate = decl.gate;
      r_.worlds.push_back(std::move(world));
      r_.packages[pkg_.index].worlds.push_back(id);
      package_names_[decl.name.name] = Target{true, id.index};
      local_worlds_.push_back({id, &decl, scope});
    }
  }
  // WIT.md "Top-level `use`": names for interfaces, scoped to the file (or nested block).
  for (const ast::Scope* scope : src_.scopes) {
    auto& uses = scope_uses_[scope];
    std::map<std::string, ast::Span, std::less<>> scope_taken;
    for (const ast::TopUse& u : scope->uses) {
      if (gated_out(u.gate, r_.options)) continue;
      InterfaceId target;
      if (!resolve_interface_path(u.path, *scope, target)) return false;
      std::string key = lower(u.as.name);
      if (taken.count(key) != 0 || !scope_taken.emplace(key, u.as.span).second)
        return fail(u.as.span, fmt::format("`{}` is already defined in this file", u.as.name));
      uses[u.as.name] = target;
    }
  }
  return true;
}

// A use-path (WIT.md "Item: toplevel-use"): a bare id names something in scope (a top-level
// `use` of this file, or an interface or world of the package); `ns:pkg/name@v` names an
// item of a loaded package.
bool PackageResolver::resolve_path(const ast::UsePath& path, const ast::Scope& scope, Target& out) {
  const Package& self = r_.packages[pkg_.index];
  if (path.package && !(path.package->ns == self.name.ns && path.package->name == self.name.name &&
                        (path.package->version.empty() || path.package->version == self.name.version))) {
    const PackageName& want = *path.package;
    std::vector<PackageId> found;
    for (uint32_t i = 0; i < r_.packages.size(); ++i) {
      const PackageName& n = r_.packages[i].name;
      if (i != pkg_.index && n.ns == want.ns && n.name == want.name &&
          (want.version.empty() || n.version == want.version))
        found.push_back(PackageId{i});
    }
    if (found.empty())
      return fail(path.span, fmt::format("package `{}` not found (load it, e.g. from a deps/ folder)", want.to_string()));
    if (found.size() > 1)
      return fail(path.span, fmt::format("several versions of package `{}` are loaded; write the version",
                                         want.to_string()));
    const Package& pkg = r_.packages[found[0].index];
    for (InterfaceId i : pkg.interfaces) {
      if (r_.interfaces[i.index].name == path.name.name) {
        out = Target{false, i.index};
        return true;
      }
    }
    for (WorldId w : pkg.worlds) {
      if (r_.worlds[w.index].name == path.name.name) {
        out = Target{true, w.index};
        return true;
      }
    }
    return fail(path.name.span, fmt::format("package `{}` has no interface or world `{}`", pkg.name.to_string(),
                                            path.name.name));
  }
  if (!path.package) {
    auto su = scope_uses_.find(&scope);
    if (su != scope_uses_.end()) {
      auto it = su->second.find(path.name.name);
      if (it != su->second.end()) {
        out = Target{false, it->second.index};
        return true;
      }
    }
  }
  auto it = package_names_.find(path.name.name);
  if (it == package_names_.end())
    return fail(path.name.span, fmt::format("interface or world `{}` is not defined in package `{}`", path.name.name,
                                            self.name.to_string()));
  out = it->second;
  return true;
}

bool PackageResolver::resolve_interface_path(const ast::UsePath& path, const ast::Scope& scope, InterfaceId& out) {
  Target t;
  if (!resolve_path(path, scope, t)) return false;
  if (t.world) return fail(path.name.span, fmt::format("`{}` is a world, not an interface", path.name.name));
  out = InterfaceId{t.index};
  return true;
}

std::optional<DepFailure> topo_order(const std::vector<std::vector<DepEdge>>& edges, std::vector<size_t>& order,
                                     size_t max_depth, const std::vector<bool>* skip) {
  enum : uint8_t { kNew, kOnStack, kDone };
  std::vector<uint8_t> state(edges.size(), kNew);
  std::vector<size_t> stack;
  std::optional<DepFailure> failure;
  std::function<bool(size_t)> visit = [&](size_t i) -> bool {
    if (stack.size() >= max_depth) {
      failure = DepFailure{{}, {i}, true};
      return false;
    }
    state[i] = kOnStack;
    stack.push_back(i);
    for (const DepEdge& e : edges[i]) {
      if (state[e.to] == kOnStack) {
        failure = DepFailure{e.at, std::vector<size_t>(std::find(stack.begin(), stack.end(), e.to), stack.end()), false};
        return false;
      }
      if (state[e.to] == kNew && !visit(e.to)) return false;
    }
    stack.pop_back();
    state[i] = kDone;
    order.push_back(i);
    return true;
  };
  for (size_t i = 0; i < edges.size(); ++i)
    if (!(skip && (*skip)[i]) && state[i] == kNew && !visit(i)) return failure;
  return std::nullopt;
}

// WIT.md "Interfaces, worlds, and `use`": interfaces linked with `use` must be acyclic;
// they are resolved in a topological order so used types exist first.
bool PackageResolver::order_interfaces(std::vector<size_t>& order) {
  std::map<uint32_t, size_t> local;
  for (size_t i = 0; i < local_ifaces_.size(); ++i) local[local_ifaces_[i].id.index] = i;
  std::vector<std::vector<DepEdge>> edges(local_ifaces_.size());
  for (size_t i = 0; i < local_ifaces_.size(); ++i) {
    for (const ast::InterfaceItem& item : local_ifaces_[i].decl->items) {
      if (item.kind != ast::InterfaceItem::Kind::Use || gated_out(item.use.gate, r_.options)) continue;
      InterfaceId target;
      if (!resolve_interface_path(item.use.path, *local_ifaces_[i].scope, target)) return false;
      auto it = local.find(target.index);
      if (it != local.end()) edges[i].push_back({it->second, item.use.path.span});
    }
  }
  auto failure = topo_order(edges, order, kMaxDepth);
  if (!failure) return true;
  if (failure->too_deep)
    return fail(local_ifaces_[failure->nodes.front()].decl->name.span, "interfaces use each other too deeply");
  auto name = [&](size_t i) { return local_ifaces_[i].decl->name.name; };
  return fail(failure->at, fmt::format("interfaces depend on each other through `use`: {}", cycle_text(*failure, name)));
}

bool PackageResolver::resolve_interface(InterfaceId id, const ast::InterfaceDecl& decl, const ast::Scope& scope) {
  return resolve_interface_items(id, decl.items, scope);
}

// WIT.md "WIT Interfaces": one namespace for the types and functions of an interface.
bool PackageResolver::resolve_interface_items(InterfaceId id, const std::vector<ast::InterfaceItem>& items,
                                              const ast::Scope& scope) {
  NameTable names;
  std::vector<TypeId> declared;
  for (const ast::InterfaceItem& item : items) {
    switch (item.kind) {
      case ast::InterfaceItem::Kind::Use: {
        if (gated_out(item.use.gate, r_.options)) break;
        std::vector<TypeId> created;
        if (!add_use(item.use, scope, OwnerKind::Interface, id.index, names, created)) return false;
        for (TypeId t : created) r_.interfaces[id.index].types.push_back(t);
        break;
      }
      case ast::InterfaceItem::Kind::Type: {
        if (gated_out(item.type.gate, r_.options)) break;
        TypeId t;
        if (!declare_type(item.type, OwnerKind::Interface, id.index, names, t)) return false;
        r_.interfaces[id.index].types.push_back(t);
        declared.push_back(t);
        break;
      }
      case ast::InterfaceItem::Kind::Func:
        if (gated_out(item.func.gate, r_.options)) break;
        if (!take_name(names, item.func.name, "function")) return false;
        break;
    }
  }
  for (TypeId t : declared)
    if (!resolve_body(t)) return false;
  // Functions: those of each resource in the order the resources are defined, then the
  // freestanding ones in definition order (the order the printer writes them back in).
  size_t next_type = 0;
  for (const ast::InterfaceItem& item : items) {
    if (item.kind != ast::InterfaceItem::Kind::Type || gated_out(item.type.gate, r_.options)) continue;
    TypeId t = declared[next_type++];
    if (item.type.kind != ast::TypeDeclKind::Resource) continue;
    std::vector<Function> fs;
    if (!resolve_resource_functions(t, item.type, names, fs)) return false;
    for (Function& f : fs) r_.interfaces[id.index].functions.push_back(std::move(f));
  }
  for (const ast::InterfaceItem& item : items) {
    if (item.kind != ast::InterfaceItem::Kind::Func || gated_out(item.func.gate, r_.options)) continue;
    Function f;
    if (!resolve_function(item.func, names, TypeId{}, f)) return false;
    r_.interfaces[id.index].functions.push_back(std::move(f));
  }
  return true;
}

bool PackageResolver::take_name(NameTable& names, const ast::Ident& name, std::string_view what) {
  auto [it, fresh] = names.taken.emplace(lower(name.name), name.span);
  if (!fresh)
    return fail(name.span, fmt::format("{} `{}` is already defined (at {}:{})", what, name.name, it->second.line,
                                       it->second.column));
  return true;
}

// WIT.md "Item: use": each name becomes a type of the using interface (or world) that
// refers to the definition in the used interface ("Transitive imports and worlds").
bool PackageResolver::add_use(const ast::Use& use, const ast::Scope& scope, OwnerKind owner_kind, uint32_t owner,
                              NameTable& names, std::vector<TypeId>& created) {
  InterfaceId target;
  if (!resolve_interface_path(use.path, scope, target)) return false;
  for (const ast::UseName& n : use.names) {
    TypeId t = r_.interfaces[target.index].find_type(n.name.name, r_);
    if (!t.valid())
      return fail(n.name.span, fmt::format("type `{}` is not defined in interface `{}`", n.name.name,
                                           r_.interface_name(target)));
    const ast::Ident& name = n.as ? *n.as : n.name;
    if (!take_name(names, name, "type")) return false;
    TypeDef d;
    d.name = name.name;
    d.kind = TypeDefKind::Alias;
    d.elem = Type::ref(t);
    d.owner_kind = owner_kind;
    d.owner = owner;
    d.docs = n.docs;
    d.gate = use.gate;
    d.line = name.span.line;
    d.column = name.span.column;
    TypeId id{static_cast<uint32_t>(r_.types.size())};
    r_.types.push_back(std::move(d));
    names.types[name.name] = id;
    created.push_back(id);
  }
  return true;
}

bool PackageResolver::declare_type(const ast::TypeDecl& decl, OwnerKind owner_kind, uint32_t owner, NameTable& names,
                                   TypeId& out) {
  if (!take_name(names, decl.name, "type")) return false;
  TypeDef d;
  d.name = decl.name.name;
  switch (decl.kind) {
    case ast::TypeDeclKind::Alias: d.kind = TypeDefKind::Alias; break;
    case ast::TypeDeclKind::Record: d.kind = TypeDefKind::Record; break;
    case ast::TypeDeclKind::Variant: d.kind = TypeDefKind::Variant; break;
    case ast::TypeDeclKind::Enum: d.kind = TypeDefKind::Enum; break;
    case ast::TypeDeclKind::Flags: d.kind = TypeDefKind::Flags; break;
    case ast::TypeDeclKind::Resource: d.kind = TypeDefKind::Resource; break;
  }
  d.owner_kind = owner_kind;
  d.owner = owner;
  d.docs = decl.docs;
  d.gate = decl.gate;
  d.line = decl.name.span.line;
  d.column = decl.name.span.column;
  out = TypeId{static_cast<uint32_t>(r_.types.size())};
  r_.types.push_back(std::move(d));
  names.types[decl.name.name] = out;
  pending_[out.index] = Pending{&decl, &names, false};
  return true;
}

// Resolves a named type's body once; references to a type still being resolved are the
// recursion WIT.md "Name resolution" forbids.
bool PackageResolver::resolve_body(TypeId id) {
  auto it = pending_.find(id.index);
  if (it == pending_.end()) return true;
  // Chains of definitions are resolved recursively; bound the depth on hostile input.
  if (body_depth_ >= kMaxDepth)
    return fail(it->second.decl->name.span, "type definitions refer to each other too deeply");
  struct DepthGuard {
    size_t& d;
    explicit DepthGuard(size_t& x) : d(++x) {}
    ~DepthGuard() { --d; }
  } guard(body_depth_);
  it->second.in_progress = true;
  const ast::TypeDecl& decl = *it->second.decl;
  const NameTable& names = *it->second.names;
  std::map<std::string, ast::Span, std::less<>> seen;
  auto unique = [&](const ast::Ident& n, const char* what) {
    auto [at, fresh] = seen.emplace(lower(n.name), n.span);
    if (!fresh)
      return fail(n.span, fmt::format("{} `{}` is already defined in `{}` (at {}:{})", what, n.name, decl.name.name,
                                      at->second.line, at->second.column));
    return true;
  };
  switch (decl.kind) {
    case ast::TypeDeclKind::Alias: {
      Type t;
      if (!resolve_type(decl.alias, names, true, t)) return false;
      r_.types[id.index].elem = t;
      break;
    }
    case ast::TypeDeclKind::Record: {
      std::vector<Field> fields;
      for (const ast::Case& c : decl.cases) {
        Field f;
        if (!unique(c.name, "field") || !resolve_type(*c.type, names, false, f.type)) return false;
        f.name = c.name.name;
        f.docs = c.docs;
        fields.push_back(std::move(f));
      }
      r_.types[id.index].fields = std::move(fields);
      break;
    }
    case ast::TypeDeclKind::Variant:
    case ast::TypeDeclKind::Enum:
    case ast::TypeDeclKind::Flags: {
      const char* what = decl.kind == ast::TypeDeclKind::Flags ? "flag" : "case";
      std::vector<Case> cases;
      for (const ast::Case& c : decl.cases) {
        Case out;
        if (!unique(c.name, what)) return false;
        if (c.type) {
          out.type.emplace();
          if (!resolve_type(*c.type, names, false, *out.type)) return false;
        }
        out.name = c.name.name;
        out.docs = c.docs;
        cases.push_back(std::move(out));
      }
      r_.types[id.index].cases = std::move(cases);
      break;
    }
    case ast::TypeDeclKind::Resource: break;
  }
  pending_.erase(id.index);
  return true;
}

TypeId PackageResolver::intern(TypeDef def) {
  auto key_of = [](const Type& t) {
    return t.is_prim() ? fmt::format("p{}", static_cast<int>(t.kind)) : fmt::format("#{}", t.id.index);
  };
  std::string key = fmt::format("{}:", static_cast<int>(def.kind));
  switch (def.kind) {
    case TypeDefKind::List: key += fmt::format("{}:{}", key_of(def.elem), def.list_length); break;
    case TypeDefKind::Option: key += key_of(def.elem); break;
    case TypeDefKind::Result:
      key += (def.ok ? key_of(*def.ok) : "_") + "," + (def.err ? key_of(*def.err) : "_");
      break;
    case TypeDefKind::Tuple:
      for (const Type& t : def.elems) key += key_of(t) + ",";
      break;
    case TypeDefKind::Own:
    case TypeDefKind::Borrow: key += fmt::format("{}", def.resource.index); break;
    default: break;
  }
  auto it = r_.anonymous.find(key);
  if (it != r_.anonymous.end()) return it->second;
  TypeId id{static_cast<uint32_t>(r_.types.size())};
  r_.types.push_back(std::move(def));
  r_.anonymous.emplace(std::move(key), id);
  return id;
}

// WIT.md "Types" and "Handles". A bare resource name used as a value type is an owned
// handle; as the target of `type x = r;` it is an alias of the resource itself.
bool PackageResolver::resolve_type(const ast::Type& t, const NameTable& names, bool alias_target, Type& out) {
  auto lookup = [&](const ast::Ident& name, TypeId& id) {
    auto it = names.types.find(name.name);
    if (it == names.types.end()) {
      if (names.taken.count(lower(name.name)) != 0)
        return fail(name.span, fmt::format("`{}` is not a type", name.name));
      return fail(name.span, fmt::format("unknown type `{}`", name.name));
    }
    id = it->second;
    auto p = pending_.find(id.index);
    if (p != pending_.end()) {
      if (p->second.in_progress)
        return fail(name.span, fmt::format("type `{}` refers to itself (types cannot be recursive)", name.name));
      if (!resolve_body(id)) return false;
    }
    return true;
  };
  TypeDef anon;
  switch (t.kind) {
    case ast::TypeKind::Prim: out = Type::prim(t.prim); return true;
    case ast::TypeKind::Named: {
      TypeId id;
      if (!lookup(t.name, id)) return false;
      if (!alias_target && r_.types[r_.unalias(id).index].kind == TypeDefKind::Resource) {
        anon.kind = TypeDefKind::Own;
        anon.resource = id;
        out = Type::ref(intern(std::move(anon)));
      } else {
        out = Type::ref(id);
      }
      return true;
    }
    case ast::TypeKind::Own:
    case ast::TypeKind::Borrow: {
      TypeId id;
      if (!lookup(t.name, id)) return false;
      if (r_.types[r_.unalias(id).index].kind != TypeDefKind::Resource)
        return fail(t.name.span, fmt::format("`{}` is not a resource type", t.name.name));
      anon.kind = t.kind == ast::TypeKind::Own ? TypeDefKind::Own : TypeDefKind::Borrow;
      anon.resource = id;
      break;
    }
    case ast::TypeKind::List:
    case ast::TypeKind::Option:
      if (!resolve_type(t.args[0], names, false, anon.elem)) return false;
      anon.kind = t.kind == ast::TypeKind::List ? TypeDefKind::List : TypeDefKind::Option;
      anon.list_length = t.list_length;
      break;
    case ast::TypeKind::Tuple:
      anon.kind = TypeDefKind::Tuple;
      for (const ast::Type& a : t.args) {
        Type e;
        if (!resolve_type(a, names, false, e)) return false;
        anon.elems.push_back(e);
      }
      break;
    case ast::TypeKind::Result: {
      anon.kind = TypeDefKind::Result;
      size_t next = 0;
      if (t.has_ok) {
        anon.ok.emplace();
        if (!resolve_type(t.args[next++], names, false, *anon.ok)) return false;
      }
      if (t.has_err) {
        anon.err.emplace();
        if (!resolve_type(t.args[next], names, false, *anon.err)) return false;
      }
      break;
    }
  }
  out = Type::ref(intern(std::move(anon)));
  return true;
}

// WIT.md "WIT Functions" and "Item: resource" (the desugaring of methods and constructors).
bool PackageResolver::resolve_function(const ast::Func& f, const NameTable& names, TypeId resource, Function& out) {
  out.name = f.name.name;
  out.docs = f.docs;
  out.gate = f.gate;
  out.resource = resource;
  switch (f.kind) {
    case ast::FuncKind::Freestanding: out.kind = FunctionKind::Freestanding; break;
    case ast::FuncKind::Constructor: out.kind = FunctionKind::Constructor; break;
    case ast::FuncKind::Method: out.kind = FunctionKind::Method; break;
    case ast::FuncKind::Static: out.kind = FunctionKind::Static; break;
  }
  if (out.kind == FunctionKind::Constructor) out.name = r_.types[resource.index].name;
  std::map<std::string, ast::Span, std::less<>> seen;
  if (out.kind == FunctionKind::Method) {
    TypeDef self;
    self.kind = TypeDefKind::Borrow;
    self.resource = resource;
    out.params.push_back(Param{"self", Type::ref(intern(std::move(self)))});
    seen.emplace("self", f.name.span);
  }
  for (const ast::NamedType& p : f.params) {
    if (!seen.emplace(lower(p.name.name), p.name.span).second)
      return fail(p.name.span, fmt::format("parameter `{}` is already defined", p.name.name));
    Param param;
    param.name = p.name.name;
    if (!resolve_type(p.type, names, false, param.type)) return false;
    out.params.push_back(std::move(param));
  }
  if (f.result) {
    Type t;
    if (!resolve_type(*f.result, names, false, t)) return false;
    out.result = t;
  }
  if (out.kind == FunctionKind::Constructor) {
    TypeDef own;
    own.kind = TypeDefKind::Own;
    own.resource = resource;
    Type self = Type::ref(intern(std::move(own)));
    if (!out.result) {
      out.result = self;
    } else {
      // A fallible constructor returns result<r, ...> (WIT.md "Item: resource").
      const Type& res = *out.result;
      bool ok = false;
      if (!res.is_prim() && r_.types[res.id.index].kind == TypeDefKind::Result && r_.types[res.id.index].ok) {
        Type okt = *r_.types[res.id.index].ok;
        ok = !okt.is_prim() && r_.types[okt.id.index].kind == TypeDefKind::Own &&
             r_.unalias(r_.types[okt.id.index].resource) == resource;
      }
      if (!ok)
        return fail(f.result->span, fmt::format("a constructor of `{}` must return `{}` or `result<{}, ...>`",
                                                out.name, out.name, out.name));
    }
  }
  return true;
}

bool PackageResolver::resolve_resource_functions(TypeId id, const ast::TypeDecl& decl, const NameTable& names,
                                                 std::vector<Function>& out) {
  NameTable own_names;  // method names are scoped to the resource
  bool have_ctor = false;
  for (const ast::Func& m : decl.methods) {
    if (gated_out(m.gate, r_.options)) continue;
    if (m.kind == ast::FuncKind::Constructor) {
      if (have_ctor) return fail(m.name.span, fmt::format("resource `{}` has more than one constructor", decl.name.name));
      have_ctor = true;
    } else if (!take_name(own_names, m.name, "function")) {
      return false;
    }
    Function f;
    if (!resolve_function(m, names, id, f)) return false;
    out.push_back(std::move(f));
  }
  return true;
}

}  // namespace shard::wit

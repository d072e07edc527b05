// Internal to the WIT resolver: turns the syntax trees of one package (all its files, or one
// nested `package ... { }` block) into Resolve entries. resolve.cpp does interfaces and
// types, world.cpp worlds, loader.cpp finds the files and orders packages.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "component/wit/ast.h"
#include "component/wit/wit.h"

namespace shard::wit {

/// The sources of one package: the scopes that make it up and the files they came from.
struct PackageSources {
  std::optional<ast::PackageDecl> decl;
  std::vector<const ast::Scope*> scopes;
  std::vector<uint32_t> files;  ///< file indices, for Package::files
};

/// A name a use-path resolves to.
struct Target {
  bool world = false;
  uint32_t index = UINT32_MAX;  ///< InterfaceId or WorldId
};

std::string lower(std::string_view s);

/// A dependency between nodes of one kind (packages, interfaces via `use`, worlds via
/// `include`): on node `to`, written at `at`.
struct DepEdge {
  size_t to;
  ast::Span at;
};
/// Why topo_order stopped: a cycle (`nodes`, from the first node on it to the last, closed
/// by the edge at `at`), or a chain deeper than the bound (`too_deep`, `nodes` = {its node}).
struct DepFailure {
  ast::Span at;
  std::vector<size_t> nodes;
  bool too_deep = false;
};
/// Depth-first order of nodes 0..edges.size()-1 with dependencies first, leaving out nodes
/// with `skip[i]` set (if given). `order` is filled as far as it got.
std::optional<DepFailure> topo_order(const std::vector<std::vector<DepEdge>>& edges, std::vector<size_t>& order,
                                     size_t max_depth, const std::vector<bool>* skip = nullptr);
/// "a -> b -> a" for a cycle, naming nodes with `name(i)`.
template <class Name>
std::string cycle_text(const DepFailure& f, Name&& name) {
  std::string s;
  for (size_t n : f.nodes) s += name(n) + " -> ";
  return s + name(f.nodes.front());
}
/// True when an item with this gate is skipped under the options (WIT.md "Feature Gates").
bool gated_out(const Gate& gate, const ResolveOptions& options);

class PackageResolver {
 public:
  /// Bound on recursion (chains of type definitions, of `use` between interfaces, of
  /// includes), so hostile input fails with an error rather than exhausting the stack.
  static constexpr size_t kMaxDepth = 1000;

  PackageResolver(Resolve& r, const std::vector<std::string>& paths, const PackageSources& src)
      : r_(r), paths_(paths), src_(src) {}

  /// Adds the package and everything in it to the Resolve.
  Result<PackageId> run();

 private:
  // Names a type or function occupies in one interface or world.
  struct NameTable {
    std::map<std::string, TypeId, std::less<>> types;  ///< exact name -> type
    std::map<std::string, ast::Span, std::less<>> taken;  ///< lower-cased name -> first definition
  };
  // A named type whose body is not resolved yet, for lazy (ordered) resolution.
  struct Pending {
    const ast::TypeDecl* decl = nullptr;
    const NameTable* names = nullptr;  ///< the names in scope of its interface or world
    bool in_progress = false;
  };

  // resolve.cpp
  bool declare_items();
  bool resolve_path(const ast::UsePath& path, const ast::Scope& scope, Target& out);
  bool resolve_interface_path(const ast::UsePath& path, const ast::Scope& scope, InterfaceId& out);
  bool order_interfaces(std::vector<size_t>& order);
  bool resolve_interface(InterfaceId id, const ast::InterfaceDecl& decl, const ast::Scope& scope);
  bool resolve_interface_items(InterfaceId id, const std::vector<ast::InterfaceItem>& items,
                               const ast::Scope& scope);
  bool take_name(NameTable& names, const ast::Ident& name, std::string_view what);
  bool add_use(const ast::Use& use, const ast::Scope& scope, OwnerKind owner_kind, uint32_t owner, NameTable& names,
               std::vector<TypeId>& created);
  bool declare_type(const ast::TypeDecl& decl, OwnerKind owner_kind, uint32_t owner, NameTable& names,
                    TypeId& out);
  bool resolve_body(TypeId id);
  bool resolve_type(const ast::Type& t, const NameTable& names, bool alias_target, Type& out);
  bool resolve_function(const ast::Func& f, const NameTable& names, TypeId resource, Function& out);
  bool resolve_resource_functions(TypeId id, const ast::TypeDecl& decl, const NameTable& names,
                                  std::vector<Function>& out);
  TypeId intern(TypeDef def);

  // world.cpp
  bool order_worlds(std::vector<size_t>& order);
  bool resolve_world(WorldId id, const ast::WorldDecl& decl, const ast::Scope& scope);
  bool include_world(World& into, const ast::WorldEntry& entry, WorldId from,
                     std::map<std::string, ast::Span, std::less<>>& import_names,
                     std::map<std::string, ast::Span, std::less<>>& export_names);
  void elaborate(World& world);

  bool fail(const ast::Span& at, std::string msg, ErrorKind kind = ErrorKind::Invalid);

  Resolve& r_;
  const std::vector<std::string>& paths_;
  const PackageSources& src_;
  PackageId pkg_;
  std::optional<Error> error_;

  // Every interface/world of this package, with its syntax and scope.
  struct LocalInterface {
    InterfaceId id;
    const ast::InterfaceDecl* decl;
    const ast::Scope* scope;
  };
  struct LocalWorld {
    WorldId id;
    const ast::WorldDecl* decl;
    const ast::Scope* scope;
  };
  std::vector<LocalInterface> local_ifaces_;
  std::vector<LocalWorld> local_worlds_;
  std::map<std::string, Target, std::less<>> package_names_;  ///< interface and world names
  std::map<const ast::Scope*, std::map<std::string, InterfaceId, std::less<>>> scope_uses_;
  std::map<uint32_t, Pending> pending_;  ///< TypeId index -> unresolved named type
  std::vector<bool> iface_done_;         ///< per local interface: resolved
  std::vector<bool> world_done_;
  size_t body_depth_ = 0;
};

}  // namespace shard::wit

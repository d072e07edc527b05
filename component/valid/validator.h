// Component validation (component/valid/): the Validator's state and the steps it takes over a
// component, shared by the files that implement them by responsibility:
//   validator.cpp   the walk over a component's definitions, index spaces, instances, aliases, start
//   core.cpp        core modules, core instances and core types
//   types.cpp       type construction: the type arena, value/defined/declarator types, externtypes
//   visibility.cpp  import/export names and the external visibility of types
//   subtype.cpp     type equality, subtyping and substitution (Explainer.md: Type Checking)
//   canon.cpp       canonical definitions (CanonicalABI.md: Canonical Definitions)
#pragma once

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <unordered_set>

#include "component/abi/types.h"
#include "component/component.h"
#include "component/valid/names.h"
#include "component/typeinfo.h"
#include "component/types.h"
#include "valid/validator.h"

namespace shard::component::valid {

using namespace detail;

/// Value types nested deeper than this are treated as flattening beyond MAX_FLAT_PARAMS.
inline constexpr int kMaxAbiNesting = 100;
inline constexpr size_t kMaxTypeNodes = 1'000'000;  // hostile type explosion guard
inline constexpr int kMaxNesting = 1000;            // recursion bound for walks over type trees

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
  Result<void> run(const Component& c, TopLevel* out = nullptr, ValidatedModules* modules = nullptr);

 private:
  // ---- errors ---------------------------------------------------------------------------
  bool fail(size_t off, std::string msg, ErrorKind k = ErrorKind::Invalid) {
    if (!err_) err_ = Error(k, std::move(msg), off);
    return false;
  }
  bool ok() const { return !err_; }

  // ---- the type arena -------------------------------------------------------------------
  TypeId add(TypeNode n);
  const TypeNode& node(TypeId id) const { return arena_[id]; }
  TypeId root(TypeId id) const { return resource_identity(arena_, id); }

  /// A fresh abstract resource (Explainer.md: Type Checking — `(sub resource)` imports and
  /// exports, and each instantiation's copy of a component's own resources).
  TypeId new_resource();

  /// A new type index for an existing type: Binary.md's `(eq i)` bound ("effectively an alias
  /// to type i") and "all exports introduce a new index that aliases the exported definition".
  /// It denotes the same type (a resource keeps its identity, a value type is structurally
  /// equal) but is a name of its own: external visibility and `[method]`-style annotations go
  /// by this node (Explainer.md: External Visibility of Types — "only the *new* typeidx
  /// introduced by the export" is named). Function, component and instance types need no name.
  TypeId make_alias(TypeId t);
  bool vt_has_resource(const VT& v) const { return !v.prim && node(v.id).has_resource; }
  bool vt_has_borrow(const VT& v) const { return !v.prim && node(v.id).has_borrow; }
  void finish_flags(TypeNode& n);

  // ---- scopes and index spaces ----------------------------------------------------------
  Scope& cur() { return *stack_.back(); }

  uint32_t count(const Scope& s, Sort sort) const;
  bool check_index(Sort sort, uint32_t idx, size_t off) {
    if (idx < count(cur(), sort)) return true;
    return fail(off, fmt::format("unknown {} {}: {} index out of bounds", to_string(sort), idx, to_string(sort)));
  }

  /// The entity a component-level sortidx denotes (for exports, instantiate args).
  std::optional<Entity> entity_of(SortIdx si, size_t off);

  void push_entity(const Entity& e);

  // ---- components (Binary.md: Component Definitions) -------------------------------------
  void component(const Component& c, Scope& s);

  /// The componenttype of a validated component definition (or the component/instance type a
  /// declarator scope describes): its imports and exports, with the resources it defines made
  /// fresh per instantiation (Explainer.md: Type Checking).
  TypeId component_type_of(Scope& s, TypeDef::Kind kind = TypeDef::Component);

  void nested_component(const Component& child);

  void core_module(const Component& c, const CoreModule& m);

  // ---- core instances (Binary.md: Instance Definitions) ----------------------------------
  static const char* kind_name(shard::ExternKind k) {
    static constexpr const char* kNames[] = {"func", "table", "memory", "global", "tag"};
    return kNames[static_cast<int>(k)];
  }
  static bool limits_match(const Limits& a, const Limits& b);
  /// Core extern subtyping (core valid/matching.rst), reporting what differs.
  bool core_match(const CoreExtern& a, const CoreExtern& b, std::string& why);

  CoreExtern core_item(Sort sort, uint32_t idx);

  void core_instance(const Instance& in, size_t off);

  // ---- core types (Binary.md: core:type) -------------------------------------------------
  bool resolve_core_extern(const CoreExternType& in, CoreExtern& out, const Scope& s, size_t off);

  CoreTypeEntry core_type_entry(const CoreTypeDef& t);

  void core_type_def(const CoreTypeDef& t) {
    CoreTypeEntry e = core_type_entry(t);
    if (ok()) cur().core_types.push_back(std::move(e));
  }

  // ---- component types (Binary.md: Type Definitions) -------------------------------------
  std::optional<VT> valtype(const ValType& v, size_t off);

  bool labels_ok(const std::vector<std::string>& labels, std::string_view what, size_t off);

  /// Returns the TypeId of the new type, or nullopt (error recorded).
  static std::optional<TypeId> type_def(Validator& v, const TypeDef& t);

  std::optional<TypeId> make_type(const TypeDef& t);

  /// componenttype / instancetype: a fresh scope whose imports and exports become the type.
  std::optional<TypeId> decl_type(const TypeDef& t);

  // ---- externtype ------------------------------------------------------------------------
  std::optional<Entity> resolve_extern(const ExternType& et, bool is_import);

  // ---- names (Explainer.md: Import and Export Definitions) -------------------------------
  /// Checks one import/export name of a component, component type, instance type or
  /// bag-of-exports instance: its syntax, uniqueness in `names`, attributes, and for
  /// [constructor]/[method]/[static] the resource it names in `resources` (that scope's
  /// imports or exports). Registers plain-named resources in `resources`.
  bool check_name(const ExternName& n, const Entity& e, bool is_import, NameSet& names,
                  std::unordered_map<std::string, TypeId>& resources, size_t off);

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

  bool named(TypeId id, const Visibility& v) const;

  /// The instance types reachable from `id` through instance exports, `id` included.
  std::vector<TypeId> instances_in(TypeId id);

  /// Whether the types `e`'s type is made of are visible. The type itself needs no name: it
  /// is the one being named (a type import/export), or not a nameable kind. An instance type
  /// is checked here, where it is imported or exported, with the types it exports itself
  /// counted as named; component types were checked in their own scope.
  bool visible(const Entity& e, bool is_import);

  /// After an import/export: the types it introduces are named in this scope.
  void name_types(const Entity& e, std::unordered_set<TypeId>& set);

  void record_extern(const ExternName& name, const Entity& e, bool is_import, size_t off);

  void import(const ExternName& name, const ExternType& et);

  void export_decl(const ExternName& name, const ExternType& et);

  void export_def(const Export& ex);

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

  TypeId resolve(TypeId id, const Subst& m) const;

  bool vt_eq(const std::optional<VT>& a, const std::optional<VT>& b, Subst& m, std::string& why);

  /// Structural equality of a (actual, after substitution m) and b (expected).
  bool type_eq(TypeId a, TypeId b, Subst& m, std::string& why, int depth = 0);

  static const Entity* find(const std::vector<std::pair<std::string, Entity>>& list, std::string_view name);

  /// a <: b (Explainer.md: Type Checking): instance/component/module types by names,
  /// exporting more and importing less; everything else by equality. Abstract resources of b
  /// in `bind` are bound to a's on first use (the elimination rule of existential types).
  bool subtype(const Entity& a, const Entity& b, Subst& m, std::string& why, Bind& bind);

  /// Copies type `id` with the variables bound in `m` replaced; returns `id` when nothing
  /// changes. Results are shared through `m.memo`, so every use of a type gets one copy.
  TypeId substitute(TypeId id, Subst& m, int depth = 0);

  /// Type `t` with its fresh-per-use resources replaced by new ones, which are appended to
  /// `into` (the scope's imported or generated resources).
  TypeId freshen(TypeId t, std::vector<TypeId>& into);

  // ---- instances (Binary.md: Instance Definitions) ---------------------------------------
  void instance(const Instance& in, size_t off);

  // ---- aliases (Binary.md: Alias Definitions) --------------------------------------------
  /// Explainer.md: outeraliassort ::= core module | core type | component | type
  static bool outer_alias_sort(Sort s) {
    return s == Sort::CoreModule || s == Sort::CoreType || s == Sort::Component || s == Sort::Type;
  }

  void alias(const Alias& a);

  // ---- canonical definitions (CanonicalABI.md: Canonical Definitions) --------------------
  /// The Canonical ABI type of a value type (component/abi/types.h), so that one piece of code
  /// flattens component types: validation asks the ABI layer for a function's core signature.
  /// own/borrow carry no resource (layout and flattening do not depend on which), so the
  /// result is shared by every use of a type node (memoized in abi_types_).
  abi::TypeRef abi_type(const VT& v, int depth = 0);
  abi::FuncType abi_functype(const TypeNode& ft);

  /// Whether `v` contains a string or list (CanonicalABI.md: canonopt validation).
  bool needs_memory(const std::optional<VT>& v, int depth = 0);

  std::string sig(const shard::FuncType& f);

  /// flatten_functype(opts, ft, context) for the synchronous ABI.
  shard::FuncType flatten_functype(const abi::FuncType& ft, bool lift);

  bool check_opts(const CanonOpts& o, bool lift, const TypeNode& ft, const abi::FuncType& aft,
                  const shard::FuncType& flat);

  void canon(const Canon& c);

  // 🪙 Binary.md: Start Definitions. Values are not supported, so only a start function
  // without arguments or results can be valid.
  void start(const Start& st, size_t off);

  std::vector<TypeNode> arena_;
  std::unordered_map<TypeId, abi::TypeRef> abi_types_;  ///< abi_type()'s results
  std::unordered_set<TypeId> freshened_;  ///< instance types whose first use took their resources
  ValidatedModules* modules_ = nullptr;
  std::vector<Scope*> stack_;
  uint32_t next_scope_id_ = 0;
  std::optional<Error> err_;
};

}  // namespace shard::component::valid

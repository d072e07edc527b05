// The validator's resolved types: index-free type trees (Explainer.md: Type Checking — "type
// ASTs do not contain any type indices"), kept in one arena per validation so that aliases
// across scopes and instance exports share nodes. Resource types are compared by identity
// (their TypeId), everything else structurally.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "component/component.h"

namespace shard::component::detail {

using TypeId = uint32_t;
inline constexpr TypeId kNoType = UINT32_MAX;  ///< no type (TypeNode::alias_of, VT::id of a bare primitive)

/// A resolved valtype: a primitive, or a defined value type in the arena. A primitive named
/// through a defined type (`(type $t u64)`, WIT `type instant = u64`) is the primitive itself
/// for type checking; `id` then still says which defined type named it (for printing).
struct VT {
  bool prim = true;
  PrimType p = PrimType::Bool;
  TypeId id = kNoType;  ///< !prim: the defined type; prim: the defined type it came through, or kNoType
};

/// A core extern type with function types resolved.
struct CoreExtern {
  shard::ExternKind kind = shard::ExternKind::Func;
  shard::FuncType func;
  TableType table;
  MemoryType memory;
  GlobalType global;
};

struct CoreModuleType {
  struct Import {
    std::string module, name;
    CoreExtern type;
  };
  std::vector<Import> imports;
  std::vector<std::pair<std::string, CoreExtern>> exports;
};

struct CoreInstanceType {
  std::vector<std::pair<std::string, CoreExtern>> exports;
  const CoreExtern* find(std::string_view n) const {
    for (auto& [name, t] : exports)
      if (name == n) return &t;
    return nullptr;
  }
};

/// What an import/export/instance export is: its kind and its type in the arena (function,
/// component or instance type; for Type, the type itself). CoreModule uses `module`.
struct Entity {
  ExternKind kind = ExternKind::Func;
  TypeId type = 0;
  std::shared_ptr<const CoreModuleType> module;
};

struct TypeNode {
  TypeDef::Kind kind = TypeDef::DefVal;
  // DefVal
  DefValKind dv = DefValKind::Prim;
  PrimType prim = PrimType::Bool;
  std::vector<std::pair<std::string, std::optional<VT>>> cases;  ///< record fields, variant cases
  std::vector<VT> types;                                         ///< tuple
  std::vector<std::string> labels;                               ///< flags, enum
  std::optional<VT> elem, err;                                   ///< list, option, result
  TypeId resource = 0;                                           ///< own, borrow
  // Func
  std::vector<std::pair<std::string, VT>> params;
  std::optional<VT> result;
  // Component, Instance
  std::vector<std::pair<std::string, Entity>> imports, exports;
  std::vector<TypeId> fresh_on_instantiate;  ///< resources each instantiation makes anew
  std::vector<TypeId> imported_resources;    ///< abstract resources a `with` argument replaces
  // Resource
  shard::ValType rep = shard::ValType::I32;
  uint32_t owner = UINT32_MAX;  ///< the component scope that defined it (resource.new/rep), or none
  /// Resource: when this node is a further name for an existing resource (a type export, an
  /// `(eq i)` import or export), that resource. Two resource nodes denote the same resource
  /// iff their identities (resource_identity) are equal; names (external visibility,
  /// `[method]` annotations) go by the node itself.
  TypeId alias_of = kNoType;

  bool has_resource = false;  ///< transitively refers to a resource type
  bool has_borrow = false;    ///< transitively contains a borrow handle
};

/// The identity of a resource node: the resource it is another name for, or itself.
inline TypeId resource_identity(const std::vector<TypeNode>& arena, TypeId id) {
  const TypeNode& n = arena[id];
  return n.kind == TypeDef::Resource && n.alias_of != kNoType ? n.alias_of : id;
}

}  // namespace shard::component::detail

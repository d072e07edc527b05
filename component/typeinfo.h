// The resolved types of a top-level component's imports and exports, for the tools that print
// (`shard inspect` as WIT), list (the C++ host API) or link (static composition) components.
//
// Types are the validator's index-free type trees (component/types.h): every TypeId indexes
// ComponentTypeInfo::types, and a consumer walks from an import or export down to primitives
// without ever seeing a component type index. Value types other than resources compare
// structurally; a resource is compared by its identity (resource_id), since one resource can
// have several names (an import, then an `(eq ...)` export of it).
#pragma once

#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "component/component.h"
#include "component/types.h"
#include "shard/result.h"

namespace shard::component {

/// Where a type got its name: the import or export that introduced it.
struct TypeName {
  std::string name;       ///< the type's own import/export name ("point", "input-stream")
  std::string instance;   ///< the imported/exported instance that exports it ("wasi:io/streams@0.2.0"),
                          ///< nested instances joined with '#'; empty for a top-level type import/export
  bool imported = false;  ///< named by an import (otherwise by an export)
};

struct ComponentTypeInfo {
  /// The arena all TypeIds below index. Entity::type is a function type for Func, a component
  /// or instance type for Component/Instance, the type itself for Type; CoreModule entities
  /// carry Entity::module instead.
  std::vector<detail::TypeNode> types;
  /// In binary order. Imported and exported instances list their exports (with types) in
  /// types[entity.type].exports.
  std::vector<std::pair<std::string, detail::Entity>> imports, exports;
  /// Every type named by an import or export, at top level or inside an imported/exported
  /// instance (records, variants, enums, flags, resources, ...), keyed by the TypeId the
  /// import/export introduced — the one functions using the named type refer to. Resources
  /// are also keyed by their identity (resource_id), for the first name they got.
  std::unordered_map<detail::TypeId, TypeName> names;

  const detail::TypeNode& type(detail::TypeId id) const { return types[id]; }

  /// Two resource TypeIds denote the same resource iff their resource_ids are equal.
  detail::TypeId resource_id(detail::TypeId id) const { return detail::resource_identity(types, id); }

  /// The name of `id` (a resource: also through its identity), or nullptr for an anonymous type.
  const TypeName* name_of(detail::TypeId id) const {
    auto it = names.find(id);
    if (it == names.end()) it = names.find(resource_id(id));
    return it == names.end() ? nullptr : &it->second;
  }
};

/// Validates `c` (as validate_component does, with the same errors) and returns the resolved
/// types of its imports and exports.
/// With `modules`, the validated core modules are kept there (see validate_component).
Result<ComponentTypeInfo> component_type_info(const Component& c, ValidatedModules* modules = nullptr);

}  // namespace shard::component

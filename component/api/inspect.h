// What a component looks like from outside: its imports and exports with public types
// (shard/component.h: ItemDesc) and as a WIT world (Component::wit, `shard inspect`), both
// computed from the validator's resolved types (component/typeinfo.h).
#pragma once

#include <string>
#include <vector>

#include "component/typeinfo.h"
#include "shard/component.h"

namespace shard::cm::detail {

struct Description {
  std::vector<ItemDesc> imports, exports;
  std::string wit;
};

/// The imports and exports of the component `info` was computed for, with their types, and
/// the component as WIT text: `package root:component;`, a `world root` with one item per
/// import and export, then one nested `package ns:pkg@v { interface ... }` block per package
/// of the interface-named instances it imports or exports.
Description describe(const component::ComponentTypeInfo& info);

}  // namespace shard::cm::detail

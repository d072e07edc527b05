// Internal glue between the public component API (shard/component.h) and the runtime
// (component/runtime, component/abi): type and value conversions and the Impl structs.
#pragma once

#include "component/abi/canon.h"
#include <mutex>

#include "component/api/inspect.h"
#include "component/runtime/instance.h"
#include "component/typeinfo.h"
#include "shard/component.h"

namespace shard::cm {

namespace abi = shard::component::abi;
namespace run = shard::component::run;

static_assert(static_cast<int>(TypeKind::Flags) == static_cast<int>(abi::TypeKind::Flags) &&
                  static_cast<int>(TypeKind::String) == static_cast<int>(abi::TypeKind::String),
              "public and ABI type kinds share their order up to flags");

struct Resource::State {
  const abi::ResourceType* type = nullptr;
  bool owned = false;
  bool dropped = false;
};

struct ResourceType::Impl {
  abi::ResourceType rt;  ///< impl = nullptr: the host implements it
};

struct Component::Impl {
  std::shared_ptr<run::Loaded> loaded;
  std::shared_ptr<const component::ComponentTypeInfo> info;
  mutable std::once_flag described;
  mutable detail::Description description;  ///< from `info`, on first use
};

struct Store::Impl {
  Impl(const Engine& engine, Result<rt::Tier*> tier);
  run::Store store;
  std::string tier_error;  ///< why the configured tier is unavailable, or empty
};

struct Func::Impl {
  run::FuncRef fn;
  FuncType type;
};

struct Instance::Impl {
  run::InstanceRef inst;
  Store::Impl* store = nullptr;
};

namespace detail {

TypeRef public_type(const abi::ValType& t);
FuncType public_functype(const abi::FuncType& ft, const std::vector<std::string>& param_names);
Result<abi::TypeRef> abi_type(const Type& t);
Result<abi::FuncType> abi_functype(const FuncType& ft);
Result<abi::Value> to_abi(const Val& v, const abi::ValType& t);
Val from_abi(const abi::Value& v, const abi::ValType& t);

/// Calls a runtime function with public values (the host is the caller).
Result<std::optional<Val>> call(const run::Func& fn, std::span<const Val> args);
/// A runtime function that runs a host function.
run::FuncRef host_func(const abi::FuncType& type, std::vector<std::string> param_names, HostFunc fn);

}  // namespace detail

}  // namespace shard::cm

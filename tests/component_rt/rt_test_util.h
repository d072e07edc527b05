// Shared helpers of the component runtime tests: components from text, calls by export name.
#pragma once

#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <vector>

#include "component/runtime/instance.h"
#include "component/text/component_text.h"
#include "interp/interp.h"

namespace shard::component::test {

/// A component written in the text format, encoded and loaded (decoded and validated).
inline std::shared_ptr<run::Loaded> load_text(const std::string& text) {
  auto bytes = component::text::component_wat_to_binary(text);
  INFO((bytes ? std::string() : bytes.error().to_string()));
  REQUIRE(bytes.ok());
  auto l = run::load(std::move(*bytes));
  INFO((l ? std::string() : l.error().to_string()));
  REQUIRE(l.ok());
  return *l;
}

/// Calls the function export `name` of `inst` from the host.
inline Result<std::vector<abi::Value>> call(const run::InstanceRef& inst, const std::string& name, std::vector<abi::Value> args) {
  const run::Item* it = inst->find(name);
  REQUIRE(it != nullptr);
  REQUIRE(it->kind == ExternKind::Func);
  return it->func->call(args, nullptr);
}

}  // namespace shard::component::test

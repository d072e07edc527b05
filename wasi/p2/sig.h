// Canonical-ABI types for the WASI 0.2 host, written as WIT type expressions
// ("result<list<u8>, stream-error>") over an environment of named types. The host declares
// each interface's records, variants, enums, flags and resources once, then each function as
// its WIT signature; the parser turns them into the abi::FuncTypes an import is lowered with.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "component/abi/types.h"
#include "shard/result.h"

namespace shard::wasi::p2 {

namespace abi = shard::component::abi;

/// The space- or newline-separated words of `s`.
std::vector<std::string> words(std::string_view s);

class TypeEnv {
 public:
  /// `name` stands for `t` in later expressions.
  void define(std::string name, abi::TypeRef t) { named_[std::move(name)] = std::move(t); }
  /// A resource type: `own<name>`/`borrow<name>` (and bare `name`, which is `own<name>`).
  void resource(std::string name, const abi::ResourceType* rt) { resources_[std::move(name)] = rt; }
  /// "seconds: u64, nanoseconds: u32"
  void record(std::string name, std::string_view fields);
  /// "last-operation-failed(error), closed"
  void variant(std::string name, std::string_view cases);
  /// "access would-block already" (space separated)
  void enum_(std::string name, std::string_view labels);
  void flags(std::string name, std::string_view labels);

  /// A type expression: a primitive, a defined name, or list/option/result/tuple/own/borrow
  /// of type expressions (`_` for an absent result payload). Errors name the expression.
  Result<abi::TypeRef> parse(std::string_view text) const;
  /// "(len: u64) -> result<list<u8>, stream-error>" (names kept in `names`); `self` is
  /// prepended as a first `borrow<self>` parameter when not empty (methods).
  Result<abi::FuncType> func(std::string_view sig, std::string_view self, std::vector<std::string>& names) const;

 private:
  std::map<std::string, abi::TypeRef, std::less<>> named_;
  std::map<std::string, const abi::ResourceType*, std::less<>> resources_;
};

}  // namespace shard::wasi::p2

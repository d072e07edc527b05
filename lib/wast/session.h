// The execution side of the .wast runner: module instances by name, registered imports, the
// spectest host module, and performing invoke/get actions.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "module.h"
#include "shard/result.h"
#include "text/wast.h"

namespace shard::rt {
class Tier;
}

namespace shard::wast {

struct ActionOutcome {
  bool unsupported = false;  ///< cannot run here (no execution tier, 3.0 feature): skip
  std::string error;         ///< the action itself is wrong (unknown module/export, bad args)
  bool trapped = false;
  bool exception = false;    ///< trapped by an uncaught exception (exception handling)
  std::string trap_message;
  std::vector<Value> results;
};


class Session {
 public:
  /// Without a tier, modules are only validated and actions are skipped.
  /// `signal_based_traps` false: the store checks memory accesses in software (StoreConfig).
  explicit Session(rt::Tier* tier, bool signal_based_traps = true);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  /// Keep a validated module uninstantiated (`module definition`).
  void define(std::shared_ptr<const WasmModule> module, const std::optional<std::string>& name);
  /// Instantiate against the registered modules and spectest. With keep, the instance
  /// becomes the current module (and `name` refers to it).
  Result<void> instantiate(std::shared_ptr<const WasmModule> module, const std::optional<std::string>& name,
                           bool keep = true);
  Result<void> instantiate_definition(const std::optional<std::string>& instance_name,
                                      const std::optional<std::string>& definition_name);
  Result<void> register_instance(const std::string& as, const std::optional<std::string>& name);
  /// After a module failed to load, no module is current.
  void forget_current();

  ActionOutcome perform(const Action& action);
  bool can_execute() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Empty when `got` matches the patterns, else a message "expected …, got …".
std::string match_results(const std::vector<ResultPat>& expected, const std::vector<Value>& got);
std::string format_values(const std::vector<Value>& values);

}  // namespace shard::wast

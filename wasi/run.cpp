// Running a WASI command: load, link wasi_snapshot_preview1, instantiate, call _start.
#include <fmt/format.h>

#include "tiers/tiers.h"
#include "valid/validator.h"
#include "wasi/context.h"

namespace shard::wasi {

namespace {

/// Exit status reported for a trap: 128 + SIGABRT, as a native program that aborts (and as
/// wasmtime reports it).
constexpr uint32_t kTrapExitCode = 134;

Result<RunOutcome> run_command(std::vector<uint8_t> bytes, const std::shared_ptr<WasiContext>& ctx,
                               const Engine& engine, const StopConditions& stop) {
  Result<rt::Tier*> tier = tiers::select_tier(engine.config().tier);
  if (!tier) return std::move(tier).error();
  Result<WasmModule> loaded = load_module(std::move(bytes));
  if (!loaded) return std::move(loaded).error();
  auto module = std::make_shared<const WasmModule>(std::move(loaded).value());

  rt::Store store(rt::store_config(engine), *tier);
  if (stop.fuel) {
    if (auto r = store.set_fuel(*stop.fuel); !r) return std::move(r).error();
  }
  if (stop.epoch_deadline) {
    if (auto r = store.set_epoch_deadline(*stop.epoch_deadline); !r) return std::move(r).error();
  }
  Result<std::vector<rt::Extern>> imports = link_imports(store, *module, ctx);
  if (!imports) return std::move(imports).error();

  // The command's entry point (WASI application ABI): "_start", () -> ().
  const Export* start = nullptr;
  for (const Export& e : module->exports) {
    if (e.name == "_start") start = &e;
  }
  if (start == nullptr || start->kind != ExternKind::Func) {
    return Error{ErrorKind::Unlinkable, "not a WASI command: no exported function _start"};
  }
  const FuncType& st = module->func_type(start->index);
  if (!st.params.empty() || !st.results.empty()) {
    return Error{ErrorKind::Unlinkable, "not a WASI command: _start must have type [] -> []"};
  }

  RunOutcome out;
  Result<rt::Instance*> inst = rt::instantiate(store, module, *imports);
  if (!inst) {
    // proc_exit from a start function ends the program like any other exit.
    if (ctx->exit_code) {
      out.exit_code = *ctx->exit_code;
      return out;
    }
    return std::move(inst).error();
  }
  rt::CallResult r = rt::call(store, (*inst)->find_func("_start"), {});
  if (r.ok()) return out;
  if (r.trap->kind == TrapKind::Exit && ctx->exit_code) {
    out.exit_code = *ctx->exit_code;
    return out;
  }
  out.trapped = true;
  out.stopped = r.trap->kind == TrapKind::OutOfFuel || r.trap->kind == TrapKind::Interrupted;
  out.exit_code = out.stopped ? kStoppedExitCode : kTrapExitCode;
  out.trap_message = r.trap->to_string();
  return out;
}

}  // namespace

Result<RunOutcome> run_command(std::vector<uint8_t> bytes, const WasiConfig& config, const Engine& engine,
                               const StopConditions& stop) {
  Result<std::shared_ptr<WasiContext>> ctx = WasiContext::create(config);
  if (!ctx) return std::move(ctx).error();
  return run_command(std::move(bytes), *ctx, engine, stop);
}

Result<RunOutcome> run_command(std::vector<uint8_t> bytes, const WasiConfig& config, const EngineConfig& engine) {
  return run_command(std::move(bytes), config, Engine(engine));
}

}  // namespace shard::wasi

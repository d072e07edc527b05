// fuzz_run: bytes -> load_module -> instantiate -> call every exported function with zero
// arguments, on the interpreter, under small limits. Traps are fine; crashes, leaks, UB, a
// valid module the interpreter cannot compile, or results of the wrong arity are not.
//
// Imports are satisfied by stubs (host functions returning zeros, fresh tables, memories and
// globals of the imported type), so modules written against the spec's "spectest" module run.
//
// Every function runs, loops and recursion included, bounded by fuel (one unit per function
// entry and loop iteration, runtime.h). One unit lets at most one pass over one function body
// run (bulk operations weighted by the memory limit), so with F units the work is at most
// F × the module's total cost: F is kMaxCost / that total (at least 1). A function whose cost
// is bounded statically (no loop, no recursion below it, call_indirect counted as a call to
// every function of its type) gets all the fuel it could need, so it always runs to the end.
#include <algorithm>
#include <cstddef>
#include <cstdlib>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "fuzz_support.h"
#include "interp/interp.h"
#include "runtime/runtime.h"
#include "tiers/tiers.h"
#include "valid/body_decoder.h"
#include "valid/validator.h"

using namespace shard;

namespace {

constexpr uint64_t kMaxCost = 2'000'000;
constexpr uint64_t kUnbounded = UINT64_MAX;
constexpr uint64_t kMemoryPages = 16;  // 1 MiB per memory
constexpr uint64_t kTableElements = 10'000;
constexpr uint64_t kBulkCost = 20'000;  // a memory.fill/copy/init or table op over the whole limit

/// What one function body can do, collected from the shared body decoder walk.
struct FuncFacts {
  bool has_loop = false;
  uint64_t own_cost = 0;
  std::vector<uint32_t> calls;           ///< direct callees (function index)
  std::vector<uint32_t> indirect_types;  ///< call_indirect type indices
};

struct FactsVisitor : VisitorBase {
  FuncFacts* facts = nullptr;
  template <class F> void on_loop(const Instr&, F&) { facts->has_loop = true; }
  void on_op(const Instr& in) {
    switch (in.op) {
      case Op::Call: facts->calls.push_back(in.index); break;
      case Op::CallIndirect: facts->indirect_types.push_back(in.index); break;
      case Op::MemoryFill: case Op::MemoryCopy: case Op::MemoryInit: case Op::MemoryGrow:
      case Op::TableFill: case Op::TableCopy: case Op::TableInit: case Op::TableGrow:
        facts->own_cost += kBulkCost;
        break;
      default: break;
    }
  }
};

/// cost[f] for every function in the index space (imports cost 1), kUnbounded where
/// execution might not terminate or costs too much.
class CostModel {
 public:
  explicit CostModel(const WasmModule& m) : m_(m), facts_(m.num_funcs()), cost_(m.num_funcs(), 0), state_(m.num_funcs(), 0) {
    FactsVisitor v;
    BodyDecoder<FactsVisitor> decoder(m, v);
    for (uint32_t i = 0; i < m.functions.size(); ++i) {
      FuncFacts& f = facts_[m.num_imported_funcs + i];
      v.facts = &f;
      const Function& fn = m.functions[i];
      f.own_cost += (fn.body_end - fn.body_offset) + fn.locals.size() + 1;
      if (!decoder.decode_function(i)) f.has_loop = true;  // cannot happen on a validated module
    }
  }

  uint64_t cost(uint32_t f) {
    if (state_[f] == 2) return cost_[f];
    if (state_[f] == 1) return kUnbounded;  // recursion
    state_[f] = 1;
    uint64_t c = f < m_.num_imported_funcs ? 1 : facts_[f].own_cost;
    if (facts_[f].has_loop) c = kUnbounded;
    auto add = [&](uint64_t callee) { c = (c == kUnbounded || callee == kUnbounded) ? kUnbounded : std::min(c + callee, kMaxCost + 1); };
    for (uint32_t callee : facts_[f].calls) add(cost(callee));
    for (uint32_t ti : facts_[f].indirect_types) {
      uint64_t worst = 1;  // a null or mismatched entry traps at once
      for (uint32_t g = 0; g < m_.num_funcs() && worst != kUnbounded; ++g)
        if (m_.func_type(g) == m_.types[ti]) worst = std::max(worst, cost(g));
      add(worst);
    }
    if (c > kMaxCost) c = kUnbounded;
    cost_[f] = c;
    state_[f] = 2;
    return c;
  }

  bool bounded(uint32_t f) { return cost(f) != kUnbounded; }

  /// The cost of every function once: an upper bound of what one fuel unit can run.
  uint64_t total() const {
    uint64_t t = m_.num_imported_funcs;
    for (uint32_t f = m_.num_imported_funcs; f < m_.num_funcs(); ++f) t += facts_[f].own_cost;
    return std::max<uint64_t>(t, 1);
  }

 private:
  const WasmModule& m_;
  std::vector<FuncFacts> facts_;
  std::vector<uint64_t> cost_;
  std::vector<uint8_t> state_;  ///< 0 not visited, 1 on the DFS stack, 2 done
};

Limits capped(Limits l, uint64_t cap) {
  l.min = std::min(l.min, cap);
  if (l.max) l.max = std::max(l.min, std::min(*l.max, cap));
  return l;
}

/// Stub externs for every import; false if the store refuses one (e.g. a huge minimum).
bool make_imports(rt::Store& store, const WasmModule& m, std::vector<rt::Extern>& out) {
  for (const Import& im : m.imports) {
    switch (im.kind) {
      case ExternKind::Func: {
        const FuncType& ft = m.types[im.func_type];
        std::vector<ValType> results = ft.results;
        out.push_back(rt::Extern::func(store.create_host_func(ft, [results](rt::HostCall&, const rt::Value*, rt::Value* res) {
          for (size_t i = 0; i < results.size(); ++i) res[i] = rt::Value::default_of(results[i]);
          return TrapKind::None;
        })));
        break;
      }
      case ExternKind::Table: {
        TableType t = im.table;
        t.limits = capped(t.limits, kTableElements);
        auto r = store.create_table(t);
        if (!r) return false;
        out.push_back(rt::Extern::table(*r));
        break;
      }
      case ExternKind::Memory: {
        MemoryType t = im.memory;
        t.limits = capped(t.limits, kMemoryPages);
        auto r = store.create_memory(t);
        if (!r) return false;
        out.push_back(rt::Extern::memory(*r));
        break;
      }
      case ExternKind::Global:
        out.push_back(rt::Extern::global(store.create_global(im.global, rt::Value::default_of(im.global.type))));
        break;
      case ExternKind::Tag: out.push_back(rt::Extern::tag(store.create_tag(m.types[im.tag.type_index]))); break;
    }
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Result<WasmModule> loaded = load_module(std::vector<uint8_t>(data, data + size));
  if (!loaded) return 0;
  auto module = std::make_shared<const WasmModule>(std::move(loaded).value());

  CostModel costs(*module);
  const uint64_t loop_fuel = std::max<uint64_t>(kMaxCost / costs.total(), 1);

  rt::StoreConfig config;
  config.max_memory_pages = kMemoryPages;
  config.max_table_elements = kTableElements;
  config.max_call_depth = 200;
  config.max_host_reentry = 4;
  config.value_stack_bytes = 1u << 20;
  config.reserve_full_memory = false;
  config.metering = rt::kMeterFuel;
  // The tier: SHARD_FUZZ_TIER (interp, jit, auto; default auto), chosen where every runner chooses.
  static rt::Tier* const tier = [] {
    const char* env = std::getenv("SHARD_FUZZ_TIER");
    auto kind = parse_tier_name(env != nullptr ? env : "auto");
    auto t = tiers::select_tier(kind.value_or(TierKind::Auto));
    if (!t) fuzz::property_failed("SHARD_FUZZ_TIER names no available tier", t.error().message);
    return *t;
  }();
  rt::Store store(config, tier);
  auto fuel_for = [&](std::optional<uint32_t> f) { return f && costs.bounded(*f) ? kMaxCost + 1 : loop_fuel; };
  (void)store.set_fuel(fuel_for(module->start));

  std::vector<rt::Extern> imports;
  if (!make_imports(store, *module, imports)) return 0;
  Result<rt::Instance*> inst = rt::instantiate(store, module, imports);
  if (!inst) {
    if (inst.error().kind != ErrorKind::Unlinkable && inst.error().kind != ErrorKind::Uninstantiable)
      fuzz::property_failed("instantiation error is neither Unlinkable nor Uninstantiable", fuzz::describe(inst.error()));
    return 0;
  }

  std::string compile_error;
  if (tier == &interp::tier() && !interp::compile_all(**inst, &compile_error))
    fuzz::property_failed("the interpreter cannot compile a valid module", compile_error);

  for (const Export& e : module->exports) {
    if (e.kind != ExternKind::Func) continue;
    (void)store.set_fuel(fuel_for(e.index));
    rt::FuncInst* f = (*inst)->funcs[e.index];
    const FuncType& ft = rt::func_type(*f);
    std::vector<rt::Value> args;
    for (ValType t : ft.params) args.push_back(rt::Value::default_of(t));
    rt::CallResult r = rt::call(store, f, args);
    if (r.ok() && r.values.size() != ft.results.size())
      fuzz::property_failed("wrong number of results", e.name);
    if (!r.ok() && r.trap->kind == TrapKind::HostError)
      fuzz::property_failed("a stub-only module raised a host error", r.trap->to_string());
    if (!r.ok() && r.trap->kind == TrapKind::OutOfFuel && costs.bounded(e.index))
      fuzz::property_failed("a function without loops or recursion ran out of fuel", e.name);
  }
  return 0;
}

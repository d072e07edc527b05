// The interpreter as an rt::Tier, and lazy compilation through the shared BodyDecoder.
#include "interp/interp.h"

#include <cstdio>
#include <cstdlib>

#include "interp/code.h"
#include "interp/compiler.h"
#include "valid/body_decoder.h"

namespace shard::interp {

namespace {

/// Per-instance compiler state: one BodyDecoder (with its declared-refs table and stacks)
/// reused for every function of the instance.
struct InstanceCompiler : rt::TierCode {
  explicit InstanceCompiler(const WasmModule& m) : compiler(handler_table()), decoder(m, compiler) {}
  Compiler compiler;
  BodyDecoder<Compiler> decoder;
};

class InterpTier final : public rt::Tier {
 public:
  std::string_view name() const override { return "interpreter"; }
  rt::EntryFn entry_for(rt::FuncInst&) override { return &interp_entry; }
};

CompiledFunc* compile(rt::FuncInst* f, std::string* error) {
  rt::Instance* inst = f->instance;
  if (!inst->tier_data) inst->tier_data = std::make_unique<InstanceCompiler>(*inst->module);
  auto* ic = static_cast<InstanceCompiler*>(inst->tier_data.get());
  Result<void> r = ic->decoder.decode_function(f->index - inst->module->num_imported_funcs);
  if (!r) {
    if (error != nullptr) *error = r.error().to_string();
    return nullptr;
  }
  f->code = ic->compiler.take();
  if (std::getenv("SHARD_INTERP_DUMP") != nullptr) {
    std::fprintf(stderr, "func %u:\n%s", f->index, disassemble(*static_cast<CompiledFunc*>(f->code.get())).c_str());
  }
  return static_cast<CompiledFunc*>(f->code.get());
}

}  // namespace

CompiledFunc* ensure_compiled(rt::ExecContext* ctx, rt::FuncInst* f) {
  if (f->code) return static_cast<CompiledFunc*>(f->code.get());
  std::string error;
  CompiledFunc* c = compile(f, &error);
  if (c == nullptr) ctx->raise(TrapKind::HostError, "compile error: " + error);
  return c;
}

rt::Tier& tier() {
  static InterpTier t;
  return t;
}

bool compile_all(rt::Instance& inst, std::string* error) {
  for (size_t i = inst.module->num_imported_funcs; i < inst.func_vec.size(); ++i) {
    rt::FuncInst* f = inst.func_vec[i];
    if (f->entry == &interp_entry && !f->code && compile(f, error) == nullptr) return false;
  }
  return true;
}

}  // namespace shard::interp

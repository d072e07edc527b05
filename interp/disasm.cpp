// A listing of compiled interpreter code, for tests and debugging.
#include <fmt/format.h>

#include <unordered_map>

#include "interp/code.h"

namespace shard::interp {

namespace {

const std::unordered_map<const void*, std::string>& names() {
  static const std::unordered_map<const void*, std::string> m = [] {
    std::unordered_map<const void*, std::string> r;
    const void* const* t = handler_table();
    const void* invalid = t[static_cast<size_t>(IOp::X_Invalid)];
    for (size_t i = 0; i < kOpCount; ++i)
      if (t[i] != invalid) r.emplace(t[i], std::string(kOpInfo[i].name));
    size_t i = kOpCount;
#define X(name) r.emplace(t[i++], #name);
    SHARD_INTERP_FIXED_OPS(X)
#undef X
#define X(name) r.emplace(t[i++], "imm." #name);
    SHARD_INTERP_IMM_OPS(X)
#undef X
#define X(name, neg) r.emplace(t[i++], "br_ss." #name);
    SHARD_INTERP_CMP_OPS(X)
#undef X
#define X(name, neg) r.emplace(t[i++], "br_si." #name);
    SHARD_INTERP_CMP_OPS(X)
#undef X
#define WASM_OP(id, name, prefix, code, imm, ...) SHARD_INTERP_IF_MEMARG_##imm(r.emplace(t[i++], "memN." name);)
#include "opcodes.def"
#undef WASM_OP
#define WASM_OP(id, name, prefix, code, imm, ...) SHARD_INTERP_IF_MEMARG_##imm(r.emplace(t[i++], "guard." name);)
#include "opcodes.def"
#undef WASM_OP
    return r;
  }();
  return m;
}

}  // namespace

std::string disassemble(const CompiledFunc& f) {
  std::string out = fmt::format("; params {} locals {} frame {}\n", f.nparams, f.nlocals, f.frame_slots);
  const auto& n = names();
  for (size_t i = 0; i < f.code.size(); ++i) {
    auto it = n.find(f.code[i].op);
    if (it != n.end()) out += fmt::format("\n{:4}: {}", i, it->second);
    else out += fmt::format(" [{}|{}]", f.code[i].lo, static_cast<int32_t>(f.code[i].hi));
  }
  out += "\n";
  return out;
}

}  // namespace shard::interp

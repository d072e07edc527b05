// The interpreter's compiler: a BodyDecoder visitor (valid/visitor.h) that turns one walk
// over a function body into slot-addressed threaded code (code.h).
//
// The operand stack exists only at compile time: each stack height maps to a fixed frame
// slot, and the compiler tracks per height where the value really is — in its home slot, in
// a local (local.get emits nothing), or a constant (t.const emits nothing). Consumers read
// locals in place and use immediate forms for constants; deferred values are copied to their
// home slots only where needed (a local is overwritten, control flow merges). A result that
// is immediately stored with local.set/tee is written straight into the local, and a
// comparison feeding br_if/if becomes one compare-and-branch instruction.
#pragma once

#include <memory>
#include <vector>

#include "interp/code.h"
#include "valid/visitor.h"

namespace shard::interp {

class Compiler : public VisitorBase {
 public:
  struct Control {
    int32_t patch_head = -1;  ///< forward branches to the end (chain in patches_)
    int32_t else_patch = -1;  ///< if: the branch to the else arm / end
    uint32_t start = 0;       ///< loop: the first instruction
    int32_t try_region = -1;  ///< try_table: its index in CompiledFunc::tries
  };
  using Frame = ControlFrame<Control>;

  explicit Compiler(const void* const* handlers) : h_(handlers) {}
  /// The code variant (rt::CodeVariant bits) of the next functions: interruption checks (one
  /// instruction at the function's entry and at the start of every loop, so once per
  /// iteration) and unchecked memory-0 accesses (kGuardPages).
  void set_variant(uint8_t v) { variant_ = v; }

  void begin_function(const FunctionInfo& fi);
  void end_function();
  std::unique_ptr<CompiledFunc> take() { return std::move(out_); }

  void on_block(const Instr& ins, Frame& f);
  void on_loop(const Instr& ins, Frame& f);
  void on_if(const Instr& ins, Frame& f);
  void on_else(const Instr& ins, Frame& f);
  void on_try_table(const Instr& ins, std::vector<Frame>& frames);
  void on_end(const Instr& ins, Frame& f);
  void on_br(const Instr& ins, Frame& target);
  void on_br_if(const Instr& ins, Frame& target);
  void on_br_table(const Instr& ins, std::vector<Frame>& frames);
  void on_return(const Instr& ins);
  void on_op(const Instr& ins);

 private:
  enum class Kind : uint8_t { Stack, Local, Const };
  struct Operand {
    Kind kind = Kind::Stack;
    uint32_t local = 0;
    uint64_t imm = 0;
  };

  // ---- emission ----
  uint32_t emit(IOp op);  ///< handler word; returns its index
  void word(uint64_t v) { code().push_back(Word{.u64 = v}); }
  void word2(uint32_t lo, uint32_t hi) {
    Word w;
    w.lo = lo;
    w.hi = hi;
    code().push_back(w);
  }
  std::vector<Word>& code() { return out_->code; }
  uint32_t here() const { return static_cast<uint32_t>(out_->code.size()); }
  void bind_label() { last_dst_ = -1; last_cmp_ = -1; }

  // ---- the compile-time operand stack ----
  uint32_t home(uint32_t h) const { return (nlocals_ + h) * 16; }
  static uint32_t local_slot(uint32_t i) { return i * 16; }
  void sync(uint32_t h) {
    if (st_.size() != h) st_.resize(h);
    if (h > max_h_) max_h_ = h;
  }
  void push_stack(uint32_t h) {  ///< value computed into home(h)
    sync(h);
    st_.push_back(Operand{});
    if (h + 1 > max_h_) max_h_ = h + 1;
  }
  void materialize(uint32_t h);
  void materialize_all() {
    for (uint32_t h = 0; h < st_.size(); ++h) materialize(h);
  }
  void materialize_local_refs(uint32_t local, uint32_t below);
  uint32_t use(uint32_t h);  ///< slot offset holding the value at height h (materializing constants)

  // ---- branches ----
  void add_patch(Control& c, uint32_t w) {
    patches_.push_back({w, c.patch_head});
    c.patch_head = static_cast<int32_t>(patches_.size() - 1);
  }
  void bind(Control& c, uint32_t target);
  void set_rel(uint32_t w, uint32_t target) { code()[w].lo = static_cast<uint32_t>(int32_t(target) - int32_t(w)); }
  /// Copies the top `n` values (below height h) to the target's label slots.
  void branch_copies(uint32_t target_height, uint32_t n, uint32_t h);
  bool branch_is_simple(const Frame& target, uint32_t h) const;
  void jump_to(Frame& target);       ///< unconditional jump (after copies)
  void branch_to(Frame& target, uint32_t h);  ///< br: copies + jump, or return
  void emit_return(uint32_t h);
  /// Emits a conditional jump taken when the value at height h-1 is non-zero (negate: zero).
  /// Fuses a preceding comparison. Returns the word index of the branch offset.
  uint32_t cond_jump(uint32_t h, bool negate);

  void numeric(const Instr& ins, const OpInfo& oi);
  void emit_interrupt_check();
  void memory_access(const Instr& ins, const OpInfo& oi);

  const void* const* h_;
  std::unique_ptr<CompiledFunc> out_;
  std::vector<Operand> st_;
  std::vector<std::pair<uint32_t, int32_t>> patches_;
  std::vector<int32_t> stub_for_depth_;
  uint32_t nlocals_ = 0, nparams_ = 0, nresults_ = 0, max_h_ = 0;
  size_t cur_offset_ = 0;
  int64_t last_dst_ = -1;       ///< word whose lo is the dst slot of the last instruction
  uint32_t last_dst_slot_ = 0;
  int64_t last_cmp_ = -1;       ///< op word of a fusable comparison just emitted
  uint32_t last_cmp_slot_ = 0;
  uint16_t last_cmp_op_ = 0;
  bool last_cmp_imm_ = false;
  const WasmModule* module_ = nullptr;
  uint8_t variant_ = 0;
};

}  // namespace shard::interp

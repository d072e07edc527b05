// The JIT's compiler: a BodyDecoder visitor (valid/visitor.h) that turns one walk over a
// function body into machine code, with no IR and no second pass (STYLE.md: one walk).
//
// The value stack is lazy (like Liftoff/Winch): each operand-stack entry is a constant, a
// local, a register, the flags of a comparison, or in memory at its home slot. Constants and
// local.get emit nothing until used; constants fold into immediates; a comparison feeding
// br_if/if becomes compare-and-jump. Locals live in the frame (the interpreter's frame layout,
// interp/code.h), so control-flow merges are simple: at every label all values are in their
// home slots (block entry spills what's live; a branch stores the label's values at the
// target's heights). Everything ISA-specific is behind the macro-assembler (jit/x64/masm.h).
//
// Instructions the compiler does not handle yet mark the function unsupported (with the
// first such instruction, for the statistics); the tier then runs it in the interpreter.
#pragma once

#include <asmjit/core.h>

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "jit/masm_types.h"
#include "jit/thunks.h"
#include "jit/x64/masm.h"
#include "valid/visitor.h"

namespace shard::jit {

using Masm = x64::Masm;

/// A trap site: native code offset of the jump to a stub, its trap, the wasm offset (for a
/// signal handler to map a faulting instruction to the same trap and backtrace).
struct TrapSite {
  uint32_t native_offset = 0;
  TrapKind kind = TrapKind::None;
  uint32_t wasm_offset = 0;
};

/// One function's assembled code before it is placed in executable memory.
struct Assembled {
  std::vector<uint8_t> bytes;  ///< relocated for `base` by place()
  uint32_t entry_offset = 0;
  std::vector<TrapSite> traps;
};

class Compiler : public VisitorBase {
 public:
  struct Control {
    JLabel end{};        ///< branches to a block/if; the loop's head for loops
    JLabel else_label{}; ///< if: the else arm (or the end without one)
    bool has_else = false;
  };
  using Frame = ControlFrame<Control>;
  /// One catch clause as the runtime's dispatch helper reads it (thunks.h: catch_dispatch).

  void begin_function(const FunctionInfo& fi);
  void end_function();

  /// After a walk: the unsupported instruction's name, or empty when the code is complete.
  const std::string& unsupported() const { return unsupported_; }
  /// Lays the code out for executable address `base`; false on an assembler error.
  bool place(uint64_t base, Assembled& out);
  size_t code_size() const;

  /// The trap exits all functions share (masm.h: emit_exits), placed once per process.
  struct SharedExits {
    const void* raise = nullptr;
    const void* propagate = nullptr;
    const void* exhausted = nullptr;
  };
  static const SharedExits& shared_exits();

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
  enum class Loc : uint8_t { Const, Local, Reg, Mem, Flags };
  struct Val {
    Loc loc = Loc::Mem;
    ValType type = ValType::I32;
    JReg reg{};
    JCond cond = JCond::Eq;
    uint32_t local = 0;
    uint64_t imm = 0;
    uint32_t h = 0;  ///< its height, once popped (for Mem values)
  };
  static constexpr int16_t kFree = -1;
  /// Out-of-line code at the end of the function: a trap (kind and wasm offset), a callee's
  /// trap passed on (kind in the result register), or a helper's trap raised here.
  enum class StubKind : uint8_t { Trap, Propagate, RaiseEax };
  JLabel add_stub(StubKind kind, TrapKind trap, int extra);
  static constexpr int16_t kHeld = -2;  ///< taken by the instruction being compiled

  // ---- frame layout (interp/code.h) ----
  int32_t home(uint32_t h) const { return static_cast<int32_t>((nlocals_ + h) * 16); }
  static int32_t local_off(uint32_t i) { return static_cast<int32_t>(i * 16); }

  // ---- registers and the value stack (compiler.cpp) ----
  int16_t& owner(JReg r) { return r.cls == RegClass::Gp ? gp_owner_[r.id] : fp_owner_[r.id]; }
  JReg alloc(RegClass c);
  void release(JReg r) { owner(r) = kFree; }
  void push(const Val& v);
  void push_reg(ValType t, JReg r);
  void push_mem(ValType t);
  Val pop();  ///< a register it held becomes kHeld
  void drop_to(uint32_t h);
  /// The value in a (held) register, loading it if needed.
  JReg into_reg(Val& v);
  /// Stores a value at a frame offset without changing the compiler's state.
  void store_val(const Val& v, int32_t off);
  void spill(uint32_t h);
  void spill_all();
  void materialize_flags();
  void spill_local_refs(uint32_t local);
  /// Frees the given registers of other live values (x86 division and shifts).
  void evict(std::initializer_list<uint8_t> gp_ids);

  // ---- control (compiler.cpp) ----
  bool branch_is_simple(const Frame& target, uint32_t h) const;
  void branch_copies(const Frame& target, uint32_t h);
  void branch_to(Frame& target, uint32_t h);
  void emit_return(uint32_t h);
  JLabel label_of(const Frame& target) const { return target.data.end; }
  /// Jumps to `l` when the popped condition `c` is true (or false with negate).
  void cond_jump(Val c, bool negate, JLabel l);
  JLabel trap_label(TrapKind kind, int extra = -1) { return add_stub(StubKind::Trap, kind, extra); }
  JLabel propagate_label() { return add_stub(StubKind::Propagate, TrapKind::None, -1); }
  JLabel raise_eax_label() { return add_stub(StubKind::RaiseEax, TrapKind::None, -1); }

  // ---- instructions (compiler_ops.cpp) ----
  void note_height(uint32_t h) {
    if (h > max_h_) max_h_ = h;
  }
  void unsupported(const Instr& ins);
  bool numeric(const Instr& ins, const OpInfo& oi);
  bool int_binary(const Instr& ins);
  bool compare(const Instr& ins);
  bool unary(const Instr& ins, const OpInfo& oi);
  bool fp_binary(const Instr& ins);
  void thunk(const Instr& ins, const OpInfo& oi);
  bool memory_access(const Instr& ins, const OpInfo& oi);
  void helper(const Instr& ins, uint32_t nargs, uint32_t nresults, ValType rtype, uint32_t a, uint32_t b,
              uint32_t c = 0, const void* fn = nullptr);
  void shuffle(const Instr& ins);
  void call(const Instr& ins);
  void select(const Instr& ins);
  void local_set(const Instr& ins);

  struct Stub {
    JLabel label;
    using Kind = StubKind;
    Kind kind = Kind::Trap;
    TrapKind trap = TrapKind::None;
    uint32_t wasm_offset = 0;
    int extra = -1;
  };

  std::optional<asmjit::CodeHolder> code_;
  std::optional<Masm> masm_;
  const WasmModule* module_ = nullptr;
  std::vector<Val> st_;
  int16_t gp_owner_[Masm::kGpRegs] = {};
  int16_t fp_owner_[Masm::kFpRegs] = {};
  std::vector<Stub> stubs_;
  /// Data placed after the code at end_function (i8x16.shuffle lane indices).
  std::vector<std::pair<JLabel, std::vector<uint8_t>>> data_;

  // ---- exception handling (compiler.cpp) ----
  /// A try_table's catch clauses, resolved: where each clause delivers (its target label and
  /// the home offset of the target's values).
  struct Clause {
    CatchEntry entry;
    JLabel target;
  };
  /// The try_tables around the code being compiled, innermost last.
  std::vector<std::vector<Clause>> tries_;
  /// A site that may throw inside try_tables: its out-of-line dispatch through the clauses.
  struct Dispatch {
    JLabel label;
    std::vector<Clause> clauses;  ///< innermost try_table's first
    bool from_call = false;       ///< not caught: propagate (call) or raise (throw)
    uint32_t wasm_offset = 0;
  };
  std::vector<Dispatch> dispatches_;
  std::optional<JLabel> return_homes_;
  std::vector<ValType> fn_results_;
  /// Where an exception from the current site goes when one of the enclosing try_tables
  /// catches it; nullopt outside any try_table.
  std::optional<JLabel> dispatch_label(bool from_call);
  JLabel return_from_homes();
  void throw_op(const Instr& ins);
  uint32_t nlocals_ = 0, nparams_ = 0, nresults_ = 0, max_h_ = 0;
  uint32_t cur_offset_ = 0;
  JLabel body_{}, entry_{}, raise_{}, propagate_{}, exhausted_{}, ret_{};
  std::string unsupported_;
};

}  // namespace shard::jit

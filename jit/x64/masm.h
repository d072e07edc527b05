// The x86-64 macro-assembler: the only part of the JIT that knows the ISA. The shared compiler
// (jit/compiler.cpp) keeps the value stack, chooses registers from the pools below and asks
// for operations on abstract registers (jit/masm_types.h); this class turns each into
// asmjit::x86::Assembler instructions (no Builder/Compiler: one pass, no IR).
//
// Pinned registers while a function runs (callee-saved, so calls out keep them):
//   rbx = the frame (the calling convention's args_results pointer: locals, then one 16-byte
//         home slot per operand-stack height, like the interpreter's frame, code.h)
//   r12 = ExecContext*, r13 = Instance* (the VM context, runtime/layout.h),
//   r14 = memory 0's base, rbp = memory 0's MemoryInst* (its size, for explicit bounds checks),
//   r15 = the FuncInst* being run (for trap backtraces).
// Scratch: r11 and xmm15, never allocated. Every pool register is caller-saved, so the
// compiler spills all values before any call.
#pragma once

#include <asmjit/x86.h>

#include <cstdint>
#include <vector>

#include "jit/masm_types.h"
#include "module.h"
#include "types.h"

namespace shard::jit::x64 {

class Masm {
 public:
  static constexpr uint8_t kGpPool[] = {0 /*rax*/, 1 /*rcx*/, 2 /*rdx*/, 6 /*rsi*/, 7 /*rdi*/, 8, 9, 10};
  static constexpr uint8_t kFpPool[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14};
  static constexpr uint8_t kGpRegs = 16;
  static constexpr uint8_t kFpRegs = 16;
  static constexpr int32_t kMaxImm = INT32_MAX;  ///< immediates an ALU instruction takes (sign-extended 32)

  explicit Masm(asmjit::CodeHolder& code);
  /// Starts over on `code` (after its reset), forgetting all labels.
  void reattach(asmjit::CodeHolder& code);

  JLabel new_label();
  void bind(JLabel l);
  /// Native code offset so far (for the trap table).
  uint32_t offset() const { return static_cast<uint32_t>(a_.offset()); }
  /// A bound label's offset in the flattened code.
  uint64_t label_offset(JLabel l) const { return a_.code()->labelOffsetFromBase(lab(l)); }

  // ---- frame ----
  /// Saves registers, pins the VM context, checks the call depth and the value stack for
  /// `frame_bytes`, and zeroes the declared locals. Jumps to `exhausted` (with nothing to
  /// undo) when either limit is reached.
  void prologue(uint32_t nparams, uint32_t nlocals, uint32_t frame_bytes, JLabel exhausted);
  /// Normal return: TrapKind::None.
  void epilogue();
  /// The shared trap exits: raise (kind in edx, wasm offset in ecx, extra in r8), propagate
  /// (a callee's kind in eax, wasm offset in ecx), and the call-stack-exhausted exit of the
  /// prologue (raises without a frame of its own, like the interpreter).
  void emit_exits(JLabel raise, JLabel propagate, JLabel exhausted, const void* raise_fn,
                  const void* propagate_fn, const void* exhausted_fn);
  /// Jumps to code at an absolute address (through r11: eax may hold a trap kind).
  void jump_abs(const void* target);
  /// An out-of-line stub: loads the trap kind and the wasm offset and jumps to `raise`.
  /// `extra` (a GP register id or -1) is passed along (call_indirect's element index).
  void trap_stub(JLabel stub, TrapKind kind, uint32_t wasm_offset, int extra, JLabel raise);
  /// The short form for sites without `extra`: the offset, then the shared code of its kind.
  void offset_stub(JLabel stub, uint32_t wasm_offset, JLabel kind_stub);
  void kind_stub(JLabel l, TrapKind kind, JLabel raise);
  /// Out-of-line: a callee's (or thunk's) nonzero TrapKind in eax goes to `propagate` / `raise`.
  void propagate_stub(JLabel stub, uint32_t wasm_offset, JLabel propagate);
  void raise_eax_stub(JLabel stub, uint32_t wasm_offset, JLabel raise);

  // ---- moves ----
  void load_imm(JReg r, ValType t, uint64_t v);
  void load_frame(JReg r, ValType t, int32_t off);
  void store_frame(int32_t off, ValType t, JReg r);
  void store_frame_imm(int32_t off, ValType t, uint64_t v);
  void copy_frame(int32_t dst, int32_t src, ValType t);
  void move(JReg dst, JReg src, ValType t);
  /// dst = the condition as 0/1 (i32).
  void set_cond(JReg dst, JCond c);

  // ---- variables ----
  void load_global(JReg r, ValType t, uint32_t index);
  void store_global(uint32_t index, ValType t, JReg r);

  // ---- integer ----
  /// dst = dst op rhs (dst held the left operand). False when `op` has no inline form.
  bool int_binop(Op op, JReg dst, JReg rhs);
  bool int_binop_imm(Op op, JReg dst, int32_t imm);
  /// Whether int_binop(op) needs rax, rdx and rcx free of other live values (division, shifts).
  static bool needs_fixed_regs(Op op);
  /// The registers needs_fixed_regs refers to.
  static constexpr uint8_t kFixedRegs[] = {0, 1, 2};
  /// Division/remainder: traps jump to the stubs (divide by zero, overflow).
  bool int_divrem(Op op, JReg dst, JReg rhs, JLabel div_zero, JLabel overflow);
  /// Compares for a comparison op; the result is the returned condition.
  JCond int_compare(Op op, JReg a, JReg b);
  JCond int_compare_imm(Op op, JReg a, int32_t imm);
  /// Unary int ops and int<->int conversions in place. False when not inline.
  bool int_unop(Op op, JReg dst, JReg src);
  void test_zero(JReg r, ValType t);  ///< sets the flags for JCond::Zero / NonZero

  // ---- float ----
  bool fp_binop(Op op, JReg dst, JReg rhs);
  /// Comparisons: a condition on the flags, or -1 when the result was written to `out`
  /// as 0/1 instead (eq/ne need two flags).
  bool fp_compare(Op op, JReg a, JReg b, JReg out, JCond& cond, bool& in_flags);
  /// Unary float ops and conversions between classes (dst may be another class).
  bool fp_unop(Op op, JReg dst, JReg src);

  // ---- memory 0, explicit bounds checks ----
  /// Traps to `oob` unless [addr + offset, +width) is inside memory 0. Returns the
  /// displacement the access uses (the offset, or 0 when it was added to r11).
  void bounds_check(JReg addr, uint64_t offset, uint32_t width, JLabel oob);
  void load_mem(Op op, JReg dst, JReg addr, uint64_t offset);
  void store_mem(Op op, JReg addr, uint64_t offset, JReg val);
  void memory_size(JReg dst);

  // ---- control ----
  void jump(JLabel l);
  void jump_if(JCond c, JLabel l);
  /// Jump table: index in `idx` (i32), entries[0..n-1]; an index >= n-1 takes entries[n-1].
  void jump_table(JReg idx, const std::vector<JLabel>& entries);
  /// select: dst = cond != 0 ? dst : other.
  void select(JReg cond, JReg dst, JReg other, ValType t);

  // ---- calls ----
  /// Calls FuncInst `callee_in_r11`'s entry with the arguments at frame offset `args`, after
  /// setting ctx->stack_top past them (`io_slots` slots) and ctx->caller. eax = TrapKind.
  void call_entry(int32_t args, uint32_t io_slots);
  /// r11 = instance->funcs[index]
  void load_func(uint32_t index);
  /// call_indirect: r11 = the checked callee; traps to the stubs.
  void load_indirect(uint32_t table, uint32_t type_index, JReg idx, JLabel undefined, JLabel uninit,
                     JLabel mismatch);
  /// A C helper `TrapKind fn(Slot* s, uint32_t imm)` on the home slots at `off`.
  void call_slot_helper(const void* fn, int32_t off, uint32_t imm);
  /// A C helper `TrapKind fn(ExecContext*, Instance*, Slot*, uint32_t, uint32_t, uint32_t)`.
  void call_ctx_helper(const void* fn, int32_t off, uint32_t a, uint32_t b, uint32_t c);
  /// A C helper `void fn(Slot*, const void* data)` with data embedded in the code.
  void call_data_helper(const void* fn, int32_t off, JLabel data);
  void test_eax_jump_nonzero(JLabel l);
  void cmp_eax_jump_eq(uint32_t value, JLabel l);
  void mov_eax(uint32_t value);
  /// eax = catch_dispatch(ctx, instance, frame, clauses at `table`, n).
  void call_catch_dispatch(const void* fn, JLabel table, uint32_t n);
  /// The register holding a helper's result (eax), as the compiler's jump-table index.
  static constexpr JReg kResultReg{RegClass::Gp, 0};
  /// dst (GP) = eax/rax after a helper call.
  void take_result(JReg dst, ValType t);
  /// Places bytes in the code (16-byte aligned) at label `l` (shuffle lane indices).
  void embed_at(JLabel l, const void* data, size_t size);

  void ud2();

 private:
  asmjit::Label lab(JLabel l) const { return labels_[l.id]; }
  asmjit::x86::Mem frame(int32_t off) const;

  asmjit::x86::Assembler a_;
  std::vector<asmjit::Label> labels_;
};

}  // namespace shard::jit::x64

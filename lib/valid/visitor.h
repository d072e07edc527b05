// The contract between the one function-body decoder (body_decoder.h) and its consumers.
//
// BodyDecoder<V> walks a function body once, keeps the spec's operand and control stacks
// (appendix/algorithm.rst), validates every instruction (valid/instructions.rst), and calls
// the visitor V with the instruction already typed. The validator is BodyDecoder<NullVisitor>;
// the interpreter's compiler (interp/) and the JIT (jit/) are other visitors. Nothing else
// in Shard parses function bodies.
//
// A visitor derives from VisitorBase (for the no-op defaults) and defines:
//   struct Control { ... };     per-control-frame data (e.g. a branch patch list)
// and overrides (by hiding) whichever hooks it needs. Hooks are called directly, not virtually.
//
// When hooks are called:
//   - begin_function before the first instruction, end_function after the final `end`.
//   - Structured control hooks (on_block/on_loop/on_if/on_else/on_end) are called always,
//     also in unreachable code, so a visitor can keep its own nesting in step. The frame
//     passed tells whether its code was reachable on entry (`reachable_on_entry`).
//   - Every other hook (on_op, on_br, on_br_if, on_br_table, on_return) is called only while
//     the current code is reachable: dead code after br/return/unreachable is validated
//     but not shown to the visitor.
//   - For every hook, `Instr::height` is the operand-stack height (in values, all types count
//     1) before the instruction, measured from the function's base (locals are not on it).
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "binary/immediates.h"
#include "module.h"
#include "types.h"

namespace shard {

/// A block type resolved to its signature (binary/instructions.rst: blocktype).
struct BlockSig {
  std::span<const ValType> params;
  std::span<const ValType> results;
};

/// One decoded instruction with its immediates (binary/immediates.h). Fields not used by
/// `op` are left default.
struct Instr : Immediates {
  Op op = Op::Nop;
  size_t offset = 0;     ///< byte offset of the opcode in WasmModule::bytes
  uint32_t height = 0;   ///< operand-stack height before the instruction
};

enum class FrameKind : uint8_t { Function, Block, Loop, If, Else, TryTable };

/// A control frame (appendix/algorithm.rst: ctrl_frame) plus the visitor's data.
template <class Control>
struct ControlFrame {
  FrameKind kind = FrameKind::Block;
  BlockSig sig;
  uint32_t height = 0;            ///< operand-stack height at entry, below the block's params
  bool unreachable = false;       ///< the rest of this frame's code is unreachable (spec's flag)
  bool reachable_on_entry = true; ///< whether the frame's first instruction is reachable
  size_t offset = 0;              ///< offset of the opening instruction
  ValType single_result{};        ///< storage behind `sig` for a one-value block type
  Control data{};

  /// Types a branch to this frame carries: a loop's params, any other frame's results.
  std::span<const ValType> label_types() const { return kind == FrameKind::Loop ? sig.params : sig.results; }
};

/// What begin_function sees.
struct FunctionInfo {
  const WasmModule* module = nullptr;
  uint32_t func_index = 0;           ///< in the function index space (imports first)
  const FuncType* type = nullptr;
  std::span<const ValType> locals;   ///< params followed by declared locals
};

/// No-op defaults; the validator uses this as-is.
struct VisitorBase {
  struct Control {};
  void begin_function(const FunctionInfo&) {}
  void end_function() {}

  template <class F> void on_block(const Instr&, F& /*frame*/) {}
  template <class F> void on_loop(const Instr&, F& /*frame*/) {}
  template <class F> void on_if(const Instr&, F& /*frame*/) {}  ///< condition already popped
  template <class F> void on_else(const Instr&, F& /*frame*/) {}
  /// try_table: `frames` is the whole control stack with the try_table's frame last, so a
  /// catch clause's label l is frames[size-2-l]. Called always, like on_block.
  template <class F> void on_try_table(const Instr&, std::vector<F>& /*frames*/) {}
  /// The frame is still on the stack; for FrameKind::Function this is the implicit return.
  template <class F> void on_end(const Instr&, F& /*frame*/) {}

  template <class F> void on_br(const Instr&, F& /*target*/) {}
  template <class F> void on_br_if(const Instr&, F& /*target*/) {}  ///< condition popped
  /// `frames` is the whole control stack, innermost last: target depth d is frames[size-1-d].
  template <class F> void on_br_table(const Instr&, std::vector<F>& /*frames*/) {}
  void on_return(const Instr&) {}

  /// Every other instruction (numeric, memory, variable, table, reference, calls, drop, select,
  /// unreachable, nop, throw, throw_ref) after its operands were type-checked.
  void on_op(const Instr&) {}
};

using NullVisitor = VisitorBase;

}  // namespace shard

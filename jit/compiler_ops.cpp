// The JIT compiler's instructions (everything but structured control, which is in
// compiler.cpp). Common integer and float operations are inlined through the macro-assembler;
// the other numeric and SIMD operations call their sem:: function through a slot thunk
// (jit/thunks.h), so the arithmetic is written once for both tiers.
#include <cstring>

#include "jit/compiler.h"
#include "jit/thunks.h"

namespace shard::jit {

namespace {

/// The value type of an opcode-table operand (I32 for the unused None of stores).
ValType val_type(OpType t) { return t == OpType::None ? ValType::I32 : to_val_type(t); }

bool fits_imm32(ValType t, uint64_t v) {
  return t == ValType::I32 || static_cast<int64_t>(v) == static_cast<int32_t>(v);
}

bool is_divrem(Op op) {
  using enum Op;
  switch (op) {
    case I32DivS: case I32DivU: case I32RemS: case I32RemU:
    case I64DivS: case I64DivU: case I64RemS: case I64RemU:
      return true;
    default: return false;
  }
}

bool is_int_compare(Op op) {
  using enum Op;
  switch (op) {
    case I32Eqz: case I32Eq: case I32Ne: case I32LtS: case I32LtU: case I32GtS: case I32GtU:
    case I32LeS: case I32LeU: case I32GeS: case I32GeU:
    case I64Eqz: case I64Eq: case I64Ne: case I64LtS: case I64LtU: case I64GtS: case I64GtU:
    case I64LeS: case I64LeU: case I64GeS: case I64GeU:
      return true;
    default: return false;
  }
}

/// Memory accesses compiled inline: memory 0, scalar and whole-v128 (the other SIMD forms
/// go to the interpreter for now).
uint32_t access_width(Op op) {
  using enum Op;
  switch (op) {
    case I32Load8S: case I32Load8U: case I64Load8S: case I64Load8U: case I32Store8: case I64Store8: return 1;
    case I32Load16S: case I32Load16U: case I64Load16S: case I64Load16U: case I32Store16: case I64Store16: return 2;
    case I32Load: case F32Load: case I64Load32S: case I64Load32U: case I32Store: case F32Store: case I64Store32: return 4;
    case I64Load: case F64Load: case I64Store: case F64Store: return 8;
    case V128Load: case V128Store: return 16;
    default: return 0;
  }
}

}  // namespace

void Compiler::unsupported(const Instr& ins) {
  if (unsupported_.empty()) unsupported_ = std::string(info(ins.op).name);
}

void Compiler::on_op(const Instr& ins) {
  if (!unsupported_.empty()) return;
  cur_offset_ = static_cast<uint32_t>(ins.offset);
  const OpInfo& oi = info(ins.op);
  // A comparison's flags survive only into the next br_if/if; anything else takes them as
  // a value first.
  materialize_flags();
  using enum Op;
  switch (ins.op) {
    case Nop: return;
    case Unreachable: masm_->jump(trap_label(TrapKind::Unreachable)); return;
    case I32Const: case I64Const: case F32Const: case F64Const: {
      Val v;
      v.loc = Loc::Const;
      v.type = ins.op == I32Const ? ValType::I32 : ins.op == I64Const ? ValType::I64
             : ins.op == F32Const ? ValType::F32 : ValType::F64;
      std::memcpy(&v.imm, ins.bytes.data(), 8);
      if (ins.op == I32Const || ins.op == F32Const) v.imm &= 0xffffffffu;  // i32 kept zero-extended
      push(v);
      return;
    }
    case V128Const: {
      // Written straight to its home slot: no 128-bit immediates on the ISA.
      uint64_t lo, hi;
      std::memcpy(&lo, ins.bytes.data(), 8);
      std::memcpy(&hi, ins.bytes.data() + 8, 8);
      int32_t off = home(static_cast<uint32_t>(st_.size()));
      masm_->store_frame_imm(off, ValType::I64, lo);
      masm_->store_frame_imm(off + 8, ValType::I64, hi);
      push_mem(ValType::V128);
      return;
    }
    case RefNull: {
      Val v;
      v.loc = Loc::Const;
      v.type = ins.type;
      push(v);
      return;
    }
    case RefIsNull: {
      Val a = pop();
      JReg r = into_reg(a);
      masm_->test_zero(r, ValType::I64);
      release(r);
      Val v;
      v.loc = Loc::Flags;
      v.type = ValType::I32;
      v.cond = JCond::Zero;
      push(v);
      return;
    }
    case LocalGet: {
      Val v;
      v.loc = Loc::Local;
      v.type = ins.type;
      v.local = ins.index;
      push(v);
      return;
    }
    case LocalSet: case LocalTee: local_set(ins); return;
    case GlobalGet: {
      JReg r = alloc(reg_class(ins.type));
      masm_->load_global(r, ins.type, ins.index);
      push_reg(ins.type, r);
      return;
    }
    case GlobalSet: {
      Val v = pop();
      JReg r = into_reg(v);
      masm_->store_global(ins.index, ins.type, r);
      release(r);
      return;
    }
    case Drop: {
      Val v = pop();
      if (v.loc == Loc::Reg) release(v.reg);
      return;
    }
    case Select: case SelectT: select(ins); return;
    case Call: case CallIndirect: call(ins); return;
    case Throw: case ThrowRef: throw_op(ins); return;
    case MemorySize:
      if (ins.index != 0) {
        helper(ins, 0, 1, ValType::I32, ins.index, 0);
      } else {
        JReg r = alloc(RegClass::Gp);
        masm_->memory_size(r);
        push_reg(ValType::I32, r);
      }
      return;
    case MemoryGrow: helper(ins, 1, 1, ValType::I32, ins.index, 0); return;
    case MemoryFill: helper(ins, 3, 0, ValType::I32, ins.index, 0); return;
    case MemoryCopy: case TableCopy: helper(ins, 3, 0, ValType::I32, ins.index, ins.index2); return;
    case MemoryInit: case TableInit: helper(ins, 3, 0, ValType::I32, ins.index, ins.index2); return;
    case DataDrop: case ElemDrop: helper(ins, 0, 0, ValType::I32, ins.index, 0); return;
    case TableGet: helper(ins, 1, 1, ins.type, ins.index, 0); return;
    case TableSet: helper(ins, 2, 0, ValType::I32, ins.index, 0); return;
    case TableSize: helper(ins, 0, 1, ValType::I32, ins.index, 0); return;
    case TableGrow: helper(ins, 2, 1, ValType::I32, ins.index, 0); return;
    case TableFill: helper(ins, 3, 0, ValType::I32, ins.index, 0); return;
    case RefFunc: helper(ins, 0, 1, ValType::FuncRef, ins.index, 0); return;
    default: break;
  }
  if (oi.imm == Imm::MemArg || oi.imm == Imm::MemArgLane) {
    if (memory_access(ins, oi)) return;
    // Other memories and the SIMD forms: out of line, with the same bounds rule.
    helper(ins, static_cast<uint32_t>(oi.param_count()), oi.result == OpType::None ? 0 : 1, val_type(oi.result),
           ins.index, static_cast<uint32_t>(ins.offset_imm), ins.lane, reinterpret_cast<const void*>(memory_helper(ins.op)));
    return;
  }
  if (ins.op == I8x16Shuffle) {
    shuffle(ins);
    return;
  }
  if (!numeric(ins, oi)) unsupported(ins);
}

// ---- variables and parametric ----------------------------------------------------------

void Compiler::local_set(const Instr& ins) {
  Val v = pop();
  if (v.loc == Loc::Local && v.local == ins.index) {
    if (ins.op == Op::LocalTee) push(v);
    return;
  }
  // Values still naming the local read its old value: give them their own copy first.
  spill_local_refs(ins.index);
  if (v.loc == Loc::Mem) {
    masm_->copy_frame(local_off(ins.index), home(v.h), v.type);
  } else {
    store_val(v, local_off(ins.index));
    if (v.loc == Loc::Reg) release(v.reg);
  }
  if (ins.op == Op::LocalTee) {
    Val t;
    t.loc = Loc::Local;
    t.type = ins.type;
    t.local = ins.index;
    push(t);
  }
}

void Compiler::select(const Instr& ins) {
  Val c = pop();
  Val b = pop();
  Val a = pop();
  JReg rc = into_reg(c);
  JReg rb = into_reg(b);
  JReg ra = into_reg(a);
  masm_->select(rc, ra, rb, ins.type);
  release(rc);
  release(rb);
  push_reg(ins.type, ra);
}

// ---- numeric -------------------------------------------------------------------------------

bool Compiler::numeric(const Instr& ins, const OpInfo& oi) {
  if (oi.imm == Imm::None && oi.result != OpType::V128 && oi.params[0] != OpType::V128) {
    if (is_int_compare(ins.op)) return compare(ins);
    if (oi.param_count() == 2 && (oi.params[0] == OpType::I32 || oi.params[0] == OpType::I64) &&
        int_binary(ins))
      return true;
    if (oi.param_count() == 2 && (oi.params[0] == OpType::F32 || oi.params[0] == OpType::F64) &&
        fp_binary(ins))
      return true;
    if (oi.param_count() == 1 && unary(ins, oi)) return true;
  }
  if (slot_thunk(ins.op) == nullptr) return false;
  thunk(ins, oi);
  return true;
}

bool Compiler::int_binary(const Instr& ins) {
  ValType t = val_type(info(ins.op).params[0]);
  Val& top = st_.back();
  if (top.loc == Loc::Const && fits_imm32(t, top.imm) && !is_divrem(ins.op)) {
    Val b = pop();
    Val a = pop();
    JReg ra = into_reg(a);
    if (!masm_->int_binop_imm(ins.op, ra, static_cast<int32_t>(b.imm))) {
      // Not inline after all: back on the stack as it was, and the thunk does it.
      push_reg(t, ra);
      push(b);
      return false;
    }
    push_reg(t, ra);
    return true;
  }
  bool fixed = Masm::needs_fixed_regs(ins.op);
  if (!fixed) {
    Val b = pop();
    Val a = pop();
    JReg rb = into_reg(b);
    JReg ra = into_reg(a);
    if (!masm_->int_binop(ins.op, ra, rb)) {
      push_reg(t, ra);
      push_reg(t, rb);
      return false;
    }
    release(rb);
    push_reg(t, ra);
    return true;
  }
  // Division and shifts use fixed registers: no other live value may sit in them.
  Val b = pop();
  Val a = pop();
  evict({Masm::kFixedRegs[0], Masm::kFixedRegs[1], Masm::kFixedRegs[2]});
  JReg rb = into_reg(b);
  JReg ra = into_reg(a);
  // The fixed registers may be clobbered: hold them while the instruction runs.
  bool held[3];
  for (int i = 0; i < 3; ++i) {
    JReg r{RegClass::Gp, Masm::kFixedRegs[i]};
    held[i] = owner(r) == kFree;
    if (held[i]) owner(r) = kHeld;
  }
  if (is_divrem(ins.op)) {
    JLabel zero = trap_label(TrapKind::IntegerDivideByZero);
    JLabel overflow = trap_label(TrapKind::IntegerOverflow);
    masm_->int_divrem(ins.op, ra, rb, zero, overflow);
  } else {
    masm_->int_binop(ins.op, ra, rb);
  }
  for (int i = 0; i < 3; ++i)
    if (held[i]) release(JReg{RegClass::Gp, Masm::kFixedRegs[i]});
  release(rb);
  owner(ra) = kHeld;
  push_reg(t, ra);
  return true;
}

bool Compiler::compare(const Instr& ins) {
  ValType t = val_type(info(ins.op).params[0]);
  Val v;
  v.loc = Loc::Flags;
  v.type = ValType::I32;
  if (ins.op == Op::I32Eqz || ins.op == Op::I64Eqz) {
    Val a = pop();
    JReg ra = into_reg(a);
    v.cond = masm_->int_compare(ins.op, ra, ra);
    release(ra);
    push(v);
    return true;
  }
  Val b = pop();
  Val a = pop();
  JReg ra = into_reg(a);
  if (b.loc == Loc::Const && fits_imm32(t, b.imm)) {
    v.cond = masm_->int_compare_imm(ins.op, ra, static_cast<int32_t>(b.imm));
  } else {
    JReg rb = into_reg(b);
    v.cond = masm_->int_compare(ins.op, ra, rb);
    release(rb);
  }
  release(ra);
  push(v);
  return true;
}

bool Compiler::fp_binary(const Instr& ins) {
  using enum Op;
  ValType t = val_type(info(ins.op).params[0]);
  switch (ins.op) {
    case F32Eq: case F32Ne: case F32Lt: case F32Gt: case F32Le: case F32Ge:
    case F64Eq: case F64Ne: case F64Lt: case F64Gt: case F64Le: case F64Ge: {
      Val b = pop();
      Val a = pop();
      JReg rb = into_reg(b);
      JReg ra = into_reg(a);
      JReg out = alloc(RegClass::Gp);
      Val v;
      v.type = ValType::I32;
      bool in_flags = false;
      masm_->fp_compare(ins.op, ra, rb, out, v.cond, in_flags);
      release(ra);
      release(rb);
      if (in_flags) {
        release(out);
        v.loc = Loc::Flags;
        push(v);
      } else {
        push_reg(ValType::I32, out);
      }
      return true;
    }
    case F32Add: case F32Sub: case F32Mul: case F32Div:
    case F64Add: case F64Sub: case F64Mul: case F64Div: {
      Val b = pop();
      Val a = pop();
      JReg rb = into_reg(b);
      JReg ra = into_reg(a);
      masm_->fp_binop(ins.op, ra, rb);
      release(rb);
      push_reg(t, ra);
      return true;
    }
    default: return false;
  }
}

bool Compiler::unary(const Instr& ins, const OpInfo& oi) {
  ValType rt = val_type(oi.result);
  ValType at = val_type(oi.params[0]);
  Val a = pop();
  JReg ra = into_reg(a);
  bool ok;
  JReg dst = ra;
  if (reg_class(rt) != reg_class(at)) {
    dst = alloc(reg_class(rt));
    ok = masm_->fp_unop(ins.op, dst, ra);
    if (ok) release(ra);
    else release(dst);
  } else if (reg_class(rt) == RegClass::Gp) {
    ok = masm_->int_unop(ins.op, ra, ra);
  } else {
    ok = masm_->fp_unop(ins.op, ra, ra);
  }
  if (!ok) {
    push_reg(at, ra);
    return false;
  }
  push_reg(rt, dst);
  return true;
}

void Compiler::thunk(const Instr& ins, const OpInfo& oi) {
  auto n = static_cast<uint32_t>(oi.param_count());
  auto base = static_cast<uint32_t>(st_.size()) - n;
  spill_all();
  masm_->call_slot_helper(reinterpret_cast<const void*>(slot_thunk(ins.op)), home(base), ins.lane);
  masm_->test_eax_jump_nonzero(raise_eax_label());
  drop_to(base);
  push_mem(val_type(oi.result));
}

// ---- memory, tables and other runtime operations ---------------------------------------

bool Compiler::memory_access(const Instr& ins, const OpInfo& oi) {
  uint32_t width = access_width(ins.op);
  if (width == 0 || ins.index != 0) return false;  // SIMD forms, other memories: not yet
  bool store = oi.result == OpType::None;
  JLabel oob = trap_label(TrapKind::OutOfBoundsMemory);
  if (store) {
    Val v = pop();
    Val a = pop();
    JReg rv = into_reg(v);
    JReg ra = into_reg(a);
    masm_->bounds_check(ra, ins.offset_imm, width, oob);
    masm_->store_mem(ins.op, ra, ins.offset_imm, rv);
    release(rv);
    release(ra);
    return true;
  }
  ValType rt = val_type(oi.result);
  Val a = pop();
  JReg ra = into_reg(a);
  masm_->bounds_check(ra, ins.offset_imm, width, oob);
  JReg dst = ra;
  if (reg_class(rt) != RegClass::Gp) dst = alloc(reg_class(rt));
  masm_->load_mem(ins.op, dst, ra, ins.offset_imm);
  if (!(dst == ra)) release(ra);
  push_reg(rt, dst);
  return true;
}

void Compiler::helper(const Instr& ins, uint32_t nargs, uint32_t nresults, ValType rtype, uint32_t a, uint32_t b,
                      uint32_t c, const void* fn) {
  auto base = static_cast<uint32_t>(st_.size()) - nargs;
  spill_all();
  note_height(base + 1);
  if (fn == nullptr) fn = reinterpret_cast<const void*>(ctx_helper(ins.op));
  masm_->call_ctx_helper(fn, home(base), a, b, c);
  masm_->test_eax_jump_nonzero(raise_eax_label());
  drop_to(base);
  if (nresults != 0) push_mem(rtype);
}

// exec/instructions.rst: throw, throw_ref. The helper puts the exception in flight; a
// try_table around the site may catch it here, else it leaves the function as a trap of
// kind Exception (the interpreter's "uncaught exception" with this frame).
void Compiler::throw_op(const Instr& ins) {
  uint32_t n = ins.op == Op::ThrowRef ? 1
             : static_cast<uint32_t>(module_->types[module_->all_tags[ins.index].type_index].params.size());
  auto base = static_cast<uint32_t>(st_.size()) - n;
  spill_all();
  note_height(base + 1);
  const void* fn = ins.op == Op::Throw ? reinterpret_cast<const void*>(&throw_exception)
                                       : reinterpret_cast<const void*>(&throw_ref);
  masm_->call_ctx_helper(fn, home(base), ins.index, 0, 0);
  if (auto d = dispatch_label(/*from_call=*/false)) masm_->cmp_eax_jump_eq(static_cast<uint32_t>(TrapKind::Exception), *d);
  masm_->jump(raise_eax_label());
  drop_to(base);
}

void Compiler::shuffle(const Instr& ins) {
  auto base = static_cast<uint32_t>(st_.size()) - 2;
  spill_all();
  JLabel lanes = masm_->new_label();
  data_.emplace_back(lanes, std::vector<uint8_t>(ins.bytes.begin(), ins.bytes.end()));
  masm_->call_data_helper(reinterpret_cast<const void*>(&jit::shuffle), home(base), lanes);
  drop_to(base);
  push_mem(ValType::V128);
}

// ---- calls (exec/instructions.rst: call, call_indirect) --------------------------------

void Compiler::call(const Instr& ins) {
  const WasmModule& m = *module_;
  bool indirect = ins.op == Op::CallIndirect;
  const FuncType& ft = indirect ? m.types[ins.index] : m.func_type(ins.index);
  auto np = static_cast<uint32_t>(ft.params.size());
  auto nr = static_cast<uint32_t>(ft.results.size());
  // Arguments are passed in place (the rt calling convention): they go to their home slots,
  // which become the callee's args_results area.
  std::optional<Val> idx;
  if (indirect) idx = pop();
  uint32_t args = static_cast<uint32_t>(st_.size()) - np;
  spill_all();
  if (indirect) {
    // The index in rcx: rax and r11 are the sequence's scratch registers.
    JReg r{RegClass::Gp, 1};
    if (idx->loc == Loc::Reg) {
      masm_->move(r, idx->reg, ValType::I32);
      release(idx->reg);
    } else {
      Val v = *idx;
      owner(r) = kHeld;
      switch (v.loc) {
        case Loc::Const: masm_->load_imm(r, ValType::I32, v.imm); break;
        case Loc::Local: masm_->load_frame(r, ValType::I32, local_off(v.local)); break;
        case Loc::Mem: masm_->load_frame(r, ValType::I32, home(v.h)); break;
        default: break;
      }
    }
    JLabel undefined = trap_label(TrapKind::UndefinedElement);
    JLabel uninit = trap_label(TrapKind::UninitializedElement, r.id);
    JLabel mismatch = trap_label(TrapKind::IndirectCallTypeMismatch);
    masm_->load_indirect(ins.index2, ins.index, r, undefined, uninit, mismatch);
    release(r);
  } else {
    masm_->load_func(ins.index);
  }
  uint32_t io = std::max(np, nr);
  note_height(args + io + 1);
  masm_->call_entry(home(args), io);
  if (auto d = dispatch_label(/*from_call=*/true)) masm_->cmp_eax_jump_eq(static_cast<uint32_t>(TrapKind::Exception), *d);
  masm_->test_eax_jump_nonzero(propagate_label());
  drop_to(args);
  for (ValType t : ft.results) push_mem(t);
}

}  // namespace shard::jit

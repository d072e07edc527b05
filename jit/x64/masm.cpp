// x86-64 instruction selection for the JIT's abstract operations (see masm.h).
#include "jit/x64/masm.h"

#include "runtime/layout.h"

namespace shard::jit::x64 {

namespace x86 = asmjit::x86;
namespace L = rt::layout;
using asmjit::Imm;

namespace {

const x86::Gp kFrame = x86::rbx, kCtx = x86::r12, kInst = x86::r13, kMemBase = x86::r14, kSelf = x86::r15,
              kMem0 = x86::rbp, kScratch = x86::r11;
const x86::Xmm kFpScratch = x86::xmm15;

bool is64(ValType t) { return t != ValType::I32 && t != ValType::F32; }
x86::Gp gp(JReg r, bool wide) { return wide ? x86::Gp(x86::gpq(r.id)) : x86::Gp(x86::gpd(r.id)); }
x86::Xmm xmm(JReg r) { return x86::xmm(r.id); }

x86::CondCode cc(JCond c) {
  switch (c) {
    case JCond::Eq: return x86::CondCode::kEqual;
    case JCond::Ne: return x86::CondCode::kNotEqual;
    case JCond::LtS: return x86::CondCode::kSignedLT;
    case JCond::LtU: return x86::CondCode::kUnsignedLT;
    case JCond::GtS: return x86::CondCode::kSignedGT;
    case JCond::GtU: return x86::CondCode::kUnsignedGT;
    case JCond::LeS: return x86::CondCode::kSignedLE;
    case JCond::LeU: return x86::CondCode::kUnsignedLE;
    case JCond::GeS: return x86::CondCode::kSignedGE;
    case JCond::GeU: return x86::CondCode::kUnsignedGE;
    case JCond::Zero: return x86::CondCode::kZero;
    case JCond::NonZero: return x86::CondCode::kNotZero;
  }
  return x86::CondCode::kEqual;
}

/// Whether an op works on 64-bit integers (its first operand's type).
bool op64(Op op) {
  OpType t = info(op).params[0];
  return t == OpType::I64 || t == OpType::F64;
}

JCond int_cond(Op op) {
  using enum Op;
  switch (op) {
    case I32Eq: case I64Eq: return JCond::Eq;
    case I32Ne: case I64Ne: return JCond::Ne;
    case I32LtS: case I64LtS: return JCond::LtS;
    case I32LtU: case I64LtU: return JCond::LtU;
    case I32GtS: case I64GtS: return JCond::GtS;
    case I32GtU: case I64GtU: return JCond::GtU;
    case I32LeS: case I64LeS: return JCond::LeS;
    case I32LeU: case I64LeU: return JCond::LeU;
    case I32GeS: case I64GeS: return JCond::GeS;
    case I32GeU: case I64GeU: return JCond::GeU;
    case I32Eqz: case I64Eqz: return JCond::Zero;
    default: return JCond::Eq;
  }
}

void call_abs(x86::Assembler& a, const void* fn) {
  a.mov(x86::rax, Imm(reinterpret_cast<uint64_t>(fn)));
  a.call(x86::rax);
}

void restore_and_ret(x86::Assembler& a) {
  a.add(x86::rsp, 8);
  a.pop(x86::r15);
  a.pop(x86::r14);
  a.pop(x86::r13);
  a.pop(x86::r12);
  a.pop(x86::rbx);
  a.pop(x86::rbp);
  a.ret();
}

}  // namespace

Masm::Masm(asmjit::CodeHolder& code) { code.attach(&a_); }

void Masm::reattach(asmjit::CodeHolder& code) {
  labels_.clear();
  code.attach(&a_);
}

JLabel Masm::new_label() {
  labels_.push_back(a_.newLabel());
  return JLabel{static_cast<uint32_t>(labels_.size() - 1)};
}
void Masm::bind(JLabel l) { a_.bind(lab(l)); }
x86::Mem Masm::frame(int32_t off) const { return x86::ptr(kFrame, off); }

// ---- frame ---------------------------------------------------------------------------------

void Masm::prologue(uint32_t nparams, uint32_t nlocals, uint32_t frame_bytes, JLabel exhausted) {
  a_.push(x86::rbp);
  a_.push(x86::rbx);
  a_.push(x86::r12);
  a_.push(x86::r13);
  a_.push(x86::r14);
  a_.push(x86::r15);
  a_.sub(x86::rsp, 8);  // 16-byte alignment at calls (SysV)
  a_.mov(kCtx, x86::rdi);
  a_.mov(kSelf, x86::rsi);
  a_.mov(kFrame, x86::rdx);
  a_.mov(kInst, x86::qword_ptr(x86::rsi, L::kFuncInstance));
  a_.mov(kMemBase, x86::qword_ptr(kInst, L::kInstanceMem0Base));
  a_.mov(kMem0, x86::qword_ptr(kInst, L::kInstanceMem0));
  // The call depth bounds recursion like the interpreter's ("call stack exhausted"); the
  // frame must fit in the value stack below ctx->stack_end.
  a_.mov(x86::eax, x86::dword_ptr(kCtx, L::kExecDepth));
  a_.cmp(x86::eax, x86::dword_ptr(kCtx, L::kExecMaxDepth));
  a_.jae(lab(exhausted));
  a_.lea(kScratch, x86::ptr(kFrame, static_cast<int32_t>(frame_bytes)));
  a_.cmp(kScratch, x86::qword_ptr(kCtx, L::kExecStackEnd));
  a_.ja(lab(exhausted));
  // The native stack limit (runtime.h: ExecContext::stack_limit): JIT frames and the helpers
  // they call use the host stack, so deep recursion ends in "call stack exhausted".
  a_.cmp(x86::rsp, x86::qword_ptr(kCtx, L::kExecStackLimit));
  a_.jb(lab(exhausted));
  a_.inc(x86::eax);
  a_.mov(x86::dword_ptr(kCtx, L::kExecDepth), x86::eax);
  // HOOK(fuel, epochs): metered code is not compiled by the JIT yet (jit.cpp runs metered
  // stores' functions in the interpreter); the entry checks would go here.
  // exec/instructions.rst: function calls — declared locals start at their default (zero).
  uint32_t n = nlocals - nparams;
  if (n > 0 && n <= 16) {
    a_.xorps(kFpScratch, kFpScratch);
    for (uint32_t i = nparams; i < nlocals; ++i) a_.movups(frame(static_cast<int32_t>(i * 16)), kFpScratch);
  } else if (n > 16) {
    a_.lea(x86::rdi, frame(static_cast<int32_t>(nparams * 16)));
    a_.mov(x86::ecx, n * 2);
    a_.xor_(x86::eax, x86::eax);
    a_.rep().stosq();
  }
}

void Masm::epilogue() {
  a_.dec(x86::dword_ptr(kCtx, L::kExecDepth));
  a_.xor_(x86::eax, x86::eax);
  restore_and_ret(a_);
}

void Masm::emit_exits(JLabel raise, JLabel propagate, JLabel exhausted, const void* raise_fn,
                      const void* propagate_fn, const void* exhausted_fn) {
  a_.bind(lab(raise));
  a_.mov(x86::rdi, kCtx);
  a_.mov(x86::rsi, kSelf);
  call_abs(a_, raise_fn);
  a_.dec(x86::dword_ptr(kCtx, L::kExecDepth));
  restore_and_ret(a_);
  a_.bind(lab(propagate));
  a_.mov(x86::edx, x86::eax);
  a_.mov(x86::rdi, kCtx);
  a_.mov(x86::rsi, kSelf);
  call_abs(a_, propagate_fn);
  a_.dec(x86::dword_ptr(kCtx, L::kExecDepth));
  restore_and_ret(a_);
  a_.bind(lab(exhausted));
  a_.mov(x86::rdi, kCtx);
  call_abs(a_, exhausted_fn);
  restore_and_ret(a_);
}

void Masm::jump_abs(const void* target) {
  a_.mov(kScratch, Imm(reinterpret_cast<uint64_t>(target)));
  a_.jmp(kScratch);
}

void Masm::trap_stub(JLabel stub, TrapKind kind, uint32_t wasm_offset, int extra, JLabel raise) {
  a_.bind(lab(stub));
  if (extra >= 0) a_.mov(x86::r8, x86::gpq(static_cast<uint32_t>(extra)));
  else a_.xor_(x86::r8d, x86::r8d);
  a_.mov(x86::edx, static_cast<uint32_t>(kind));
  a_.mov(x86::ecx, wasm_offset);
  a_.jmp(lab(raise));
}

void Masm::offset_stub(JLabel stub, uint32_t wasm_offset, JLabel kind_stub) {
  a_.bind(lab(stub));
  a_.mov(x86::ecx, wasm_offset);
  a_.jmp(lab(kind_stub));
}

void Masm::kind_stub(JLabel l, TrapKind kind, JLabel raise) {
  a_.bind(lab(l));
  a_.xor_(x86::r8d, x86::r8d);
  a_.mov(x86::edx, static_cast<uint32_t>(kind));
  a_.jmp(lab(raise));
}

void Masm::propagate_stub(JLabel stub, uint32_t wasm_offset, JLabel propagate) {
  a_.bind(lab(stub));
  a_.mov(x86::ecx, wasm_offset);
  a_.jmp(lab(propagate));
}

void Masm::raise_eax_stub(JLabel stub, uint32_t wasm_offset, JLabel raise) {
  a_.bind(lab(stub));
  a_.xor_(x86::r8d, x86::r8d);
  a_.mov(x86::edx, x86::eax);
  a_.mov(x86::ecx, wasm_offset);
  a_.jmp(lab(raise));
}

// ---- moves ---------------------------------------------------------------------------------
// None of these may change the flags: the compiler moves values between a comparison and
// the branch that uses its flags.

void Masm::load_imm(JReg r, ValType t, uint64_t v) {
  if (r.cls == RegClass::Gp) {
    if (is64(t)) a_.mov(gp(r, true), Imm(v));
    else a_.mov(gp(r, false), Imm(static_cast<uint32_t>(v)));
    return;
  }
  if (t == ValType::V128) {  // only zero reaches here (v128.const goes through the frame)
    a_.xorps(xmm(r), xmm(r));
    return;
  }
  a_.mov(kScratch, Imm(v));
  a_.movq(xmm(r), kScratch);
}

void Masm::load_frame(JReg r, ValType t, int32_t off) {
  if (r.cls == RegClass::Gp) {
    if (is64(t)) a_.mov(gp(r, true), x86::qword_ptr(kFrame, off));
    else a_.mov(gp(r, false), x86::dword_ptr(kFrame, off));
  } else if (t == ValType::F32) {
    a_.movss(xmm(r), x86::dword_ptr(kFrame, off));
  } else if (t == ValType::F64) {
    a_.movsd(xmm(r), x86::qword_ptr(kFrame, off));
  } else {
    a_.movups(xmm(r), x86::xmmword_ptr(kFrame, off));
  }
}

void Masm::store_frame(int32_t off, ValType t, JReg r) {
  if (r.cls == RegClass::Gp) {
    // i32 values are kept zero-extended, so a full 8-byte store also leaves the slot clean.
    a_.mov(x86::qword_ptr(kFrame, off), gp(r, true));
  } else if (t == ValType::F32) {
    a_.movss(x86::dword_ptr(kFrame, off), xmm(r));
  } else if (t == ValType::F64) {
    a_.movsd(x86::qword_ptr(kFrame, off), xmm(r));
  } else {
    a_.movups(x86::xmmword_ptr(kFrame, off), xmm(r));
  }
}

void Masm::store_frame_imm(int32_t off, ValType t, uint64_t v) {
  if (t == ValType::V128) {  // zero only
    a_.mov(x86::qword_ptr(kFrame, off), 0);
    a_.mov(x86::qword_ptr(kFrame, off + 8), 0);
    return;
  }
  if (static_cast<int64_t>(v) == static_cast<int32_t>(v)) {
    a_.mov(x86::qword_ptr(kFrame, off), Imm(static_cast<int32_t>(v)));
  } else {
    a_.mov(kScratch, Imm(v));
    a_.mov(x86::qword_ptr(kFrame, off), kScratch);
  }
}

void Masm::copy_frame(int32_t dst, int32_t src, ValType t) {
  if (dst == src) return;
  if (t == ValType::V128) {
    a_.movups(kFpScratch, x86::xmmword_ptr(kFrame, src));
    a_.movups(x86::xmmword_ptr(kFrame, dst), kFpScratch);
    return;
  }
  a_.mov(kScratch, x86::qword_ptr(kFrame, src));
  a_.mov(x86::qword_ptr(kFrame, dst), kScratch);
}

void Masm::move(JReg dst, JReg src, ValType t) {
  if (dst == src) return;
  if (dst.cls == RegClass::Gp) a_.mov(gp(dst, true), gp(src, true));
  else a_.movaps(xmm(dst), xmm(src));
  (void)t;
}

void Masm::set_cond(JReg dst, JCond c) {
  a_.set(cc(c), x86::gpb(dst.id));
  a_.movzx(gp(dst, false), x86::gpb(dst.id));
}

// ---- variables -----------------------------------------------------------------------------

void Masm::load_global(JReg r, ValType t, uint32_t index) {
  a_.mov(kScratch, x86::qword_ptr(kInst, L::kInstanceGlobals));
  a_.mov(kScratch, x86::qword_ptr(kScratch, static_cast<int32_t>(index * 8)));
  if (r.cls == RegClass::Gp) {
    if (is64(t)) a_.mov(gp(r, true), x86::qword_ptr(kScratch, L::kGlobalValue));
    else a_.mov(gp(r, false), x86::dword_ptr(kScratch, L::kGlobalValue));
  } else if (t == ValType::F32) {
    a_.movss(xmm(r), x86::dword_ptr(kScratch, L::kGlobalValue));
  } else if (t == ValType::F64) {
    a_.movsd(xmm(r), x86::qword_ptr(kScratch, L::kGlobalValue));
  } else {
    a_.movups(xmm(r), x86::xmmword_ptr(kScratch, L::kGlobalValue));
  }
}

void Masm::store_global(uint32_t index, ValType t, JReg r) {
  a_.mov(kScratch, x86::qword_ptr(kInst, L::kInstanceGlobals));
  a_.mov(kScratch, x86::qword_ptr(kScratch, static_cast<int32_t>(index * 8)));
  if (r.cls == RegClass::Gp) a_.mov(x86::qword_ptr(kScratch, L::kGlobalValue), gp(r, true));
  else if (t == ValType::F32) a_.movss(x86::dword_ptr(kScratch, L::kGlobalValue), xmm(r));
  else if (t == ValType::F64) a_.movsd(x86::qword_ptr(kScratch, L::kGlobalValue), xmm(r));
  else a_.movups(x86::xmmword_ptr(kScratch, L::kGlobalValue), xmm(r));
}

// ---- integer -------------------------------------------------------------------------------

bool Masm::needs_fixed_regs(Op op) {
  using enum Op;
  switch (op) {
    case I32Shl: case I32ShrS: case I32ShrU: case I32Rotl: case I32Rotr:
    case I64Shl: case I64ShrS: case I64ShrU: case I64Rotl: case I64Rotr:
    case I32DivS: case I32DivU: case I32RemS: case I32RemU:
    case I64DivS: case I64DivU: case I64RemS: case I64RemU:
      return true;
    default: return false;
  }
}

bool Masm::int_binop(Op op, JReg dst, JReg rhs) {
  bool w = op64(op);
  x86::Gp d = gp(dst, w), s = gp(rhs, w);
  using enum Op;
  switch (op) {
    case I32Add: case I64Add: a_.add(d, s); return true;
    case I32Sub: case I64Sub: a_.sub(d, s); return true;
    case I32Mul: case I64Mul: a_.imul(d, s); return true;
    case I32And: case I64And: a_.and_(d, s); return true;
    case I32Or: case I64Or: a_.or_(d, s); return true;
    case I32Xor: case I64Xor: a_.xor_(d, s); return true;
    case I32Shl: case I32ShrS: case I32ShrU: case I32Rotl: case I32Rotr:
    case I64Shl: case I64ShrS: case I64ShrU: case I64Rotl: case I64Rotr: {
      // The count goes in cl (x86 masks it by the width, as Wasm's shifts do); rcx holds no
      // other live value (needs_fixed_regs), but may hold the left operand itself.
      x86::Gp t = dst.id == 1 ? (w ? x86::Gp(kScratch) : x86::Gp(kScratch.r32())) : d;
      if (dst.id == 1) a_.mov(t, d);
      if (rhs.id != 1) a_.mov(x86::ecx, gp(rhs, false));
      switch (op) {
        case I32Shl: case I64Shl: a_.shl(t, x86::cl); break;
        case I32ShrS: case I64ShrS: a_.sar(t, x86::cl); break;
        case I32ShrU: case I64ShrU: a_.shr(t, x86::cl); break;
        case I32Rotl: case I64Rotl: a_.rol(t, x86::cl); break;
        default: a_.ror(t, x86::cl); break;
      }
      if (dst.id == 1) a_.mov(d, t);
      return true;
    }
    default: return false;
  }
}

bool Masm::int_binop_imm(Op op, JReg dst, int32_t imm) {
  bool w = op64(op);
  x86::Gp d = gp(dst, w);
  using enum Op;
  switch (op) {
    case I32Add: case I64Add: a_.add(d, imm); return true;
    case I32Sub: case I64Sub: a_.sub(d, imm); return true;
    case I32Mul: case I64Mul: a_.imul(d, d, imm); return true;
    case I32And: case I64And: a_.and_(d, imm); return true;
    case I32Or: case I64Or: a_.or_(d, imm); return true;
    case I32Xor: case I64Xor: a_.xor_(d, imm); return true;
    default: break;
  }
  int m = imm & (w ? 63 : 31);  // exec/numerics.rst: shift counts are taken modulo the width
  switch (op) {
    case I32Shl: case I64Shl: a_.shl(d, m); return true;
    case I32ShrS: case I64ShrS: a_.sar(d, m); return true;
    case I32ShrU: case I64ShrU: a_.shr(d, m); return true;
    case I32Rotl: case I64Rotl: a_.rol(d, m); return true;
    case I32Rotr: case I64Rotr: a_.ror(d, m); return true;
    default: return false;
  }
}

// exec/numerics.rst: idiv_s traps on a zero divisor and on INT_MIN / -1 (overflow); irem_s
// of INT_MIN by -1 is 0 (x86's idiv would fault, so that case never reaches it).
bool Masm::int_divrem(Op op, JReg dst, JReg rhs, JLabel div_zero, JLabel overflow) {
  bool w = op64(op);
  x86::Gp d = gp(dst, w);
  x86::Gp r = gp(rhs, w);
  if (rhs.id == 0 || rhs.id == 2) {
    x86::Gp s = w ? x86::Gp(kScratch) : x86::Gp(kScratch.r32());
    a_.mov(s, r);
    r = s;
  }
  x86::Gp ax = w ? x86::Gp(x86::rax) : x86::Gp(x86::eax);
  x86::Gp dx = w ? x86::Gp(x86::rdx) : x86::Gp(x86::edx);
  a_.test(r, r);
  a_.jz(lab(div_zero));
  if (dst.id != 0) a_.mov(ax, d);
  using enum Op;
  bool is_signed = op == I32DivS || op == I64DivS || op == I32RemS || op == I64RemS;
  bool is_rem = op == I32RemS || op == I64RemS || op == I32RemU || op == I64RemU;
  asmjit::Label done = a_.newLabel();
  if (is_signed) {
    asmjit::Label normal = a_.newLabel();
    a_.cmp(r, -1);
    a_.jne(normal);
    if (is_rem) {
      a_.xor_(x86::edx, x86::edx);
      a_.jmp(done);
    } else {
      if (w) {
        a_.mov(x86::rdx, Imm(INT64_MIN));
        a_.cmp(x86::rax, x86::rdx);
      } else {
        a_.cmp(x86::eax, Imm(INT32_MIN));
      }
      a_.je(lab(overflow));
    }
    a_.bind(normal);
    if (w) a_.cqo();
    else a_.cdq();
    a_.idiv(r);
  } else {
    a_.xor_(x86::edx, x86::edx);
    a_.div(r);
  }
  a_.bind(done);
  x86::Gp res = is_rem ? dx : ax;
  if (dst.id != res.id()) a_.mov(d, res);
  return true;
}

JCond Masm::int_compare(Op op, JReg a, JReg b) {
  bool w = op64(op);
  if (op == Op::I32Eqz || op == Op::I64Eqz) a_.test(gp(a, w), gp(a, w));
  else a_.cmp(gp(a, w), gp(b, w));
  return int_cond(op);
}

JCond Masm::int_compare_imm(Op op, JReg a, int32_t imm) {
  a_.cmp(gp(a, op64(op)), imm);
  return int_cond(op);
}

void Masm::test_zero(JReg r, ValType t) { a_.test(gp(r, is64(t)), gp(r, is64(t))); }

bool Masm::int_unop(Op op, JReg dst, JReg src) {
  const asmjit::CpuFeatures& f = asmjit::CpuInfo::host().features();
  using enum Op;
  switch (op) {
    case I32Clz: case I64Clz:
      if (!f.x86().hasLZCNT()) return false;
      a_.lzcnt(gp(dst, op64(op)), gp(src, op64(op)));
      return true;
    case I32Ctz: case I64Ctz:
      if (!f.x86().hasBMI()) return false;
      a_.tzcnt(gp(dst, op64(op)), gp(src, op64(op)));
      return true;
    case I32Popcnt: case I64Popcnt:
      if (!f.x86().hasPOPCNT()) return false;
      a_.popcnt(gp(dst, op64(op)), gp(src, op64(op)));
      return true;
    case I32WrapI64: case I64ExtendI32U: a_.mov(gp(dst, false), gp(src, false)); return true;
    case I64ExtendI32S: a_.movsxd(gp(dst, true), gp(src, false)); return true;
    case I32Extend8S: a_.movsx(gp(dst, false), x86::gpb(src.id)); return true;
    case I32Extend16S: a_.movsx(gp(dst, false), x86::gpw(src.id)); return true;
    case I64Extend8S: a_.movsx(gp(dst, true), x86::gpb(src.id)); return true;
    case I64Extend16S: a_.movsx(gp(dst, true), x86::gpw(src.id)); return true;
    case I64Extend32S: a_.movsxd(gp(dst, true), gp(src, false)); return true;
    default: return false;
  }
}

// ---- float ---------------------------------------------------------------------------------

bool Masm::fp_binop(Op op, JReg dst, JReg rhs) {
  x86::Xmm d = xmm(dst), s = xmm(rhs);
  using enum Op;
  switch (op) {
    case F32Add: a_.addss(d, s); return true;
    case F32Sub: a_.subss(d, s); return true;
    case F32Mul: a_.mulss(d, s); return true;
    case F32Div: a_.divss(d, s); return true;
    case F64Add: a_.addsd(d, s); return true;
    case F64Sub: a_.subsd(d, s); return true;
    case F64Mul: a_.mulsd(d, s); return true;
    case F64Div: a_.divsd(d, s); return true;
    default: return false;
  }
}

// ucomis sets ZF,PF,CF = 1,1,1 for unordered operands, so "above" and "above or equal" are
// false on NaN, and their negations (below-or-equal, below) are exactly "not gt"/"not ge".
bool Masm::fp_compare(Op op, JReg a, JReg b, JReg out, JCond& cond, bool& in_flags) {
  bool w = op64(op);
  auto ucomi = [&](JReg x, JReg y) {
    if (w) a_.ucomisd(xmm(x), xmm(y));
    else a_.ucomiss(xmm(x), xmm(y));
  };
  using enum Op;
  in_flags = true;
  switch (op) {
    case F32Gt: case F64Gt: ucomi(a, b); cond = JCond::GtU; return true;
    case F32Ge: case F64Ge: ucomi(a, b); cond = JCond::GeU; return true;
    case F32Lt: case F64Lt: ucomi(b, a); cond = JCond::GtU; return true;
    case F32Le: case F64Le: ucomi(b, a); cond = JCond::GeU; return true;
    case F32Eq: case F64Eq: case F32Ne: case F64Ne: {
      bool eq = op == F32Eq || op == F64Eq;
      ucomi(a, b);
      in_flags = false;
      a_.set(eq ? x86::CondCode::kEqual : x86::CondCode::kNotEqual, x86::gpb(out.id));
      a_.set(eq ? x86::CondCode::kParityOdd : x86::CondCode::kParityEven, kScratch.r8());
      if (eq) a_.and_(x86::gpb(out.id), kScratch.r8());
      else a_.or_(x86::gpb(out.id), kScratch.r8());
      a_.movzx(gp(out, false), x86::gpb(out.id));
      return true;
    }
    default: return false;
  }
}

bool Masm::fp_unop(Op op, JReg dst, JReg src) {
  using enum Op;
  switch (op) {
    case F32Sqrt: a_.sqrtss(xmm(dst), xmm(src)); return true;
    case F64Sqrt: a_.sqrtsd(xmm(dst), xmm(src)); return true;
    // Sign-bit operations never touch the payload of a NaN (exec/numerics.rst: fabs, fneg).
    case F32Abs: case F32Neg:
      a_.movd(kScratch.r32(), xmm(src));
      if (op == F32Abs) a_.and_(kScratch.r32(), 0x7fffffff);
      else a_.xor_(kScratch.r32(), Imm(0x80000000u));
      a_.movd(xmm(dst), kScratch.r32());
      return true;
    case F64Abs: case F64Neg:
      a_.movq(kScratch, xmm(src));
      if (op == F64Abs) a_.btr(kScratch, 63);
      else a_.btc(kScratch, 63);
      a_.movq(xmm(dst), kScratch);
      return true;
    case F32ConvertI32S: a_.cvtsi2ss(xmm(dst), gp(src, false)); return true;
    case F32ConvertI32U: a_.cvtsi2ss(xmm(dst), gp(src, true)); return true;  // zero-extended
    case F32ConvertI64S: a_.cvtsi2ss(xmm(dst), gp(src, true)); return true;
    case F64ConvertI32S: a_.cvtsi2sd(xmm(dst), gp(src, false)); return true;
    case F64ConvertI32U: a_.cvtsi2sd(xmm(dst), gp(src, true)); return true;
    case F64ConvertI64S: a_.cvtsi2sd(xmm(dst), gp(src, true)); return true;
    case I32ReinterpretF32: a_.movd(gp(dst, false), xmm(src)); return true;
    case I64ReinterpretF64: a_.movq(gp(dst, true), xmm(src)); return true;
    case F32ReinterpretI32: a_.movd(xmm(dst), gp(src, false)); return true;
    case F64ReinterpretI64: a_.movq(xmm(dst), gp(src, true)); return true;
    default: return false;
  }
}

// ---- memory 0 ------------------------------------------------------------------------------

void Masm::bounds_check(JReg addr, uint64_t offset, uint32_t width, JLabel oob) {
  // exec/instructions.rst: the effective address i + offset (a 33-bit value) plus the width
  // must not exceed the memory's size; 64-bit arithmetic cannot overflow here.
  uint64_t end = offset + width;
  if (end <= static_cast<uint64_t>(INT32_MAX)) {
    a_.lea(kScratch, x86::ptr(gp(addr, true), static_cast<int32_t>(end)));
  } else {
    a_.mov(kScratch, Imm(end));
    a_.add(kScratch, gp(addr, true));
  }
  a_.cmp(kScratch, x86::qword_ptr(kMem0, L::kMemorySize));
  a_.ja(lab(oob));
}

namespace {
/// The operand of an access at addr + offset (r11 holds the sum when offset is too large).
x86::Mem access(x86::Assembler& a, JReg addr, uint64_t offset, uint32_t size) {
  if (offset <= static_cast<uint64_t>(INT32_MAX))
    return x86::Mem(kMemBase, x86::gpq(addr.id), 0, static_cast<int32_t>(offset), size);
  a.mov(kScratch, Imm(offset));
  a.add(kScratch, x86::gpq(addr.id));
  return x86::Mem(kMemBase, kScratch, 0, 0, size);
}
}  // namespace

void Masm::load_mem(Op op, JReg dst, JReg addr, uint64_t offset) {
  using enum Op;
  switch (op) {
    case I32Load: a_.mov(gp(dst, false), access(a_, addr, offset, 4)); break;
    case I64Load: a_.mov(gp(dst, true), access(a_, addr, offset, 8)); break;
    case F32Load: a_.movss(xmm(dst), access(a_, addr, offset, 4)); break;
    case F64Load: a_.movsd(xmm(dst), access(a_, addr, offset, 8)); break;
    case V128Load: a_.movups(xmm(dst), access(a_, addr, offset, 16)); break;
    case I32Load8S: a_.movsx(gp(dst, false), access(a_, addr, offset, 1)); break;
    case I32Load8U: a_.movzx(gp(dst, false), access(a_, addr, offset, 1)); break;
    case I32Load16S: a_.movsx(gp(dst, false), access(a_, addr, offset, 2)); break;
    case I32Load16U: a_.movzx(gp(dst, false), access(a_, addr, offset, 2)); break;
    case I64Load8S: a_.movsx(gp(dst, true), access(a_, addr, offset, 1)); break;
    case I64Load8U: a_.movzx(gp(dst, false), access(a_, addr, offset, 1)); break;
    case I64Load16S: a_.movsx(gp(dst, true), access(a_, addr, offset, 2)); break;
    case I64Load16U: a_.movzx(gp(dst, false), access(a_, addr, offset, 2)); break;
    case I64Load32S: a_.movsxd(gp(dst, true), access(a_, addr, offset, 4)); break;
    case I64Load32U: a_.mov(gp(dst, false), access(a_, addr, offset, 4)); break;
    default: break;
  }
}

void Masm::store_mem(Op op, JReg addr, uint64_t offset, JReg val) {
  using enum Op;
  switch (op) {
    case I32Store: case I64Store32: a_.mov(access(a_, addr, offset, 4), gp(val, false)); break;
    case I64Store: a_.mov(access(a_, addr, offset, 8), gp(val, true)); break;
    case F32Store: a_.movss(access(a_, addr, offset, 4), xmm(val)); break;
    case F64Store: a_.movsd(access(a_, addr, offset, 8), xmm(val)); break;
    case V128Store: a_.movups(access(a_, addr, offset, 16), xmm(val)); break;
    case I32Store8: case I64Store8: a_.mov(access(a_, addr, offset, 1), x86::gpb(val.id)); break;
    case I32Store16: case I64Store16: a_.mov(access(a_, addr, offset, 2), x86::gpw(val.id)); break;
    default: break;
  }
}

void Masm::memory_size(JReg dst) {
  a_.mov(gp(dst, true), x86::qword_ptr(kMem0, L::kMemorySize));
  a_.shr(gp(dst, true), 16);
}

// ---- control -------------------------------------------------------------------------------

void Masm::jump(JLabel l) { a_.jmp(lab(l)); }
void Masm::jump_if(JCond c, JLabel l) { a_.j(cc(c), lab(l)); }

void Masm::jump_table(JReg idx, const std::vector<JLabel>& entries) {
  auto last = static_cast<uint32_t>(entries.size() - 1);
  x86::Gp i = gp(idx, false);
  a_.mov(kScratch.r32(), last);
  a_.cmp(i, kScratch.r32());
  a_.cmova(i, kScratch.r32());  // exec/instructions.rst: br_table — out of range takes the default
  asmjit::Label table = a_.newLabel();
  a_.lea(kScratch, x86::ptr(table));
  a_.movsxd(gp(idx, true), x86::dword_ptr(kScratch, gp(idx, true), 2));
  a_.add(kScratch, gp(idx, true));
  a_.jmp(kScratch);
  a_.align(asmjit::AlignMode::kData, 4);
  a_.bind(table);
  for (JLabel e : entries) a_.embedLabelDelta(lab(e), table, 4);
}

void Masm::select(JReg cond, JReg dst, JReg other, ValType t) {
  a_.test(gp(cond, false), gp(cond, false));
  if (dst.cls == RegClass::Gp) {
    a_.cmovz(gp(dst, true), gp(other, true));
    return;
  }
  asmjit::Label keep = a_.newLabel();
  a_.jnz(keep);
  move(dst, other, t);
  a_.bind(keep);
}

// ---- calls ---------------------------------------------------------------------------------

void Masm::load_func(uint32_t index) {
  a_.mov(kScratch, x86::qword_ptr(kInst, L::kInstanceFuncs));
  a_.mov(kScratch, x86::qword_ptr(kScratch, static_cast<int32_t>(index * 8)));
}

void Masm::load_indirect(uint32_t table, uint32_t type_index, JReg idx, JLabel undefined, JLabel uninit,
                         JLabel mismatch) {
  // exec/instructions.rst: call_indirect — the element must exist, be non-null, and have
  // the expected (store-canonical) type.
  a_.mov(kScratch, x86::qword_ptr(kInst, L::kInstanceTables));
  a_.mov(kScratch, x86::qword_ptr(kScratch, static_cast<int32_t>(table * 8)));
  a_.cmp(gp(idx, true), x86::qword_ptr(kScratch, L::kTableSize));
  a_.jae(lab(undefined));
  a_.mov(kScratch, x86::qword_ptr(kScratch, L::kTableElements));
  a_.mov(kScratch, x86::qword_ptr(kScratch, gp(idx, true), 3));
  a_.test(kScratch, kScratch);
  a_.jz(lab(uninit));
  a_.mov(x86::rax, x86::qword_ptr(kInst, L::kInstanceTypeIds));
  a_.mov(x86::eax, x86::dword_ptr(x86::rax, static_cast<int32_t>(type_index * 4)));
  a_.cmp(x86::eax, x86::dword_ptr(kScratch, L::kFuncTypeId));
  a_.jne(lab(mismatch));
}

void Masm::call_entry(int32_t args, uint32_t io_slots) {
  a_.lea(x86::rdx, frame(args));
  a_.lea(x86::rax, x86::ptr(x86::rdx, static_cast<int32_t>(io_slots * 16)));
  a_.mov(x86::qword_ptr(kCtx, L::kExecStackTop), x86::rax);
  a_.mov(x86::qword_ptr(kCtx, L::kExecCaller), kInst);
  a_.mov(x86::rdi, kCtx);
  a_.mov(x86::rsi, kScratch);
  a_.call(x86::qword_ptr(kScratch, L::kFuncEntry));
}

void Masm::call_slot_helper(const void* fn, int32_t off, uint32_t imm) {
  a_.lea(x86::rdi, frame(off));
  a_.mov(x86::esi, imm);
  call_abs(a_, fn);
}

void Masm::call_ctx_helper(const void* fn, int32_t off, uint32_t a, uint32_t b, uint32_t c) {
  a_.mov(x86::rdi, kCtx);
  a_.mov(x86::rsi, kInst);
  a_.lea(x86::rdx, frame(off));
  a_.mov(x86::ecx, a);
  a_.mov(x86::r8d, b);
  a_.mov(x86::r9d, c);
  call_abs(a_, fn);
}

void Masm::call_data_helper(const void* fn, int32_t off, JLabel data) {
  a_.lea(x86::rdi, frame(off));
  a_.lea(x86::rsi, x86::ptr(lab(data)));
  call_abs(a_, fn);
}

// The helpers and entries these follow return TrapKind, a uint8_t: the SysV ABI defines only
// al for it (g++ happens to zero-extend, clang does not), so eax is normalized from al first;
// the stubs these jump to pass eax on as the kind.
void Masm::test_eax_jump_nonzero(JLabel l) {
  a_.movzx(x86::eax, x86::al);
  a_.test(x86::eax, x86::eax);
  a_.jnz(lab(l));
}

void Masm::cmp_eax_jump_eq(uint32_t value, JLabel l) {
  a_.movzx(x86::eax, x86::al);
  a_.cmp(x86::eax, value);
  a_.je(lab(l));
}

void Masm::mov_eax(uint32_t value) { a_.mov(x86::eax, value); }

void Masm::call_catch_dispatch(const void* fn, JLabel table, uint32_t n) {
  a_.mov(x86::rdi, kCtx);
  a_.mov(x86::rsi, kInst);
  a_.mov(x86::rdx, kFrame);
  a_.lea(x86::rcx, x86::ptr(lab(table)));
  a_.mov(x86::r8d, n);
  call_abs(a_, fn);
}

void Masm::take_result(JReg dst, ValType t) {
  if (dst.id != 0) a_.mov(gp(dst, true), x86::rax);
  (void)t;
}

void Masm::embed_at(JLabel l, const void* data, size_t size) {
  a_.align(asmjit::AlignMode::kData, 16);
  a_.bind(lab(l));
  a_.embed(data, size);
}

void Masm::ud2() { a_.ud2(); }

}  // namespace shard::jit::x64

// The JIT compiler's value stack, register allocation and structured control flow.
// Instructions are in compiler_ops.cpp.
#include "jit/compiler.h"

#include <cstring>

#include "jit/code_memory.h"
#include "jit/thunks.h"

namespace shard::jit {

// ---- function ------------------------------------------------------------------------------

void Compiler::begin_function(const FunctionInfo& fi) {
  module_ = fi.module;
  // One CodeHolder and assembler for all functions: a soft reset keeps their memory.
  if (!code_) {
    code_.emplace();
    code_->init(asmjit::Environment::host());
    masm_.emplace(*code_);
  } else {
    code_->reset(asmjit::ResetPolicy::kSoft);
    code_->init(asmjit::Environment::host());
    masm_->reattach(*code_);
  }
  nparams_ = static_cast<uint32_t>(fi.type->params.size());
  nresults_ = static_cast<uint32_t>(fi.type->results.size());
  nlocals_ = static_cast<uint32_t>(fi.locals.size());
  fn_results_.assign(fi.type->results.begin(), fi.type->results.end());
  max_h_ = nresults_;
  st_.clear();
  stubs_.clear();
  data_.clear();
  tries_.clear();
  dispatches_.clear();
  return_homes_.reset();
  unsupported_.clear();
  for (auto& o : gp_owner_) o = kFree;
  for (auto& o : fp_owner_) o = kFree;
  body_ = masm_->new_label();
  entry_ = masm_->new_label();
  raise_ = masm_->new_label();
  propagate_ = masm_->new_label();
  exhausted_ = masm_->new_label();
  ret_ = masm_->new_label();
  masm_->bind(body_);
}

void Compiler::end_function() {
  if (!unsupported_.empty()) return;
  // One epilogue per function, right after the body (whose final return jumps over nothing):
  // every return jumps here.
  masm_->bind(ret_);
  masm_->epilogue();
  // Exception dispatch: the clauses' table goes into the code's data; the helper's answer
  // indexes a jump table whose last entry is "not caught here".
  for (const Dispatch& d : dispatches_) {
    masm_->bind(d.label);
    auto n = static_cast<uint32_t>(d.clauses.size());
    std::vector<uint8_t> table(n * sizeof(CatchEntry));
    std::vector<JLabel> targets;
    for (uint32_t i = 0; i < n; ++i) {
      std::memcpy(table.data() + i * sizeof(CatchEntry), &d.clauses[i].entry, sizeof(CatchEntry));
      targets.push_back(d.clauses[i].target);
    }
    JLabel data = masm_->new_label();
    data_.emplace_back(data, std::move(table));
    masm_->call_catch_dispatch(reinterpret_cast<const void*>(&catch_dispatch), data, n);
    cur_offset_ = d.wasm_offset;
    JLabel uncaught = d.from_call ? propagate_label() : trap_label(TrapKind::Exception);
    targets.push_back(uncaught);
    if (d.from_call) {
      // propagate expects the callee's kind in eax.
      JLabel set = masm_->new_label();
      targets.back() = set;
      masm_->jump_table(Masm::kResultReg, targets);
      masm_->bind(set);
      masm_->mov_eax(static_cast<uint32_t>(TrapKind::Exception));
      masm_->jump(uncaught);
    } else {
      masm_->jump_table(Masm::kResultReg, targets);
    }
  }
  if (return_homes_) {
    // A catch clause whose label is the function's: the values are at the function frame's
    // home slots (height 0); return them.
    masm_->bind(*return_homes_);
    for (uint32_t k = 0; k < nresults_; ++k)
      masm_->copy_frame(static_cast<int32_t>(k * 16), home(k), fn_results_[k]);
    masm_->jump(ret_);
  }
  std::array<std::optional<JLabel>, 256> kind_stub{};
  for (const Stub& s : stubs_) {
    switch (s.kind) {
      case Stub::Kind::Trap:
        if (s.extra >= 0) {
          masm_->trap_stub(s.label, s.trap, s.wasm_offset, s.extra, raise_);
        } else {
          // Sites of one kind share the code that loads the kind: each stub only sets its offset.
          auto k = static_cast<size_t>(s.trap);
          if (!kind_stub[k]) kind_stub[k] = masm_->new_label();
          masm_->offset_stub(s.label, s.wasm_offset, *kind_stub[k]);
        }
        break;
      case Stub::Kind::Propagate: masm_->propagate_stub(s.label, s.wasm_offset, propagate_); break;
      case Stub::Kind::RaiseEax: masm_->raise_eax_stub(s.label, s.wasm_offset, raise_); break;
    }
  }
  for (size_t k = 0; k < kind_stub.size(); ++k)
    if (kind_stub[k]) masm_->kind_stub(*kind_stub[k], static_cast<TrapKind>(k), raise_);
  for (auto& [label, bytes] : data_) masm_->embed_at(label, bytes.data(), bytes.size());
  // The exits are the same code for every function (the frame layout is fixed), placed once
  // per process (shared_exits); a function only jumps there.
  const SharedExits& exits = shared_exits();
  masm_->bind(raise_);
  masm_->jump_abs(exits.raise);
  masm_->bind(propagate_);
  masm_->jump_abs(exits.propagate);
  masm_->bind(exhausted_);
  masm_->jump_abs(exits.exhausted);
  // The entry is placed last because only now is the frame size known (one walk, no
  // pre-pass): it checks the limits, sets up the frame and jumps to the body.
  masm_->bind(entry_);
  uint32_t frame_bytes = (nlocals_ + max_h_ + 1) * 16;
  masm_->prologue(nparams_, nlocals_, frame_bytes, exhausted_);
  masm_->jump(body_);
}

size_t Compiler::code_size() const { return code_ ? code_->codeSize() : 0; }

bool Compiler::place(uint64_t base, Assembled& out) {
  if (shared_exits().raise == nullptr) return false;
  asmjit::CodeHolder& c = *code_;
  if (c.flatten() != asmjit::kErrorOk || c.resolveUnresolvedLinks() != asmjit::kErrorOk ||
      c.relocateToBase(base) != asmjit::kErrorOk)
    return false;
  out.bytes.resize(c.codeSize());
  if (c.copyFlattenedData(out.bytes.data(), out.bytes.size()) != asmjit::kErrorOk) return false;
  out.entry_offset = static_cast<uint32_t>(masm_->label_offset(entry_));
  out.traps.clear();
  for (const Stub& s : stubs_) {
    if (s.kind != Stub::Kind::Trap) continue;
    out.traps.push_back(TrapSite{static_cast<uint32_t>(masm_->label_offset(s.label)), s.trap, s.wasm_offset});
  }
  return true;
}

const Compiler::SharedExits& Compiler::shared_exits() {
  static const SharedExits exits = [] {
    static CodeMemory memory;  // lives as long as the process, like the tier
    asmjit::CodeHolder code;
    code.init(asmjit::Environment::host());
    Masm masm(code);
    JLabel raise = masm.new_label(), propagate = masm.new_label(), exhausted = masm.new_label();
    masm.emit_exits(raise, propagate, exhausted, reinterpret_cast<const void*>(&raise_trap),
                    reinterpret_cast<const void*>(&propagate_trap), reinterpret_cast<const void*>(&stack_exhausted));
    SharedExits e;
    CodeMemory::Block b = memory.allocate(code.codeSize());
    if (b.exec == nullptr || code.flatten() != asmjit::kErrorOk || code.relocateToBase(reinterpret_cast<uint64_t>(b.exec)) ||
        code.copyFlattenedData(b.write, code.codeSize()) != asmjit::kErrorOk)
      return e;  // null exits: every compile then falls back (see Compiler::place)
    e.raise = b.exec + masm.label_offset(raise);
    e.propagate = b.exec + masm.label_offset(propagate);
    e.exhausted = b.exec + masm.label_offset(exhausted);
    return e;
  }();
  return exits;
}

// ---- registers and the value stack -----------------------------------------------------

JReg Compiler::alloc(RegClass c) {
  auto pool = c == RegClass::Gp ? std::span<const uint8_t>(Masm::kGpPool) : std::span<const uint8_t>(Masm::kFpPool);
  for (uint8_t id : pool) {
    JReg r{c, id};
    if (owner(r) == kFree) {
      owner(r) = kHeld;
      return r;
    }
  }
  // None free: spill the deepest value held in this class (the least likely to be used soon).
  for (uint32_t h = 0; h < st_.size(); ++h) {
    if (st_[h].loc == Loc::Reg && st_[h].reg.cls == c) {
      JReg r = st_[h].reg;
      spill(h);
      owner(r) = kHeld;
      return r;
    }
  }
  return JReg{c, pool[0]};  // unreachable: an instruction holds at most three registers
}

void Compiler::push(const Val& v) {
  st_.push_back(v);
  note_height(static_cast<uint32_t>(st_.size()));
}

void Compiler::push_reg(ValType t, JReg r) {
  Val v;
  v.loc = Loc::Reg;
  v.type = t;
  v.reg = r;
  owner(r) = static_cast<int16_t>(st_.size());
  push(v);
}

void Compiler::push_mem(ValType t) {
  Val v;
  v.loc = Loc::Mem;
  v.type = t;
  push(v);
}

Compiler::Val Compiler::pop() {
  Val v = st_.back();
  st_.pop_back();
  v.h = static_cast<uint32_t>(st_.size());
  if (v.loc == Loc::Reg) owner(v.reg) = kHeld;
  return v;
}

void Compiler::drop_to(uint32_t h) {
  while (st_.size() > h) {
    if (st_.back().loc == Loc::Reg) release(st_.back().reg);
    st_.pop_back();
  }
}

JReg Compiler::into_reg(Val& v) {
  if (v.loc == Loc::Reg) return v.reg;
  JReg r = alloc(reg_class(v.type));
  switch (v.loc) {
    case Loc::Const: masm_->load_imm(r, v.type, v.imm); break;
    case Loc::Local: masm_->load_frame(r, v.type, local_off(v.local)); break;
    case Loc::Mem: masm_->load_frame(r, v.type, home(v.h)); break;
    case Loc::Flags: masm_->set_cond(r, v.cond); break;
    case Loc::Reg: break;
  }
  v.loc = Loc::Reg;
  v.reg = r;
  return r;
}

void Compiler::store_val(const Val& v, int32_t off) {
  switch (v.loc) {
    case Loc::Const: masm_->store_frame_imm(off, v.type, v.imm); break;
    case Loc::Local: masm_->copy_frame(off, local_off(v.local), v.type); break;
    case Loc::Reg: masm_->store_frame(off, v.type, v.reg); break;
    case Loc::Mem: break;  // callers pass the value's own home or copy it themselves
    case Loc::Flags: break;  // materialized before any store (materialize_flags)
  }
}

void Compiler::spill(uint32_t h) {
  Val& v = st_[h];
  if (v.loc == Loc::Mem) return;
  if (v.loc == Loc::Flags) {
    JReg r = alloc(RegClass::Gp);
    masm_->set_cond(r, v.cond);
    v.loc = Loc::Reg;
    v.reg = r;
  }
  store_val(v, home(h));
  if (v.loc == Loc::Reg) release(v.reg);
  v.loc = Loc::Mem;
}

void Compiler::spill_all() {
  for (uint32_t h = 0; h < st_.size(); ++h) spill(h);
}

void Compiler::materialize_flags() {
  if (st_.empty() || st_.back().loc != Loc::Flags) return;
  Val& v = st_.back();
  JReg r = alloc(RegClass::Gp);
  masm_->set_cond(r, v.cond);
  v.loc = Loc::Reg;
  v.reg = r;
  owner(r) = static_cast<int16_t>(st_.size() - 1);
}

void Compiler::spill_local_refs(uint32_t local) {
  for (uint32_t h = 0; h < st_.size(); ++h)
    if (st_[h].loc == Loc::Local && st_[h].local == local) spill(h);
}

void Compiler::evict(std::initializer_list<uint8_t> gp_ids) {
  for (uint8_t id : gp_ids) {
    int16_t o = gp_owner_[id];
    if (o >= 0) spill(static_cast<uint32_t>(o));
  }
}

// ---- trap stubs ----------------------------------------------------------------------------

JLabel Compiler::add_stub(Stub::Kind kind, TrapKind trap, int extra) {
  Stub s;
  s.label = masm_->new_label();
  s.kind = kind;
  s.trap = trap;
  s.wasm_offset = cur_offset_;
  s.extra = extra;
  stubs_.push_back(s);
  return s.label;
}

// ---- branches ------------------------------------------------------------------------------

bool Compiler::branch_is_simple(const Frame& target, uint32_t h) const {
  if (target.kind == FrameKind::Function) return false;
  auto n = static_cast<uint32_t>(target.label_types().size());
  if (n == 0) return true;
  if (target.height != h - n) return false;
  for (uint32_t k = h - n; k < h; ++k)
    if (st_[k].loc != Loc::Mem) return false;
  return true;
}

// The label's values go to the target's home slots, in ascending order: a destination is at
// or below its source, so no copy overwrites a value still to be read.
void Compiler::branch_copies(const Frame& target, uint32_t h) {
  auto n = static_cast<uint32_t>(target.label_types().size());
  for (uint32_t k = 0; k < n; ++k) {
    const Val& v = st_[h - n + k];
    int32_t dst = home(target.height + k);
    if (v.loc == Loc::Mem) masm_->copy_frame(dst, home(h - n + k), v.type);
    else store_val(v, dst);
  }
}

void Compiler::branch_to(Frame& target, uint32_t h) {
  if (target.kind == FrameKind::Function) {
    emit_return(h);
    return;
  }
  branch_copies(target, h);
  masm_->jump(label_of(target));
}

void Compiler::emit_return(uint32_t h) {
  materialize_flags();
  uint32_t n = nresults_;
  // A result read from a local that an earlier result's store overwrites goes via its home.
  for (uint32_t k = 0; k < n; ++k) {
    const Val& v = st_[h - n + k];
    if (v.loc == Loc::Local && v.local < n) spill(h - n + k);
  }
  for (uint32_t k = 0; k < n; ++k) {
    const Val& v = st_[h - n + k];
    int32_t dst = static_cast<int32_t>(k * 16);
    if (v.loc == Loc::Mem) masm_->copy_frame(dst, home(h - n + k), v.type);
    else store_val(v, dst);
  }
  masm_->jump(ret_);
}

void Compiler::cond_jump(Val c, bool negate_it, JLabel l) {
  if (c.loc == Loc::Flags) {
    masm_->jump_if(negate_it ? negate(c.cond) : c.cond, l);
    return;
  }
  if (c.loc == Loc::Const) {
    if ((static_cast<uint32_t>(c.imm) != 0) != negate_it) masm_->jump(l);
    return;
  }
  JReg r = into_reg(c);
  masm_->test_zero(r, ValType::I32);
  masm_->jump_if(negate_it ? JCond::Zero : JCond::NonZero, l);
  release(r);
}

// ---- structured control ----------------------------------------------------------------------

void Compiler::on_block(const Instr& ins, Frame& f) {
  cur_offset_ = static_cast<uint32_t>(ins.offset);
  if (!f.reachable_on_entry || !unsupported_.empty()) return;
  spill_all();
  f.data.end = masm_->new_label();
}

void Compiler::on_loop(const Instr& ins, Frame& f) {
  cur_offset_ = static_cast<uint32_t>(ins.offset);
  if (!f.reachable_on_entry || !unsupported_.empty()) return;
  spill_all();
  f.data.end = masm_->new_label();
  masm_->bind(f.data.end);
  // HOOK(fuel, epochs): the loop check of metered code goes here (see masm.cpp: prologue).
}

void Compiler::on_if(const Instr& ins, Frame& f) {
  cur_offset_ = static_cast<uint32_t>(ins.offset);
  if (!f.reachable_on_entry || !unsupported_.empty()) return;
  Val c = pop();
  spill_all();
  f.data.end = masm_->new_label();
  f.data.else_label = masm_->new_label();
  f.data.has_else = true;
  cond_jump(c, /*negate=*/true, f.data.else_label);
}

void Compiler::on_else(const Instr& ins, Frame& f) {
  cur_offset_ = static_cast<uint32_t>(ins.offset);
  if (!unsupported_.empty()) return;
  if (f.reachable_on_entry) {
    if (!f.unreachable) {
      spill_all();
      masm_->jump(f.data.end);
    }
    masm_->bind(f.data.else_label);
    f.data.has_else = false;
  }
  drop_to(f.height);
  for (ValType t : f.sig.params) push_mem(t);
}

// exec/instructions.rst: try_table — a block whose catch clauses take exceptions thrown
// (by throw/throw_ref, or out of a call) anywhere in its body, innermost try_table first.
// Every such site spills all values first, so at a catch all live values are in their
// home slots, as at any label; the clause's values go to its target's home slots.
void Compiler::on_try_table(const Instr& ins, std::vector<Frame>& frames) {
  cur_offset_ = static_cast<uint32_t>(ins.offset);
  Frame& f = frames.back();
  if (!f.reachable_on_entry || !unsupported_.empty()) return;
  spill_all();
  f.data.end = masm_->new_label();
  std::vector<Clause> clauses;
  for (const CatchClause& c : ins.catches) {
    Frame& target = frames[frames.size() - 2 - c.label];
    Clause cl;
    cl.entry.kind = static_cast<uint32_t>(c.kind);
    cl.entry.tag = c.tag;
    cl.entry.dst = home(target.height);
    cl.target = target.kind == FrameKind::Function ? return_from_homes() : label_of(target);
    note_height(target.height + static_cast<uint32_t>(target.label_types().size()));
    clauses.push_back(cl);
  }
  tries_.push_back(std::move(clauses));
}

std::optional<JLabel> Compiler::dispatch_label(bool from_call) {
  if (tries_.empty()) return std::nullopt;
  Dispatch d;
  d.label = masm_->new_label();
  for (size_t i = tries_.size(); i-- > 0;) d.clauses.insert(d.clauses.end(), tries_[i].begin(), tries_[i].end());
  d.from_call = from_call;
  d.wasm_offset = cur_offset_;
  dispatches_.push_back(std::move(d));
  return dispatches_.back().label;
}

JLabel Compiler::return_from_homes() {
  if (!return_homes_) return_homes_ = masm_->new_label();
  return *return_homes_;
}

void Compiler::on_end(const Instr& ins, Frame& f) {
  cur_offset_ = static_cast<uint32_t>(ins.offset);
  if (!unsupported_.empty()) return;
  if (f.kind == FrameKind::Function) {
    if (!f.unreachable) emit_return(ins.height);
    return;
  }
  if (f.reachable_on_entry) {
    if (f.kind == FrameKind::TryTable) tries_.pop_back();
    if (!f.unreachable) spill_all();
    if (f.data.has_else) masm_->bind(f.data.else_label);
    if (f.kind != FrameKind::Loop) masm_->bind(f.data.end);
  }
  drop_to(f.height);
  for (ValType t : f.sig.results) push_mem(t);
}

void Compiler::on_br(const Instr& ins, Frame& target) {
  cur_offset_ = static_cast<uint32_t>(ins.offset);
  if (!unsupported_.empty()) return;
  materialize_flags();
  branch_to(target, ins.height);
}

void Compiler::on_br_if(const Instr& ins, Frame& target) {
  cur_offset_ = static_cast<uint32_t>(ins.offset);
  if (!unsupported_.empty()) return;
  uint32_t h = ins.height - 1;  // without the condition
  Val c = pop();
  if (branch_is_simple(target, h)) {
    cond_jump(c, false, label_of(target));
  } else {
    JLabel skip = masm_->new_label();
    cond_jump(c, true, skip);
    branch_to(target, h);
    masm_->bind(skip);
  }
}

void Compiler::on_br_table(const Instr& ins, std::vector<Frame>& frames) {
  cur_offset_ = static_cast<uint32_t>(ins.offset);
  if (!unsupported_.empty()) return;
  materialize_flags();
  uint32_t h = ins.height - 1;
  Val idx = pop();
  JReg r = into_reg(idx);
  auto n = static_cast<uint32_t>(ins.targets.size());
  std::vector<JLabel> entries(n);
  std::vector<std::pair<uint32_t, JLabel>> stubs;  // depth -> stub doing the copies
  for (uint32_t i = 0; i < n; ++i) {
    uint32_t depth = ins.targets[i];
    Frame& t = frames[frames.size() - 1 - depth];
    if (branch_is_simple(t, h)) {
      entries[i] = label_of(t);
      continue;
    }
    JLabel l{};
    bool found = false;
    for (auto& [d, sl] : stubs)
      if (d == depth) l = sl, found = true;
    if (!found) {
      l = masm_->new_label();
      stubs.emplace_back(depth, l);
    }
    entries[i] = l;
  }
  masm_->jump_table(r, entries);
  release(r);
  for (auto& [depth, l] : stubs) {
    masm_->bind(l);
    branch_to(frames[frames.size() - 1 - depth], h);
  }
}

void Compiler::on_return(const Instr& ins) {
  cur_offset_ = static_cast<uint32_t>(ins.offset);
  if (!unsupported_.empty()) return;
  emit_return(ins.height);
}

}  // namespace shard::jit
